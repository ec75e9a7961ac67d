import { utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrphanSweeper } from '../../api/services/orphan-sweep.js';
import { as } from '../helpers/client.js';
import { jpegImage } from '../helpers/images.js';
import { sleep } from '../helpers/processes.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { uploadSpecimen, validMetadata } from '../helpers/uploads.js';

const HOUR_MS = 3600_000;
const twoHoursAgo = () => new Date(Date.now() - 2 * HOUR_MS);

async function age(file: string): Promise<void> {
  await utimes(file, twoHoursAgo(), twoHoursAgo());
}

/** A temporary file as a crash during a write leaves it (or as a write in progress has it). */
async function temporaryFile(t: TestApp, name: string, old: boolean): Promise<string> {
  const file = path.join(t.config.storageDir, 'tmp', name);
  await writeFile(file, 'half an image');
  if (old) await age(file);
  return file;
}

async function temporaryNames(t: TestApp): Promise<string[]> {
  const names: string[] = [];
  for await (const file of t.store.listTemporary()) names.push(file.name);
  return names.sort();
}

let seed = 0;

/** Stored bytes no row refers to: what a crash between writing the files and committing the rows leaves behind. */
async function orphan(t: TestApp, old: boolean): Promise<string> {
  seed += 1;
  const { sha256 } = await t.store.put(await jpegImage(seed));
  if (old) await age(t.store.originalPath(sha256));
  return sha256;
}

describe('orphan file sweep', () => {
  let t: TestApp;
  beforeAll(async () => {
    // The app's own sweeper runs at start (on empty storage) and then hourly: the sweeps below are the test's.
    t = await createTestApp('pglite', { RTC_ENABLED: 'false' });
  });
  afterAll(() => t?.close());

  it('removes old files no database row refers to and old temporary files, and nothing else', async () => {
    const sweeper = new OrphanSweeper(t.store, t.repositories.specimens, pino({ level: 'silent' }), {
      intervalMs: HOUR_MS,
      minAgeMs: HOUR_MS,
    });
    const uploaded = await uploadSpecimen(await as(t, 'staff.beilun'), validMetadata(), [{ name: 'kept.jpg', data: await jpegImage(100) }]);
    const referenced = uploaded.json().images[0]!.sha256;
    await age(t.store.originalPath(referenced));
    const [old, recent] = [await orphan(t, true), await orphan(t, false)];
    await temporaryFile(t, 'crashed-write', true);
    await temporaryFile(t, 'write-in-progress', false);

    expect(await sweeper.sweep()).toEqual({ originals: 1, temporary: 1 });
    expect(await t.store.has(referenced)).toBe(true);
    expect(await t.store.has(old)).toBe(false);
    expect(await t.store.has(recent)).toBe(true);
    expect(await temporaryNames(t)).toEqual(['write-in-progress']);
  });

  it('leaves an old unreferenced original alone once an upload stores the same bytes again, before its rows commit', async () => {
    const sweeper = new OrphanSweeper(t.store, t.repositories.specimens, pino({ level: 'silent' }), {
      intervalMs: HOUR_MS,
      minAgeMs: HOUR_MS,
    });
    const bytes = await jpegImage(200);
    const { sha256 } = await t.store.put(bytes);
    await age(t.store.originalPath(sha256));
    // The upload finds the bytes stored and only refreshes them; its transaction has not committed yet.
    expect(await t.store.put(bytes)).toEqual({ sha256, created: false });
    expect((await sweeper.sweep()).originals).toBe(0);
    expect(await t.store.has(sha256)).toBe(true);
  });
});

describe('orphan file sweep in the app', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('pglite', { ORPHAN_SWEEP_INTERVAL_MS: '1000', ORPHAN_MIN_AGE_MS: String(HOUR_MS), RTC_ENABLED: 'false' });
  });
  afterAll(() => t?.close());

  it('runs periodically in the app: what ages into an orphan later goes at a later run, counted in the metrics', async () => {
    const removedBefore = await removedMetric(t);
    const old = await orphan(t, true);
    const recent = await orphan(t, false);
    await temporaryFile(t, 'crashed-later', true);
    await temporaryFile(t, 'still-writing', false);

    const deadline = Date.now() + 10_000;
    while ((await t.store.has(old)) || (await temporaryNames(t)).includes('crashed-later')) {
      if (Date.now() > deadline) throw new Error('the periodic orphan sweep did not remove the old files within 10 s');
      await sleep(100);
    }
    expect(await t.store.has(recent)).toBe(true);
    expect(await temporaryNames(t)).toContain('still-writing');
    const removedAfter = await removedMetric(t);
    expect(removedAfter.original - removedBefore.original).toBeGreaterThanOrEqual(1);
    expect(removedAfter.temporary - removedBefore.temporary).toBeGreaterThanOrEqual(1);
  });
});

async function removedMetric(t: TestApp): Promise<{ original: number; temporary: number }> {
  const text = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
  const value = (kind: string) => {
    const line = text.split('\n').find((candidate) => candidate.startsWith(`vectordesk_orphan_files_removed_total{kind="${kind}"}`));
    return Number(line?.split(' ').at(-1));
  };
  return { original: value('original'), temporary: value('temporary') };
}
