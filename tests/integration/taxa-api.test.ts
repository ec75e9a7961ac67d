import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpoints, type QueryOf, type Taxon } from '../../api/contract/index.js';
import { TaxonRepository } from '../../api/repositories/taxon.repository.js';
import { parseTaxonomy, taxonomy } from '../../datasets/taxonomy.js';
import taxonomyJson from '../../datasets/taxonomy.json' with { type: 'json' };
import { findModelPackageDirs, type ModelCard } from '../../inference/model-package.js';
import { anonymous, as, type Client, type Response } from '../helpers/client.js';
import { openTestDatabase, testBackends } from '../helpers/database.js';
import { MODELS_DIR } from '../helpers/models.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/** Every taxon a label of a committed model package (any version) names. */
async function modelTaxa(): Promise<string[]> {
  const taxa = new Set<string>();
  for (const versions of (await findModelPackageDirs(MODELS_DIR)).values()) {
    for (const directory of versions) {
      const card = JSON.parse(await readFile(path.join(directory, 'model.json'), 'utf8')) as ModelCard;
      for (const label of card.labels) taxa.add(label.taxon);
    }
  }
  return [...taxa];
}

for (const backend of await testBackends()) {
  describe.skipIf(!backend.availability.available)(`taxa API on ${backend.name} ${backend.availability.reason}`, () => {
    let t: TestApp;
    let admin: Client;
    let expert: Client;
    let staff: Client;

    const search = async (query: Partial<QueryOf<typeof endpoints.searchTaxa>>) => {
      const response = await staff.searchTaxa({ query });
      expect(response.statusCode, response.body).toBe(200);
      return response.json().items;
    };
    const ids = (items: Taxon[]) => items.map((item) => item.id);
    const expectError = (response: Pick<Response, 'statusCode' | 'headers' | 'error'>, status: number, code: string) => {
      expect(response.statusCode).toBe(status);
      expect(String(response.headers['content-type'])).toContain('application/json');
      expect(response.error()).toMatchObject({ error: code, message: expect.any(String) });
    };
    const watchListAudit = (taxonId: string) =>
      t.database.db
        .selectFrom('audit_log')
        .innerJoin('users', 'users.id', 'audit_log.user_id')
        .select(['users.username', 'audit_log.before', 'audit_log.after'])
        .where('audit_log.action', '=', 'taxon.watch_list_changed')
        .where('audit_log.entity_type', '=', 'taxon')
        .where('audit_log.entity_id', '=', taxonId)
        .orderBy('audit_log.at')
        .execute();

    beforeAll(async () => {
      t = await createTestApp(backend.name);
      [admin, expert, staff] = await Promise.all([as(t, 'admin'), as(t, 'expert.ningbo'), as(t, 'staff.beilun')]);
    });
    afterAll(() => t?.close());

    it('finds Aedes albopictus first by its Chinese name, its epithet, its common name and its old genus', async () => {
      for (const q of ['白纹伊蚊', 'albopictus', '  ALBOPICTUS ', 'tiger', '亚洲虎蚊', 'Stegomyia albopicta', 'aedes albopictus']) {
        expect((await search({ q }))[0]?.id, q).toBe('Aedes albopictus');
      }
      // Stegomyia is the subgenus of both container-breeding Aedes the ports watch for: both are found.
      expect(ids(await search({ q: 'Stegomyia' })).sort()).toEqual(['Aedes aegypti', 'Aedes albopictus']);
      const [albopictus] = await search({ q: '白纹伊蚊' });
      expect(albopictus).toMatchObject({
        id: 'Aedes albopictus',
        rank: 'species',
        parentId: 'Aedes',
        group: 'mosquito',
        nameZh: '白纹伊蚊',
        nameEn: 'Asian tiger mosquito',
        lineage: ['Culicidae', 'Aedes', 'Aedes albopictus'],
        watchList: true,
        updatedAt: expect.any(String),
      });
      expect(albopictus?.synonyms).toContain('Stegomyia albopicta');
      expect(albopictus?.diseases).toContainEqual({ nameZh: '登革热', nameEn: 'Dengue' });
    });

    it('ranks an exact name first, then names that start with the text, then names with a word that does, then the rest', async () => {
      const aedes = ids(await search({ q: 'aedes' }));
      expect(aedes[0]).toBe('Aedes');
      expect(aedes.slice(1).every((id) => id.startsWith('Aedes '))).toBe(true);
      // 伊蚊属 starts with 伊蚊; 白纹伊蚊 only holds it.
      expect(ids(await search({ q: '伊蚊' }))[0]).toBe('Aedes');
      // "Ticks" starts with "tick"; then the families (broadest first), then species whose common name has the word.
      expect(ids(await search({ q: 'tick' })).slice(0, 2)).toEqual(['Ixodida', 'Ixodidae']);
      expect(ids(await search({ q: '臭鼩' }))[0]).toBe('Suncus murinus');
      expect(ids(await search({ q: 'Anopheles lesteri' }))).toEqual(['Anopheles anthropophagus']);
    });

    it('matches the text literally, LIKE wildcards included', async () => {
      expect(ids(await search({ q: '_' }))).toEqual(['not_vector']);
      expect(ids(await search({ q: '%' }))).toEqual([]);
      expect(ids(await search({ q: 'a%s' }))).toEqual([]);
    });

    it('filters by group, rank and watch list, and keeps to the limit', async () => {
      const tickSpecies = await search({ group: 'tick', rank: 'species', limit: 500 });
      expect(ids(tickSpecies).sort()).toEqual(
        taxonomy.taxa
          .filter((taxon) => taxon.group === 'tick' && taxon.rank === 'species')
          .map((taxon) => taxon.id)
          .sort(),
      );
      expect(ids(await search({ watchList: true, limit: 500 })).sort()).toEqual(
        taxonomy
          .watchList()
          .map((taxon) => taxon.id)
          .sort(),
      );
      expect(ids(await search({ q: 'rat', group: 'flea' }))).toEqual(['Xenopsylla cheopis']);
      expect(ids(await search({ q: 'rat', group: 'rodent', rank: 'species', watchList: false }))).toEqual(['Rattus tanezumi']);
      expect(await search({ q: 'a', limit: 3 })).toHaveLength(3);
      // Without text: the whole tree, each taxon after its parent.
      const all = ids(await search({ limit: 500 }));
      expect([...all].sort()).toEqual(taxonomy.taxa.map((taxon) => taxon.id).sort());
      for (const taxon of taxonomy.taxa) {
        if (taxon.parent) expect(all.indexOf(taxon.parent), taxon.id).toBeLessThan(all.indexOf(taxon.id));
      }
    });

    it('holds every taxon the committed models name, with its ancestors', async () => {
      const named = await modelTaxa();
      expect(named).toEqual(expect.arrayContaining(['Culicidae', 'Ixodida', 'Rodentia', 'not_vector', 'Aedes', 'Ixodes scapularis']));
      for (const id of named) {
        const response = await expert.getTaxon({ params: { id } });
        expect(response.statusCode, `${id}: ${response.body}`).toBe(200);
        const { lineage } = response.json();
        expect(lineage.at(-1)).toBe(id);
        for (const ancestor of lineage) expect((await expert.getTaxon({ params: { id: ancestor } })).statusCode, ancestor).toBe(200);
      }
    });

    it('answers one taxon, and 404 for a name it does not hold', async () => {
      const shrew = await staff.getTaxon({ params: { id: 'Suncus murinus' } });
      expect(shrew.statusCode).toBe(200);
      expect(shrew.json()).toMatchObject({ group: 'rodent', lineage: ['Eulipotyphla', 'Soricidae', 'Suncus', 'Suncus murinus'] });
      expectError(await staff.getTaxon({ params: { id: 'Aedes nonexistens' } }), 404, 'not_found');
      expectError(await admin.updateTaxon({ params: { id: 'Aedes nonexistens' }, body: { watchList: true } }), 404, 'not_found');
    });

    it('refuses bad input and anonymous callers', async () => {
      expectError(await staff.send(endpoints.searchTaxa, { query: { q: 'a'.repeat(101) } }), 400, 'validation_failed');
      expectError(await staff.send(endpoints.searchTaxa, { query: { rank: 'class' } }), 400, 'validation_failed');
      expectError(await staff.send(endpoints.searchTaxa, { query: { limit: 0 } }), 400, 'validation_failed');
      expectError(await staff.send(endpoints.getTaxon, { params: { id: 'Aedes/albopictus' } }), 400, 'validation_failed');
      expectError(await staff.send(endpoints.getTaxon, { params: { id: '白纹伊蚊' } }), 400, 'validation_failed');
      expectError(
        await admin.send(endpoints.updateTaxon, { params: { id: 'Aedes aegypti' }, body: { watchList: 'no' } }),
        400,
        'validation_failed',
      );
      expectError(await admin.send(endpoints.updateTaxon, { params: { id: 'Aedes aegypti' }, body: {} }), 400, 'validation_failed');
      const stranger = anonymous(t);
      expectError(await stranger.searchTaxa({ query: { q: 'aedes' } }), 401, 'unauthorized');
      expectError(await stranger.getTaxon({ params: { id: 'Aedes' } }), 401, 'unauthorized');
    });

    it('lets administrators alone change the watch list, audited with before and after', async () => {
      for (const [who, client] of [
        ['staff', staff],
        ['expert', expert],
      ] as const) {
        const refused = await client.updateTaxon({ params: { id: 'Anopheles sinensis' }, body: { watchList: true } });
        expectError(refused, 403, 'forbidden');
        expect((await staff.getTaxon({ params: { id: 'Anopheles sinensis' } })).json().watchList, who).toBe(false);
      }
      expect(await watchListAudit('Anopheles sinensis')).toEqual([]);

      const before = (await staff.getTaxon({ params: { id: 'Anopheles sinensis' } })).json();
      const changed = await admin.updateTaxon({ params: { id: 'Anopheles sinensis' }, body: { watchList: true } });
      expect(changed.statusCode, changed.body).toBe(200);
      expect(changed.json()).toMatchObject({ id: 'Anopheles sinensis', watchList: true });
      expect(Date.parse(changed.json().updatedAt)).toBeGreaterThanOrEqual(Date.parse(before.updatedAt));
      expect(ids(await search({ watchList: true, group: 'mosquito', limit: 500 }))).toContain('Anopheles sinensis');
      // Asking again for what already is changes and records nothing.
      expect((await admin.updateTaxon({ params: { id: 'Anopheles sinensis' }, body: { watchList: true } })).statusCode).toBe(200);
      expect(await watchListAudit('Anopheles sinensis')).toEqual([
        { username: 'admin', before: { watchList: false }, after: { watchList: true } },
      ]);
      const row = await t.database.db
        .selectFrom('taxa')
        .innerJoin('users', 'users.id', 'taxa.updated_by')
        .select(['users.username', 'taxa.watch_list'])
        .where('taxa.id', '=', 'Anopheles sinensis')
        .executeTakeFirst();
      expect(row).toEqual({ username: 'admin', watch_list: true });
    });

    it("keeps the administrators' flags when the taxonomy is synced again, and refreshes everything else", async () => {
      expect((await admin.updateTaxon({ params: { id: 'Aedes albopictus' }, body: { watchList: false } })).statusCode).toBe(200);
      await t.database.db.updateTable('taxa').set({ name_zh: '旧名', search_text: 'old' }).where('id', '=', 'Aedes albopictus').execute();
      const added = {
        id: 'Aedes triseriatus',
        rank: 'species',
        parent: 'Aedes',
        group: 'mosquito',
        nameZh: '三列伊蚊',
        nameEn: 'Eastern treehole mosquito',
        watchList: true,
        synonyms: ['Protomacleaya triseriata'],
      };
      const restarted = new TaxonRepository(t.database.db);
      await restarted.sync(parseTaxonomy({ ...taxonomyJson, taxa: [...taxonomyJson.taxa, added] }));
      await restarted.sync(taxonomy);

      const albopictus = (await staff.getTaxon({ params: { id: 'Aedes albopictus' } })).json();
      expect(albopictus).toMatchObject({ nameZh: '白纹伊蚊', watchList: false });
      expect((await search({ q: '白纹伊蚊' }))[0]?.id).toBe('Aedes albopictus');
      // A taxon new to the table takes the file's flag; one the file dropped stays, since records may name it.
      expect((await staff.getTaxon({ params: { id: 'Aedes triseriatus' } })).json()).toMatchObject({
        watchList: true,
        lineage: ['Culicidae', 'Aedes', 'Aedes triseriatus'],
      });
      expect(ids(await search({ q: 'protomacleaya' }))).toEqual(['Aedes triseriatus']);
    });

    it('syncs a fresh database from two processes starting at once', async () => {
      const fresh = await openTestDatabase(backend.name);
      try {
        await Promise.all([new TaxonRepository(fresh.db).sync(taxonomy), new TaxonRepository(fresh.db).sync(taxonomy)]);
        const rows = await fresh.db.selectFrom('taxa').select(['id', 'lineage', 'watch_list']).execute();
        expect(rows).toHaveLength(taxonomy.taxa.length);
        expect(rows.find((row) => row.id === 'Aedes albopictus')).toEqual({
          id: 'Aedes albopictus',
          lineage: '/Culicidae/Aedes/Aedes albopictus/',
          watch_list: true,
        });
        // Starting again with the same file writes nothing.
        const stamps = () => fresh.db.selectFrom('taxa').select(['id', 'updated_at']).orderBy('id').execute();
        const before = await stamps();
        await new TaxonRepository(fresh.db).sync(taxonomy);
        expect(await stamps()).toEqual(before);
      } finally {
        await fresh.close();
      }
    });
  });
}
