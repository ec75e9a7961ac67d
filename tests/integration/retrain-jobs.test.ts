import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RetrainJob } from '../../api/contract/index.js';
import { startJobConsumers } from '../../api/services/jobs-runtime.js';
import { as, type Response } from '../helpers/client.js';
import { testBackends } from '../helpers/database.js';
import { MODELS_DIR } from '../helpers/models.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { generatedTickManifest, TRAINING_PYTHON, trainingAvailability } from '../helpers/training.js';

const training = await trainingAvailability();

for (const backend of await testBackends()) {
  describe.skipIf(!backend.availability.available)(`retrain jobs on ${backend.name} ${backend.availability.reason}`, () => {
    let t: TestApp;
    let dir: string;
    let modelsDir: string;

    const expectError = (response: Pick<Response, 'statusCode' | 'error'>, status: number, code: string) => {
      expect(response.statusCode).toBe(status);
      expect(response.error()).toMatchObject({ error: code, message: expect.any(String) });
    };

    /** Polls the job until it has ended, recording every phase it was seen in. */
    const ended = async (id: string, seen: Set<string>): Promise<RetrainJob> => {
      const admin = await as(t, 'admin');
      const deadline = performance.now() + 150_000;
      for (;;) {
        const response = await admin.getRetrainJob({ params: { id } });
        expect(response.statusCode, response.body).toBe(200);
        const job = response.json();
        seen.add(job.epoch ? `${job.phase} ${job.epoch}/${job.epochs}` : `${job.status} ${job.phase}`);
        if (!['queued', 'running'].includes(job.status)) return job;
        if (performance.now() > deadline) throw new Error(`retrain ${id} still ${job.status} after 150 s`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };

    beforeAll(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'vectordesk-retrain-jobs-'));
      // The committed packages, without training files: tick-species@2026.11.27 serves and is what a candidate must beat.
      modelsDir = path.join(dir, 'models');
      await cp(MODELS_DIR, modelsDir, {
        recursive: true,
        filter: (source) => !source.includes(`${path.sep}training`) && !source.endsWith('.pt'),
      });
      const snapshots = path.join(dir, 'datasets', 'snapshots');
      await generatedTickManifest(
        path.join(snapshots, 'ticks-1'),
        'generated-ticks',
        15,
        3,
        path.join(snapshots, 'ticks-1', 'manifest.json'),
      );
      await mkdir(path.join(snapshots, 'broken'), { recursive: true });
      await writeFile(path.join(snapshots, 'broken', 'manifest.json'), '{"name": "broken"}');
      // Jobs wait in the queue until the test starts consuming them, so that a second request meets the first one.
      t = await createTestApp(backend.name, {
        IDENTIFY_JOBS_IN_API: 'false',
        MODELS_DIR: modelsDir,
        DATASETS_DIR: path.join(dir, 'datasets'),
        RETRAIN_PYTHON: TRAINING_PYTHON,
      });
    }, 60_000);
    afterAll(async () => {
      await t?.close();
      await rm(dir, { recursive: true, force: true });
    });

    it('refuses bad requests with a 4xx naming the problem, and starts nothing', async () => {
      const admin = await as(t, 'admin');
      const retrain = (name: string, body: Record<string, unknown>) =>
        admin.retrainModel({ params: { name }, body: body as { snapshot: string } });
      expectError(
        await (await as(t, 'expert.ningbo')).retrainModel({ params: { name: 'tick-species' }, body: { snapshot: 'ticks-1' } }),
        403,
        'forbidden',
      );
      expectError(await retrain('flea-species', { snapshot: 'ticks-1' }), 404, 'not_found');
      expectError(await retrain('tick-species', { snapshot: 'no-such-snapshot' }), 404, 'not_found');
      const broken = await retrain('tick-species', { snapshot: 'broken' });
      expectError(broken, 422, 'snapshot_unusable');
      expect(broken.error().message).toContain('broken');
      expectError(await retrain('tick-species', { snapshot: 'ticks-1', margin: 2 }), 400, 'validation_failed');
      expectError(await retrain('tick-species', { snapshot: '../ticks-1' }), 400, 'validation_failed');
      expectError(await retrain('tick-species', { snapshot: 'ticks-1', epochs: 3 }), 400, 'validation_failed');
      expect((await admin.listRetrainJobs({})).json().items).toEqual([]);
      expectError(await (await as(t, 'expert.ningbo')).listRetrainJobs({}), 403, 'forbidden');
    });

    it(`runs one retrain at a time as a job, with its phase and progress, to the gate's verdict ${training.reason}`, async () => {
      const admin = await as(t, 'admin');
      const started = await admin.retrainModel({
        params: { name: 'tick-species' },
        body: { snapshot: 'ticks-1', maxEpochs: 4, size: 32, backbone: 'vectornet' },
      });
      expect(started.statusCode, started.body).toBe(202);
      const job = started.json();
      expect(job).toMatchObject({ model: 'tick-species', snapshot: 'ticks-1', status: 'queued', progress: 0, options: { margin: 0.02 } });
      expectError(await admin.retrainModel({ params: { name: 'vector-group' }, body: { snapshot: 'ticks-1' } }), 409, 'retrain_running');

      const { identification, services, jobs, config } = t;
      startJobConsumers(
        jobs,
        {
          identification: identification.service,
          alertDelivery: services.alertDelivery,
          exports: services.exports,
          retraining: services.retraining,
        },
        config,
      );
      const seen = new Set<string>();
      const end = await ended(job.id, seen);
      if (!training.available) {
        expect(end).toMatchObject({ status: 'failed', outcome: null, error: expect.stringContaining('no training environment') });
        return;
      }
      expect(end.status, end.error ?? '').toBe('registered');
      // Polled while it trained: at least one epoch of the four seen (which ones depends on timing).
      expect(
        [...seen].some((state) => /^training [1-4]\/4$/.test(state)),
        [...seen].join(', '),
      ).toBe(true);
      expect(end.outcome).toMatchObject({
        parent: 'tick-species@2026.11.27',
        snapshots: [{ name: 'generated-ticks' }],
        base: [],
        registered: true,
        gate: { passed: true, margin: 0.02, failures: [] },
      });
      expect(end.outcome!.gate.perClass.map((row) => row.label)).toEqual([
        'Amblyomma americanum',
        'Dermacentor variabilis',
        'Ixodes scapularis',
      ]);
      expect(end).toMatchObject({ progress: 1, phase: 'registering', finishedAt: expect.any(String), error: null });
      // Registered, verified, and not serving: an administrator activates it.
      const models = (await admin.listModels({})).json().items.filter((model) => model.name === 'tick-species');
      expect(models.map(({ ref, verified, active }) => ({ ref, verified, active }))).toEqual([
        { ref: end.outcome!.candidate, verified: true, active: false },
        { ref: 'tick-species@2026.11.27', verified: true, active: true },
      ]);
      const audit = await t.database.db
        .selectFrom('audit_log')
        .select(['action', 'entity_id'])
        .where('action', 'like', 'model.retrain%')
        // Ids are random UUIDs: the time orders the entries.
        .orderBy('at')
        .orderBy('id')
        .execute();
      expect(audit).toEqual([
        { action: 'model.retrain_requested', entity_id: 'tick-species' },
        { action: 'model.retrain_registered', entity_id: 'tick-species' },
      ]);
      expect((await admin.listRetrainJobs({})).json().items.map((listed) => listed.id)).toEqual([job.id]);
    }, 180_000);
  });
}
