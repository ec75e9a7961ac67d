import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpoints, type BankEntry, type Specimen } from '../../api/contract/index.js';
import { LookAlikeRepository } from '../../api/repositories/look-alike.repository.js';
import { usableTeachingSpecimens } from '../../api/repositories/specimen-bank.repository.js';
import { scopeOf } from '../../api/domain/access.js';
import { auditOf, expectError } from '../helpers/audit.js';
import { as, type Client } from '../helpers/client.js';
import { testBackends } from '../helpers/database.js';
import { aiAnswer, triagedSpecimen } from '../helpers/review.js';
import { openConsultation } from '../helpers/rooms.js';
import { confirmedSpecimen } from '../helpers/teaching.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

const PIPIENS = 'Culex pipiens';
const LOOK_ALIKE = 'Culex tritaeniorhynchus';
const NOTES = 'Pale basal bands on the abdomen; no pale band on the proboscis';

for (const backend of await testBackends()) {
  describe.skipIf(!backend.availability.available)(`the specimen bank on ${backend.name} ${backend.availability.reason}`, () => {
    let t: TestApp;
    const clients = new Map<string, Client>();
    const client = async (username: string) => {
      if (!clients.has(username)) clients.set(username, await as(t, username));
      return clients.get(username)!;
    };
    /** Culex pipiens: at Beilun with the expert's notes, at the airport, at Beilun (to hide), at Yangshan (Shanghai). */
    let beilun: Specimen, airport: Specimen, poor: Specimen, shanghai: Specimen, lookAlike: Specimen, unconfirmed: Specimen;

    const entry = async (username: string, taxonId = PIPIENS): Promise<BankEntry> => {
      const response = await (await client(username)).getBankEntry({ params: { id: taxonId } });
      expect(response.statusCode, response.body).toBe(200);
      return response.json();
    };
    const bankTaxon = async (username: string, taxonId = PIPIENS, query: { group?: 'mosquito' | 'tick'; q?: string } = {}) => {
      const response = await (await client(username)).listBankTaxa({ query });
      expect(response.statusCode, response.body).toBe(200);
      return response.json().items.find((item) => item.taxon.id === taxonId);
    };
    const marksAndAudit = async () => ({
      marks: await t.database.db.selectFrom('specimen_teaching_marks').selectAll().orderBy('specimen_id').execute(),
      audit: await t.database.db.selectFrom('audit_log').select('id').where('action', 'like', 'specimen.teaching%').execute(),
    });

    beforeAll(async () => {
      t = await createTestApp(backend.name);
      beilun = await confirmedSpecimen(t, { portCode: 'CNNGB-BL', taxon: PIPIENS, aiTaxon: LOOK_ALIKE, notes: NOTES });
      airport = await confirmedSpecimen(t, { portCode: 'CNNGB-LS', taxon: PIPIENS, aiTaxon: LOOK_ALIKE, lifeStage: 'larva' });
      poor = await confirmedSpecimen(t, { portCode: 'CNNGB-BL', taxon: PIPIENS });
      shanghai = await confirmedSpecimen(t, { portCode: 'CNSHA-YS', taxon: PIPIENS });
      lookAlike = await confirmedSpecimen(t, { portCode: 'CNNGB-BL', taxon: LOOK_ALIKE });
      unconfirmed = await triagedSpecimen(t, await client('staff.beilun'), 'CNNGB-BL', aiAnswer(PIPIENS, 0.4));
    });
    afterAll(() => t?.close());

    it("lists the taxa with confirmed specimens in the caller's scope, in both languages, with counts", async () => {
      expect(await bankTaxon('trainee.ningbo')).toEqual({
        taxon: { id: PIPIENS, rank: 'species', group: 'mosquito', nameZh: '尖音库蚊', nameEn: expect.any(String), watchList: false },
        specimens: 3,
        examples: 0,
      });
      expect((await bankTaxon('expert.hq'))?.specimens).toBe(4);
      expect((await bankTaxon('staff.yangshan'))?.specimens).toBe(1);
      expect((await bankTaxon('staff.airport'))?.specimens).toBe(1);
      expect(await bankTaxon('trainee.ningbo', PIPIENS, { q: '尖音' })).toBeDefined();
      expect(await bankTaxon('trainee.ningbo', PIPIENS, { q: 'PIPIENS', group: 'mosquito' })).toBeDefined();
      expect(await bankTaxon('trainee.ningbo', PIPIENS, { group: 'tick' })).toBeUndefined();
      expect(await bankTaxon('trainee.ningbo', PIPIENS, { q: 'aegypti' })).toBeUndefined();
      // The unconfirmed specimen is in no taxon's count; the look-alike has its own line.
      expect((await bankTaxon('trainee.ningbo', LOOK_ALIKE))?.specimens).toBe(1);
    });

    it("shows a taxon's confirmed specimens in scope with their photos and the confirming expert's notes", async () => {
      const { taxon, specimens } = await entry('trainee.ningbo');
      expect(taxon).toMatchObject({ id: PIPIENS, nameZh: '尖音库蚊', diseases: expect.any(Array) });
      expect(specimens.total).toBe(3);
      expect(specimens.items.map((item) => item.id).sort()).toEqual([beilun.id, airport.id, poor.id].sort());
      const noted = specimens.items.find((item) => item.id === beilun.id)!;
      expect(noted).toMatchObject({
        port: { code: 'CNNGB-BL' },
        lifeStage: 'adult',
        mark: null,
        // Correcting the AI takes a second expert here: both named it, each with the notes.
        expertNotes: [
          { author: { username: 'expert.ningbo' }, notes: NOTES },
          { author: { username: 'expert.hq' }, notes: NOTES },
        ],
      });
      expect(noted.images[0]!.thumbnailUrl).toBe(`/api/v1/images/${beilun.images[0]!.id}/thumbnail`);
      expect(specimens.items.find((item) => item.id === airport.id)).toMatchObject({ lifeStage: 'larva', expertNotes: [] });
      // Shanghai's expert sees Shanghai's specimen, not Ningbo's.
      expect((await entry('expert.shanghai')).specimens.items.map((item) => item.id)).toEqual([shanghai.id]);
      // A taxon without specimens in scope has an empty entry; one the taxonomy lacks is not found.
      expect((await entry('trainee.ningbo', 'Aedes vexans')).specimens).toMatchObject({ items: [], total: 0 });
      expectError(await (await client('trainee.ningbo')).getBankEntry({ params: { id: 'Culex nonexistens' } }), 404, 'not_found');
      const paged = await (await client('trainee.ningbo')).getBankEntry({ params: { id: PIPIENS }, query: { limit: 2, offset: 2 } });
      expect(paged.json().specimens).toMatchObject({ total: 3, limit: 2, offset: 2, items: [expect.anything()] });
    });

    describe('teaching marks', () => {
      beforeAll(async () => {
        const expert = await client('expert.ningbo');
        const example = await expert.markBankSpecimen({ params: { id: airport.id }, body: { mark: 'example', note: '  Clear siphon  ' } });
        expect(example.statusCode, example.body).toBe(200);
        expect(example.json()).toMatchObject({ mark: 'example', note: 'Clear siphon', markedBy: { username: 'expert.ningbo' } });
        const hidden = await (
          await client('admin')
        ).markBankSpecimen({ params: { id: poor.id }, body: { mark: 'hidden', note: 'Blurred' } });
        expect(hidden.statusCode, hidden.body).toBe(200);
      });

      it('puts examples first and keeps hidden specimens from trainees and staff', async () => {
        const { specimens } = await entry('trainee.ningbo');
        expect(specimens.items.map((item) => item.id)).toEqual([airport.id, beilun.id]);
        expect(specimens.total).toBe(2);
        expect(specimens.items[0]!.mark).toMatchObject({ mark: 'example', note: 'Clear siphon' });
        expect(await bankTaxon('trainee.ningbo')).toMatchObject({ specimens: 2, examples: 1 });
        expect((await entry('staff.beilun')).specimens.items.map((item) => item.id)).toEqual([beilun.id]);
        expect((await bankTaxon('staff.beilun'))?.specimens).toBe(1);
      });

      it('shows experts and administrators the hidden ones, flagged and last, so they can unhide them', async () => {
        for (const username of ['expert.ningbo', 'admin']) {
          const { specimens } = await entry(username);
          const ids = specimens.items.map((item) => item.id);
          expect(ids[0]).toBe(airport.id);
          expect(ids.at(-1)).toBe(poor.id);
          expect(specimens.items.at(-1)!.mark).toMatchObject({ mark: 'hidden', note: 'Blurred', markedBy: { username: 'admin' } });
        }
        expect(await bankTaxon('expert.ningbo')).toMatchObject({ specimens: 3, examples: 1 });
      });

      it('audits every change in its transaction, and a repeated mark changes nothing', async () => {
        expect(await auditOf(t, 'specimen', airport.id)).toContainEqual(
          expect.objectContaining({ action: 'specimen.teaching_marked', before: null, after: { mark: 'example', note: 'Clear siphon' } }),
        );
        const before = await marksAndAudit();
        const again = await (
          await client('expert.hq')
        ).markBankSpecimen({ params: { id: airport.id }, body: { mark: 'example', note: 'Clear siphon' } });
        expect(again.json().markedBy.username).toBe('expert.ningbo');
        expect(await marksAndAudit()).toEqual(before);

        const expert = await client('expert.ningbo');
        const relabelled = await expert.markBankSpecimen({ params: { id: beilun.id }, body: { mark: 'hidden' } });
        expect(relabelled.json()).toMatchObject({ mark: 'hidden', note: null });
        expect((await expert.markBankSpecimen({ params: { id: beilun.id }, body: { mark: 'example' } })).statusCode).toBe(200);
        expect((await expert.clearBankSpecimenMark({ params: { id: beilun.id } })).statusCode).toBe(204);
        const trail = (await auditOf(t, 'specimen', beilun.id)).filter((entry) => entry.action.startsWith('specimen.teaching'));
        expect(trail).toEqual([
          expect.objectContaining({ action: 'specimen.teaching_marked', before: null, after: { mark: 'hidden', note: null } }),
          expect.objectContaining({
            action: 'specimen.teaching_marked',
            before: { mark: 'hidden', note: null },
            after: { mark: 'example', note: null },
          }),
          expect.objectContaining({ action: 'specimen.teaching_unmarked', before: { mark: 'example', note: null }, after: null }),
        ]);
        // Clearing what is not marked answers the same and records nothing.
        const settled = await marksAndAudit();
        expect((await expert.clearBankSpecimenMark({ params: { id: beilun.id } })).statusCode).toBe(204);
        expect(await marksAndAudit()).toEqual(settled);
      });

      it('refuses bad input, unconfirmed specimens, other scopes and other roles, changing nothing', async () => {
        const before = await marksAndAudit();
        const expert = await client('expert.ningbo');
        for (const body of [{ mark: 'gold' }, {}, { mark: 'example', note: 'x'.repeat(1001) }, { mark: 'example', colour: 'red' }]) {
          expectError(await expert.send(endpoints.markBankSpecimen, { params: { id: beilun.id }, body }), 400, 'validation_failed');
        }
        expectError(
          await expert.send(endpoints.markBankSpecimen, { params: { id: 'not-a-uuid' }, body: { mark: 'example' } }),
          400,
          'validation_failed',
        );
        const refusal = expectError(
          await expert.markBankSpecimen({ params: { id: unconfirmed.id }, body: { mark: 'example' } }),
          422,
          'specimen_not_confirmed',
        );
        expect(refusal.details).toEqual({ status: 'in_review' });
        expectError(await expert.clearBankSpecimenMark({ params: { id: unconfirmed.id } }), 422, 'specimen_not_confirmed');
        expectError(await expert.markBankSpecimen({ params: { id: shanghai.id }, body: { mark: 'hidden' } }), 404, 'not_found');
        expectError(await expert.clearBankSpecimenMark({ params: { id: shanghai.id } }), 404, 'not_found');
        expectError(await expert.markBankSpecimen({ params: { id: crypto.randomUUID() }, body: { mark: 'hidden' } }), 404, 'not_found');
        for (const username of ['trainee.ningbo', 'staff.beilun']) {
          const outsider = await client(username);
          expectError(await outsider.markBankSpecimen({ params: { id: beilun.id }, body: { mark: 'example' } }), 403, 'forbidden');
          expectError(await outsider.clearBankSpecimenMark({ params: { id: airport.id } }), 403, 'forbidden');
        }
        expectError(
          await (await client('trainee.ningbo')).send(endpoints.listBankTaxa, { query: { group: 'dragon' } }),
          400,
          'validation_failed',
        );
        expectError(
          await (await client('trainee.ningbo')).send(endpoints.getBankEntry, { params: { id: PIPIENS }, query: { limit: 51 } }),
          400,
          'validation_failed',
        );
        expect(await marksAndAudit()).toEqual(before);
      });

      it('offers the usable teaching specimens of a scope: confirmed, photographed, not hidden, examples first', async () => {
        const trainee = (await t.repositories.users.findByUsername('trainee.ningbo'))!;
        const actor = await t.app.sessionFromToken(await t.tokenFor('trainee.ningbo'));
        expect(actor.actor.id).toBe(trainee.id);
        const usable = await usableTeachingSpecimens(t.database.db, scopeOf(actor.actor), { taxa: [PIPIENS, LOOK_ALIKE], limit: 10 });
        expect(usable[0]).toMatchObject({ specimenId: airport.id, taxonId: PIPIENS, example: true, lifeStage: 'larva' });
        expect(usable.map((specimen) => specimen.specimenId).sort()).toEqual([airport.id, beilun.id, lookAlike.id].sort());
        expect(usable[0]!.images[0]).toMatchObject({ id: airport.images[0]!.id, width: expect.any(Number), position: 0 });
        const onePerTaxon = await usableTeachingSpecimens(t.database.db, scopeOf(actor.actor), {
          groups: ['mosquito'],
          perTaxon: 1,
          limit: 10,
        });
        expect(onePerTaxon.filter((specimen) => specimen.taxonId === PIPIENS).map((specimen) => specimen.specimenId)).toEqual([airport.id]);
        expect(await usableTeachingSpecimens(t.database.db, scopeOf(actor.actor), { groups: ['tick'], limit: 10 })).toEqual([]);
      });
    });

    it('shows the stills shared in consultations about a specimen with the annotations left on them', async () => {
      const expert = await client('expert.ningbo');
      const roomId = await openConsultation(expert, beilun.id);
      const ningbo = (await t.repositories.users.findByUsername('expert.ningbo'))!;
      const record = (kind: 'still' | 'annotation' | 'annotations-cleared' | 'chat', payload: Record<string, unknown>) =>
        t.repositories.rooms.recordEvent(roomId, { kind, userId: ningbo.id, displayName: 'Expert Ningbo', payload });
      const arrow = (x: number) => ({
        shape: 'arrow',
        points: [
          [x, 0.2],
          [0.5, 0.5],
        ],
        colour: '#ff0000',
      });
      await record('annotation', arrow(0.05));
      await record('still', { imageId: beilun.images[0]!.id });
      await record('annotation', arrow(0.1));
      await record('annotations-cleared', {});
      const kept = await record('annotation', { ...arrow(0.2), text: 'scales' });
      await record('annotation', { ...arrow(0.3), target: { producerId: 'camera-1' }, persistent: true });
      await record('chat', { text: 'see the abdomen' });
      await record('annotations-cleared', { target: { producerId: 'camera-1' } });
      // A still of something else (not this specimen's photo) takes the marks drawn after it.
      await record('still', { imageId: 'image-1' });
      await record('annotation', arrow(0.4));

      for (const username of ['trainee.ningbo', 'expert.ningbo']) {
        const noted = (await entry(username)).specimens.items.find((item) => item.id === beilun.id)!;
        expect(noted.stills).toEqual([
          {
            roomId,
            roomTitle: expect.any(String),
            image: expect.objectContaining({ id: beilun.images[0]!.id }),
            sharedBy: 'Expert Ningbo',
            sharedAt: expect.any(String),
            annotations: [
              expect.objectContaining({ id: kept.id, kind: 'annotation', payload: expect.objectContaining({ text: 'scales' }) }),
            ],
          },
        ]);
        const image = await (await client(username)).inject({ url: noted.stills[0]!.image.thumbnailUrl });
        expect(image.statusCode).toBe(200);
      }
      expect((await entry('trainee.ningbo')).specimens.items.find((item) => item.id === airport.id)!.stills).toEqual([]);
    });

    describe('look-alikes', () => {
      it('puts the taxa confused with a taxon first, then its siblings, each with its names and photos in scope', async () => {
        const { lookAlikes } = await entry('trainee.ningbo');
        expect(lookAlikes[0]).toMatchObject({
          taxon: { id: LOOK_ALIKE, nameZh: '三带喙库蚊' },
          confusions: expect.any(Number),
          sibling: true,
          specimens: 1,
          photos: [{ specimenId: lookAlike.id, image: expect.objectContaining({ id: lookAlike.images[0]!.id }) }],
        });
        expect(lookAlikes[0]!.confusions).toBeGreaterThanOrEqual(2);
        const counts = lookAlikes.map((item) => item.confusions);
        expect(counts).toEqual(counts.toSorted((a, b) => b - a));
        expect(lookAlikes.every((item) => item.taxon.group === 'mosquito')).toBe(true);
        expect(lookAlikes.map((item) => item.taxon.id)).toEqual(expect.arrayContaining(['Culex quinquefasciatus', 'Culex restuans']));
        // Both ways: the look-alike's own entry names Culex pipiens first.
        expect((await entry('trainee.ningbo', LOOK_ALIKE)).lookAlikes[0]!.taxon.id).toBe(PIPIENS);
      });

      it("LookAlikeRepository: the AI's answers that experts corrected make the confused taxon come first", async () => {
        const lookAlikes = new LookAlikeRepository(t.database.db);
        const ids = async (taxon: string) => ((await lookAlikes.lookAlikesOf([taxon], 10)).get(taxon) ?? []).map((item) => item.taxonId);
        const before = await lookAlikes.lookAlikesOf(['Anopheles dirus'], 10);
        expect(before.get('Anopheles dirus')![0]).toEqual({ taxonId: 'Anopheles anthropophagus', confusions: 0, sibling: true });
        expect(await ids('Anopheles dirus')).not.toContain('Culex pipiens');
        await confirmedSpecimen(t, { portCode: 'CNNGB-BL', taxon: 'Anopheles dirus', aiTaxon: 'Anopheles minimus' });
        await confirmedSpecimen(t, { portCode: 'CNNGB-LS', taxon: 'Anopheles minimus', aiTaxon: 'Anopheles dirus' });
        const after = (await lookAlikes.lookAlikesOf(['Anopheles dirus', 'Anopheles minimus'], 3))!;
        expect(after.get('Anopheles dirus')![0]).toEqual({ taxonId: 'Anopheles minimus', confusions: 2, sibling: true });
        expect(after.get('Anopheles minimus')![0]).toEqual({ taxonId: 'Anopheles dirus', confusions: 2, sibling: true });
        expect(after.get('Anopheles dirus')).toHaveLength(3);
      });
    });
  });
}
