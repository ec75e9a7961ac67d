import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { as } from '../helpers/client.js';
import { openTestDatabase, type TestDatabase } from '../helpers/database.js';
import { copyOfCommittedModels } from '../helpers/models.js';
import { createTestApp } from '../helpers/test-app.js';
import { generatedTickManifest, TRAINING_PYTHON, trainingAvailability } from '../helpers/training.js';

const run = promisify(execFile);
const training = await trainingAvailability();

/** Whether a process whose command line names `marker` (a retrain job's id: its work folder) is running. */
async function processNaming(marker: string): Promise<boolean> {
  const { stdout } = await run('ps', ['-eo', 'stat=,args=']);
  // A zombie (state Z) has ended; only its parent has not read its exit status yet.
  return stdout.split('\n').some((line) => line.includes(marker) && !line.trimStart().startsWith('Z'));
}

async function eventually(condition: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(`${what} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe.skipIf(!training.available)(`a retrain when the api process shuts down ${training.reason}`, () => {
  let dir: string | undefined;
  let database: TestDatabase | undefined;
  afterAll(async () => {
    await database?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('stops its trainer process with it, and stays running in the database to run afresh on the next start', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'vectordesk-retrain-shutdown-'));
    const datasets = path.join(dir, 'datasets');
    await generatedTickManifest(
      path.join(datasets, 'snapshots', 'ticks'),
      'ticks',
      10,
      1,
      path.join(datasets, 'snapshots', 'ticks', 'manifest.json'),
    );
    database = await openTestDatabase('pglite');
    const t = await createTestApp(
      'pglite',
      { MODELS_DIR: await copyOfCommittedModels(path.join(dir, 'models')), DATASETS_DIR: datasets, RETRAIN_PYTHON: TRAINING_PYTHON },
      database,
    );
    const admin = await as(t, 'admin');
    // As the active version was trained (its size and backbone) for the trainer's epochs: a run of minutes.
    const started = await admin.retrainModel({ params: { name: 'tick-species' }, body: { snapshot: 'ticks' } });
    expect(started.statusCode, started.body).toBe(202);
    const { id } = started.json();
    await eventually(async () => (await admin.getRetrainJob({ params: { id } })).json().phase === 'training', 'not training', 120_000);
    await eventually(() => processNaming(id), 'no trainer process', 30_000);

    await t.close();
    await eventually(async () => !(await processNaming(id)), 'the trainer still runs', 15_000);
    const row = await database.db.selectFrom('retrain_jobs').select(['status', 'error']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'running', error: null });
  }, 200_000);
});
