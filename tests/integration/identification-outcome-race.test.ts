import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AiRun } from '../../api/repositories/identification.repository.js';
import { as } from '../helpers/client.js';
import { testBackends } from '../helpers/database.js';
import { jpegImage } from '../helpers/images.js';
import { aiAnswer } from '../helpers/review.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { uploadSpecimen, validMetadata } from '../helpers/uploads.js';

/** How long a run's triage waits for the other run to reach its own triage before going on alone. */
const MEET_WITHIN_MS = 1500;

function run(modelKey: string): AiRun {
  return {
    modelKey,
    answer: aiAnswer('Culex pipiens', 0.4),
    timings: { queueMs: 1, preprocessMs: 1, inferenceMs: 1, batchImages: 1 },
    images: [],
  };
}

for (const backend of await testBackends()) {
  describe.skipIf(!backend.availability.available)(
    `two identify outcomes for one specimen at once on ${backend.name} ${backend.availability.reason}`,
    () => {
      let t: TestApp;
      beforeAll(async () => {
        t = await createTestApp(backend.name);
      });
      afterAll(() => t?.close());

      it('stores both runs and triages the specimen once, neither transaction deadlocking the other', async () => {
        const staff = await as(t, 'staff.beilun');
        const response = await uploadSpecimen(staff, validMetadata(), [{ name: 'a.jpg', data: await jpegImage(61) }]);
        expect(response.statusCode, response.body).toBe(201);
        const specimenId = response.json().id;

        // Each run's triage waits until the other run has reached its own triage too (or gives up waiting): the
        // moment at which both would hold what they inserted and each would then wait for the other's row lock.
        let arrived = 0;
        const meetTheOther = async () => {
          arrived += 1;
          const until = Date.now() + MEET_WITHIN_MS;
          while (arrived < 2 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));
        };
        const record = (aiRun: AiRun) =>
          t.repositories.identifications.recordRun(specimenId, aiRun, async (trx) => {
            await meetTheOther();
            await t.services.triage.identified(trx, specimenId, aiRun);
          });
        const outcomes = await Promise.allSettled([record(run('race-run-a')), record(run('race-run-b'))]);
        expect(outcomes).toEqual([
          { status: 'fulfilled', value: true },
          { status: 'fulfilled', value: true },
        ]);

        const stored = await t.database.db
          .selectFrom('identifications')
          .select('model_key')
          .where('specimen_id', '=', specimenId)
          .where('model_key', 'like', 'race-run-%')
          .execute();
        expect(stored.map((row) => row.model_key).sort()).toEqual(['race-run-a', 'race-run-b']);
        const specimen = await t.database.db
          .selectFrom('specimens')
          .select(['status', 'triage_queue'])
          .where('id', '=', specimenId)
          .executeTakeFirstOrThrow();
        expect(specimen.triage_queue).not.toBeNull();
        expect(specimen.status).not.toBe('submitted');
      });
    },
  );
}
