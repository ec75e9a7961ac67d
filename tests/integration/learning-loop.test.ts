import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatasetSnapshotDetail, RetrainJob } from '../../api/contract/index.js';
import { readManifest } from '../../datasets/manifest.js';
import { expectError } from '../helpers/audit.js';
import { as, type Client } from '../helpers/client.js';
import { testBackends } from '../helpers/database.js';
import { copyOfCommittedModels } from '../helpers/models.js';
import { confirmedSpecimen } from '../helpers/teaching.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { generatedTickManifest, TICK_CLASSES, tickPhoto, TRAINING_PYTHON, trainingAvailability } from '../helpers/training.js';

const training = await trainingAvailability();
const MODEL = 'tick-species';
/** The version committed with the project: it serves when the app starts, and a candidate is measured against it. */
const COMMITTED = 'tick-species@2026.11.27';
/** Confirmed specimens per tick species: with the base data, enough for a split that holds every class. */
const SPECIMENS_PER_TAXON = 3;

/**
 * The learning loop through the product (issue 18): experts confirm specimens photographed at the ports, an administrator
 * takes a dataset snapshot of them, retrains `tick-species` from it (plus generated base data) as a job, and the gate's
 * verdict, the registered package's lineage and its shadow run and activation are checked through the API.
 */
for (const backend of await testBackends()) {
  describe.skipIf(!backend.availability.available)(`the learning loop on ${backend.name} ${backend.availability.reason}`, () => {
    let t: TestApp;
    let admin: Client;
    let dir: string;
    let modelsDir: string;

    const snapshot = async (name: string): Promise<DatasetSnapshotDetail> => {
      const response = await admin.createDatasetSnapshot({ body: { name, filters: { taxa: ['Ixodida'] } } });
      expect(response.statusCode, response.body).toBe(201);
      return response.json();
    };

    /** Polls the job until it has ended, recording every phase it was seen in. */
    const ended = async (id: string, seen: Set<string>): Promise<RetrainJob> => {
      const deadline = performance.now() + 170_000;
      for (;;) {
        const response = await admin.getRetrainJob({ params: { id } });
        expect(response.statusCode, response.body).toBe(200);
        const job = response.json();
        seen.add(job.phase ?? job.status);
        if (!['queued', 'running'].includes(job.status)) return job;
        if (performance.now() > deadline) throw new Error(`retrain ${id} still ${job.status} after 170 s`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    };

    beforeAll(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'vectordesk-learning-loop-'));
      modelsDir = await copyOfCommittedModels(path.join(dir, 'models'));
      // The shared base data of a real deployment, here generated photos of the same three ticks (and non-vectors).
      const base = await generatedTickManifest(dir, 'generated-base', 10, 1);
      t = await createTestApp(backend.name, { MODELS_DIR: modelsDir, RETRAIN_PYTHON: TRAINING_PYTHON, RETRAIN_BASE_MANIFESTS: base });
      admin = await as(t, 'admin');
      // Ticks from two ports, each photo drawn in its species' colour, confirmed by the experts through the API.
      for (const [classIndex, kind] of TICK_CLASSES.entries()) {
        if (kind.group !== 'tick') continue;
        for (let n = 0; n < SPECIMENS_PER_TAXON; n += 1) {
          const photo = await tickPhoto(classIndex, n, 7);
          await confirmedSpecimen(t, { portCode: n % 2 ? 'CNNGB-LS' : 'CNNGB-BL', taxon: kind.taxon, photo });
        }
      }
    }, 120_000);
    afterAll(async () => {
      await t?.close();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('refuses to retrain from a snapshot changed since it was taken, naming it, and starts nothing', async () => {
      const taken = await snapshot('ticks-tampered');
      const folder = path.join(t.config.datasets.snapshotsDir, taken.name);
      const manifest = await readManifest(path.join(folder, 'manifest.json'));
      const image = manifest.images[0]!;
      // Snapshots are written read-only: changing one takes a deliberate chmod, as tampering would.
      const file = path.join(folder, manifest.root, image.path);
      await chmod(path.dirname(file), 0o755);
      await chmod(file, 0o644);
      await writeFile(file, await tickPhoto(0, 99, 99));

      const refused = await admin.retrainModel({ params: { name: MODEL }, body: { snapshot: taken.name } });
      const error = expectError(refused, 422, 'snapshot_unusable');
      expect(error.message).toContain(taken.name);
      expect(error.message).toContain(image.path);
      expect((await admin.listRetrainJobs({})).json().items).toEqual([]);
    });

    it.skipIf(!training.available)(
      `confirmed specimens -> snapshot -> retrain job -> gate -> registered with its lineage -> shadow -> active ${training.reason}`,
      async () => {
        const taken = await snapshot('ticks-confirmed');
        expect(taken).toMatchObject({ images: 3 * SPECIMENS_PER_TAXON, specimens: 3 * SPECIMENS_PER_TAXON });

        const started = await admin.retrainModel({
          params: { name: MODEL },
          body: { snapshot: taken.name, maxEpochs: 4, size: 32, backbone: 'vectornet' },
        });
        expect(started.statusCode, started.body).toBe(202);
        const seen = new Set<string>();
        const end = await ended(started.json().id, seen);
        expect(end.status, end.error ?? JSON.stringify(end.outcome?.gate)).toBe('registered');
        // Polled while it ran: seen training (how many other phases depends on timing).
        expect([...seen], [...seen].join(', ')).toContain('training');
        const outcome = end.outcome!;
        expect(outcome).toMatchObject({
          parent: COMMITTED,
          snapshots: [{ name: taken.name, manifestSha256: taken.manifestSha256 }],
          base: [{ name: 'generated-base' }],
          registered: true,
          gate: { passed: true, failures: [] },
        });
        expect(outcome.gate.perClass.map((row) => row.label)).toEqual(
          TICK_CLASSES.filter((kind) => kind.group === 'tick').map((kind) => kind.taxon),
        );

        // The package records the snapshot exactly as the API describes it.
        const version = outcome.candidate.split('@')[1]!;
        const card = JSON.parse(await readFile(path.join(modelsDir, MODEL, version, 'model.json'), 'utf8')) as {
          training: { snapshots: unknown; parent: string };
        };
        expect(card.training.snapshots).toEqual([{ name: taken.name, manifestSha256: taken.manifestSha256 }]);
        expect(card.training.parent).toBe(COMMITTED);
        expect(await readFile(path.join(modelsDir, MODEL, version, 'MODEL_CARD.md'), 'utf8')).toContain(taken.manifestSha256);

        const versions = async () =>
          (await admin.listModels({}))
            .json()
            .items.flatMap(({ name, ref, verified, active, shadow }) => (name === MODEL ? [{ ref, verified, active, shadow }] : []));
        expect(await versions()).toEqual([
          { ref: outcome.candidate, verified: true, active: false, shadow: false },
          { ref: COMMITTED, verified: true, active: true, shadow: false },
        ]);

        // An administrator runs it in shadow first, then lets it serve.
        const shadowed = await admin.startShadowModel({ params: { name: MODEL, version } });
        expect(shadowed.statusCode, shadowed.body).toBe(200);
        expect(await versions()).toEqual([
          { ref: outcome.candidate, verified: true, active: false, shadow: true },
          { ref: COMMITTED, verified: true, active: true, shadow: false },
        ]);
        const activated = await admin.activateModel({ params: { name: MODEL, version } });
        expect(activated.statusCode, activated.body).toBe(200);
        expect((await versions()).find((listed) => listed.ref === outcome.candidate)).toMatchObject({ active: true });
        expect((await versions()).find((listed) => listed.ref === COMMITTED)).toMatchObject({ active: false });
      },
      200_000,
    );
  });
}
