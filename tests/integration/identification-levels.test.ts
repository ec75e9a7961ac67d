import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as identificationLevels from '../../api/db/migrations/0020-identification-levels.js';
import { as, type Client } from '../helpers/client.js';
import { testBackends } from '../helpers/database.js';
import { waitForIdentification } from '../helpers/identification.js';
import { jpegImage } from '../helpers/images.js';
import { aiAnswer, recordIdentification } from '../helpers/review.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { uploadSpecimen, validMetadata } from '../helpers/uploads.js';

for (const backend of await testBackends()) {
  describe.skipIf(!backend.availability.available)(
    `the level an identification committed to, on ${backend.name} ${backend.availability.reason}`,
    () => {
      let app: TestApp;
      let staff: Client;
      beforeAll(async () => {
        app = await createTestApp(backend.name);
        staff = await as(app, 'staff.beilun');
      });
      afterAll(() => app?.close());

      it('stores the committed level and every level of an uploaded specimen, and serves them with the answer', async () => {
        const created = await uploadSpecimen(staff, validMetadata(), [
          { name: 'a.jpg', data: await jpegImage(31, 320, 240) },
          { name: 'b.jpg', data: await jpegImage(32, 240, 200) },
        ]);
        expect(created.statusCode, created.body).toBe(201);
        const specimen = created.json();
        const identification = await waitForIdentification(staff, specimen.id);
        expect(identification.status).toBe('done');
        const { committedLevel, levels } = identification;
        expect(['species', 'genus', 'group', 'none']).toContain(committedLevel);
        expect(levels?.group.confidence).toBeGreaterThan(0);
        if (committedLevel === 'none') expect(identification).toMatchObject({ rejected: true, taxon: 'unknown' });
        else {
          // The answer is the committed level's taxon, with that level's confidence.
          expect(levels?.[committedLevel!]).toEqual({ taxon: identification.taxon, confidence: identification.confidence });
        }
        for (const image of identification.images) {
          if ('error' in image) continue;
          expect(['species', 'genus', 'group', 'none']).toContain(image.committedLevel);
          expect(image.levels?.group.taxon).toBeTruthy();
        }

        const row = await app.database.db
          .selectFrom('identifications')
          .select(['committed_level', 'levels'])
          .where('specimen_id', '=', specimen.id)
          .executeTakeFirstOrThrow();
        expect(row).toEqual({ committed_level: committedLevel, levels });
      });

      it('serves a genus answer with the species it was not sure of, and its level in the history', async () => {
        const created = await uploadSpecimen(staff, validMetadata(), [{ name: 'a.jpg', data: await jpegImage(33) }]);
        const { id } = created.json();
        await waitForIdentification(staff, id);
        const levels = {
          group: { taxon: 'Culicidae', confidence: 0.98 },
          genus: { taxon: 'Aedes', confidence: 0.91 },
          species: { taxon: 'Aedes albopictus', confidence: 0.48 },
        };
        await recordIdentification(app, id, aiAnswer('Aedes', 0.91, { committedLevel: 'genus', levels }));

        const served = (await staff.getSpecimen({ params: { id } })).json();
        expect(served.identification).toMatchObject({ taxon: 'Aedes', confidence: 0.91, committedLevel: 'genus', levels });
        const history = served.identifications.find((entry) => entry.taxon === 'Aedes');
        expect(history).toMatchObject({ source: 'ai', committedLevel: 'genus' });
      });

      it('gives AI answers stored before levels the level their taxon shows, and no per-level confidences', async () => {
        const created = await uploadSpecimen(staff, validMetadata(), [{ name: 'a.jpg', data: await jpegImage(34) }]);
        const { id } = created.json();
        await waitForIdentification(staff, id);
        const older = {
          'Aedes albopictus': 'species',
          Aedes: 'genus',
          Culicidae: 'group',
          unknown: 'none',
          'Nonexistia fabricata': null,
        } as const;
        for (const taxon of Object.keys(older))
          await recordIdentification(app, id, aiAnswer(taxon, 0.9, { rejected: taxon === 'unknown' }));

        const { db } = app.database;
        // Undone and done again, as on a database that had these answers before the migration.
        await identificationLevels.down(db as Kysely<unknown>);
        await identificationLevels.up(db as Kysely<unknown>);

        const stored = await db
          .selectFrom('identifications')
          .select(['taxon', 'committed_level', 'levels'])
          .where('specimen_id', '=', id)
          .where('taxon', 'in', Object.keys(older))
          .execute();
        expect(Object.fromEntries(stored.map((row) => [row.taxon, row.committed_level]))).toEqual(older);
        expect(stored.map((row) => row.levels)).toEqual(stored.map(() => null));
      });
    },
  );
}
