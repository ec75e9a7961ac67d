import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpoints, type QueryOf } from '../../api/contract/index.js';
import { anonymous, as, type Client } from '../helpers/client.js';
import { testBackends } from '../helpers/database.js';
import { waitForIdentification } from '../helpers/identification.js';
import { jpegImage } from '../helpers/images.js';
import { modelsDirWithSecondVersion, newestPackageDir } from '../helpers/models.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { uploadSpecimen, validMetadata } from '../helpers/uploads.js';

/** Keys of the answers this test writes directly: no package of these versions exists. */
const TEST_PRIMARY_KEY = 'vector-group@0.0.1-test-primary';
const TEST_SHADOW_KEY = 'vector-group@0.0.1-test-shadow';

for (const backend of await testBackends()) {
  describe.skipIf(!backend.availability.available)(`shadow-vs-primary comparison on ${backend.name} ${backend.availability.reason}`, () => {
    let modelsDir: string;
    let t: TestApp;
    let admin: Client;
    /** The version run in shadow: the same model bytes as the active one, under the older version number. */
    let shadowVersion: string;
    /** Specimens identified by the real pipeline with the shadow set: three in the Ningbo district, one in Shanghai. */
    const specimens = {} as Record<'beilun1' | 'beilun2' | 'airport' | 'yangshan', string>;

    async function report(username: string, query: Partial<QueryOf<typeof endpoints.getShadowComparison>> = {}) {
      return (await as(t, username)).getShadowComparison({ query });
    }

    async function items(username: string, query: Partial<QueryOf<typeof endpoints.getShadowComparison>> = {}) {
      const response = await report(username, query);
      expect(response.statusCode, response.body).toBe(200);
      return response.json().items;
    }

    beforeAll(async () => {
      // Two versions of the group model with the same network (as in identification-pipeline.test.ts): the newer
      // one is activated, the older one runs in shadow, so both must give exactly the same answers.
      modelsDir = await modelsDirWithSecondVersion('vector-group', '2099.1.1');
      t = await createTestApp(backend.name, { MODELS_DIR: modelsDir });
      admin = await as(t, 'admin');

      const models = await admin.listModels();
      const groups = models.json().items.filter((item) => item.name === 'vector-group');
      expect(groups.find((item) => item.active)?.version).toBe('2099.1.1');
      shadowVersion = path.basename(await newestPackageDir('vector-group'));
      const set = await admin.startShadowModel({ params: { name: 'vector-group', version: shadowVersion } });
      expect(set.statusCode, set.body).toBe(200);

      const uploads = [
        ['beilun1', 'staff.beilun', 'CNNGB-BL', 71],
        ['beilun2', 'staff.beilun', 'CNNGB-BL', 72],
        ['airport', 'staff.airport', 'CNNGB-LS', 73],
        ['yangshan', 'staff.yangshan', 'CNSHA-YS', 74],
      ] as const;
      for (const [key, username, portCode, seed] of uploads) {
        const created = await uploadSpecimen(await as(t, username), validMetadata({ portCode }), [
          { name: `${key}.jpg`, data: await jpegImage(seed, 240, 180) },
        ]);
        expect(created.statusCode, created.body).toBe(201);
        specimens[key] = created.json().id;
      }
      for (const [key, username] of uploads)
        expect((await waitForIdentification(await as(t, username), specimens[key])).status).toBe('done');
    });
    afterAll(async () => {
      await t?.close();
      if (modelsDir) await rm(modelsDir, { recursive: true, force: true });
    });

    it("reports full agreement between the pipeline's primary and shadow answers when the shadow is the same model", async () => {
      const rows = await t.database.db
        .selectFrom('identifications')
        .select(['specimen_id', 'role', 'model_key'])
        .where('source', '=', 'ai')
        .execute();
      expect(
        rows
          .filter((row) => row.role === 'shadow')
          .map((row) => row.specimen_id)
          .sort(),
      ).toEqual(Object.values(specimens).sort());

      const all = await items('admin');
      expect(all.length).toBeGreaterThan(0);
      // The shadow key names every version consulted; which refiner ran depends on the group found, so there may be several.
      for (const item of all) {
        expect(item.shadowModelKey.split(',')).toContain(`vector-group@${shadowVersion}`);
        expect(item.primaryModelKeys.length).toBeGreaterThan(0);
        for (const key of item.primaryModelKeys) expect(key.split(',')).toContain('vector-group@2099.1.1');
        expect(item.agreement).toEqual({ taxon: 1, group: 1 });
        expect(item.disagreements).toEqual([]);
        expect(item.confusion).toEqual([]);
        expect(item.rejected.shadow).toBe(item.rejected.primary);
        expect(item.meanConfidence.shadow).toBeCloseTo(item.meanConfidence.primary!, 9);
        expect(item.meanConfidence.primary).toBeGreaterThan(0);
      }
      expect(all.reduce((sum, item) => sum + item.specimens, 0)).toBe(4);
      // Filtering by the shadow version gives the same items.
      expect(await items('admin', { shadowModel: `vector-group@${shadowVersion}` })).toEqual(all);
      expect(await items('admin', { shadowModel: 'vector-group@2099.1.1' })).toEqual([]);
      expect(await items('expert.hq')).toEqual(all);
    });

    it("counts disagreements and confusion pairs, newest first, within the caller's scope", async () => {
      // Written directly: a primary and a shadow answer from one (made-up) run per specimen, later than the pipeline's.
      const base = Date.now() + 60_000;
      const answers = [
        // [specimen, primary, shadow] — in the order they were recorded.
        ['beilun1', ['mosquito', 'Aedes albopictus', 0.9, false], ['mosquito', 'Aedes aegypti', 0.7, false]],
        ['airport', ['mosquito', 'Culex pipiens', 0.95, false], ['mosquito', 'Culex pipiens', 0.9, false]],
        ['beilun2', ['mosquito', 'Aedes albopictus', 0.8, false], ['mosquito', 'Aedes aegypti', 0.6, false]],
        ['yangshan', ['tick', 'Rhipicephalus sanguineus', 0.6, false], ['not_vector', 'unknown', 0.3, true]],
      ] as const;
      for (const [index, [key, primary, shadow]] of answers.entries()) {
        const createdAt = new Date(base + index * 1000);
        for (const [role, modelKey, [group, taxon, confidence, rejected]] of [
          ['primary', TEST_PRIMARY_KEY, primary],
          ['shadow', TEST_SHADOW_KEY, shadow],
        ] as const) {
          await t.database.db
            .insertInto('identifications')
            .values({
              specimen_id: specimens[key],
              source: 'ai',
              role,
              model_key: modelKey,
              model: modelKey,
              group,
              taxon,
              confidence,
              rejected,
              top_k: '[]',
              failed_images: '[]',
              created_at: createdAt,
            })
            .execute();
        }
      }
      const answer = (group: string, taxon: string, confidence: number, rejected: boolean) => ({ group, taxon, confidence, rejected });

      const [item, ...more] = await items('admin', { shadowModel: TEST_SHADOW_KEY });
      expect(more).toEqual([]);
      expect(item).toMatchObject({
        shadowModelKey: TEST_SHADOW_KEY,
        primaryModelKeys: [TEST_PRIMARY_KEY],
        specimens: 4,
        agreement: { taxon: 0.25, group: 0.75 },
        rejected: { primary: 0, shadow: 1 },
      });
      expect(item!.meanConfidence.primary).toBeCloseTo((0.9 + 0.95 + 0.8 + 0.6) / 4, 9);
      expect(item!.meanConfidence.shadow).toBeCloseTo((0.7 + 0.9 + 0.6 + 0.3) / 4, 9);
      expect(item!.disagreements).toEqual([
        {
          specimenId: specimens.yangshan,
          primary: answer('tick', 'Rhipicephalus sanguineus', 0.6, false),
          shadow: answer('not_vector', 'unknown', 0.3, true),
        },
        {
          specimenId: specimens.beilun2,
          primary: answer('mosquito', 'Aedes albopictus', 0.8, false),
          shadow: answer('mosquito', 'Aedes aegypti', 0.6, false),
        },
        {
          specimenId: specimens.beilun1,
          primary: answer('mosquito', 'Aedes albopictus', 0.9, false),
          shadow: answer('mosquito', 'Aedes aegypti', 0.7, false),
        },
      ]);
      expect(item!.confusion).toEqual([
        { primaryTaxon: 'Aedes albopictus', shadowTaxon: 'Aedes aegypti', count: 2 },
        { primaryTaxon: 'Rhipicephalus sanguineus', shadowTaxon: 'unknown', count: 1 },
      ]);

      // The pipeline's shadow answers are still paired with the pipeline's primary answers of the same run.
      const pipeline = (await items('admin')).filter((entry) => entry.shadowModelKey !== TEST_SHADOW_KEY);
      expect(pipeline.reduce((sum, entry) => sum + entry.specimens, 0)).toBe(4);
      for (const entry of pipeline) expect(entry.agreement).toEqual({ taxon: 1, group: 1 });
      // `since` keeps only the answers recorded from then on.
      const since = new Date(base - 1000).toISOString();
      expect((await items('admin', { since })).map((entry) => entry.shadowModelKey)).toEqual([TEST_SHADOW_KEY]);
      expect(await items('admin', { since: new Date(base + 3500).toISOString() })).toEqual([]);

      // An expert of the Ningbo district sees the three Ningbo specimens only: Shanghai's is neither counted nor listed.
      const [ningbo] = await items('expert.ningbo', { shadowModel: TEST_SHADOW_KEY });
      expect(ningbo).toMatchObject({ specimens: 3, agreement: { taxon: 1 / 3, group: 1 }, rejected: { primary: 0, shadow: 0 } });
      expect(ningbo!.disagreements.map((entry) => entry.specimenId)).toEqual([specimens.beilun2, specimens.beilun1]);
      expect(ningbo!.confusion).toEqual([{ primaryTaxon: 'Aedes albopictus', shadowTaxon: 'Aedes aegypti', count: 2 }]);
      const ningboPipeline = (await items('expert.ningbo')).filter((entry) => entry.shadowModelKey !== TEST_SHADOW_KEY);
      expect(ningboPipeline.reduce((sum, entry) => sum + entry.specimens, 0)).toBe(3);
      // The HQ expert sees all of it, like the administrator.
      expect((await items('expert.hq', { shadowModel: TEST_SHADOW_KEY }))[0]?.specimens).toBe(4);
    });

    it('is for experts and administrators only', async () => {
      for (const username of ['staff.beilun', 'trainee.ningbo']) {
        const response = await report(username);
        expect(response.statusCode).toBe(403);
        expect(response.error()).toMatchObject({ error: 'forbidden', message: expect.any(String) });
      }
      const unsigned = await anonymous(t).getShadowComparison();
      expect(unsigned.statusCode).toBe(401);
      expect(unsigned.error()).toMatchObject({ error: 'unauthorized' });
    });

    it('refuses malformed query values with a 400 naming the parameter', async () => {
      for (const [query, parameter] of [
        [{ since: 'yesterday' }, 'since'],
        [{ since: '2026-13-45T99:00:00Z' }, 'since'],
        [{ shadowModel: 'vector-group' }, 'shadowModel'],
        [{ shadowModel: 'Vector Group@1' }, 'shadowModel'],
        [{ shadowModel: 'vector-group@1.0,tick-species@1.0' }, 'shadowModel'],
      ] as const) {
        const response = await report('admin', query);
        expect(response.statusCode, JSON.stringify(query)).toBe(400);
        const body = response.error();
        expect(body.error).toBe('validation_failed');
        expect(JSON.stringify(body), JSON.stringify(query)).toContain(parameter);
      }
      const unknown = await admin.send(endpoints.getShadowComparison, { query: { colour: 'blue' } });
      expect(unknown.statusCode).toBe(400);
      expect(unknown.error()).toMatchObject({ error: 'validation_failed' });
    });

    it('is documented in the OpenAPI document', async () => {
      const document = (await t.app.inject({ method: 'GET', url: '/docs/json' })).json<{
        paths: Record<string, { get?: { parameters?: { name: string }[] } }>;
      }>();
      const operation = document.paths[endpoints.getShadowComparison.url]?.get;
      expect(operation?.parameters?.map((parameter) => parameter.name).sort()).toEqual(['shadowModel', 'since']);
    });
  });
}
