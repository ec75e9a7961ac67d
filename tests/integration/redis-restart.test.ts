import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { metricValue } from '../helpers/metrics.js';
import { as } from '../helpers/client.js';
import { jpegImage } from '../helpers/images.js';
import { freePort, killChildren, redisServerOnPath, sleep, startRedisServer, stopRedisServer } from '../helpers/processes.js';
import { REDIS_URL, deleteRedisKeys, redisAvailability } from '../helpers/services.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { uploadSpecimen, validMetadata } from '../helpers/uploads.js';

const redis = await redisAvailability();
const SPECIMENS = 3;
/** Far beyond the test: a job re-queued within it was re-queued because the loss was noticed, not by the stale sweep. */
const LONG_MS = String(10 * 60_000);

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  await killChildren('redis-server');
});

/** An api on `redisUrl` that feeds the identify queue but runs no jobs, so what the queue holds can be counted. */
async function apiOn(redisUrl: string): Promise<{ t: TestApp; prefix: string }> {
  const prefix = `vdtest-restart-${randomUUID()}`;
  const t = await createTestApp('pglite', {
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: prefix,
    IDENTIFY_JOBS_IN_API: 'false',
    IDENTIFY_REQUEUE_AFTER_MS: LONG_MS,
    IDENTIFY_SWEEP_INTERVAL_MS: LONG_MS,
    ALERT_SWEEP_INTERVAL_MS: LONG_MS,
    RTC_ENABLED: 'false',
  });
  cleanups.push(
    () => t.close(),
    () => deleteRedisKeys(redisUrl, `${prefix}:*`),
  );
  const staff = await as(t, 'staff.beilun');
  for (let index = 0; index < SPECIMENS; index += 1) {
    const created = await uploadSpecimen(staff, validMetadata(), [{ name: 'a.jpg', data: await jpegImage(900 + index) }]);
    expect(created.statusCode, created.body).toBe(201);
  }
  // Each upload hands its request over once the specimen is committed, after the answer.
  await msUntilRequeued(t, performance.now());
  return { t, prefix };
}

async function waitingJobs(t: TestApp): Promise<number> {
  return (await t.jobs.queue('identify').counts()).waiting;
}

/** Milliseconds until the identify queue holds every pending request (again) (polled every 50 ms, up to 20 s). */
async function msUntilRequeued(t: TestApp, since: number): Promise<number> {
  while (performance.now() - since < 20_000) {
    if ((await waitingJobs(t).catch(() => 0)) === SPECIMENS) return performance.now() - since;
    await sleep(50);
  }
  throw new Error(`the identify queue did not get its ${SPECIMENS} jobs back within 20 s`);
}

describe.skipIf(!redisServerOnPath)('pending identifications after Redis restarted empty', () => {
  it('are queued again within seconds of the restart, not after IDENTIFY_REQUEUE_AFTER_MS, once each', async () => {
    const port = await freePort();
    const dirs = [await mkdtemp(path.join(os.tmpdir(), 'vd-restart-redis-')), await mkdtemp(path.join(os.tmpdir(), 'vd-restart-redis-'))];
    cleanups.push(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));
    let server = await startRedisServer(port, dirs[0]!, false);
    cleanups.push(() => stopRedisServer(server));
    const { t } = await apiOn(`redis://127.0.0.1:${port}`);

    await stopRedisServer(server);
    server = await startRedisServer(port, dirs[1]!, false);
    const restartedAt = performance.now();
    const requeueMs = await msUntilRequeued(t, restartedAt);
    // The reconnect (backoff capped at 2 s) triggers the check at once.
    expect(requeueMs).toBeLessThan(5000);
    console.info(`identify jobs queued again ${Math.round(requeueMs)} ms after Redis restarted empty`);

    // Later checks see the marker they wrote: nothing is added twice.
    await sleep(2500);
    expect(await waitingJobs(t)).toBe(SPECIMENS);
  });
});

describe.skipIf(!redis.available)('pending identifications after the queue keys vanished (flushed Redis)', () => {
  it('are queued again within about a check interval, once each, and the metrics show how long they have waited', async () => {
    const { t, prefix } = await apiOn(REDIS_URL);
    expect(await metricValue(t, 'vectordesk_identification_pending_oldest_seconds')).toBeGreaterThan(0);
    expect(await metricValue(t, 'vectordesk_identification_requests{status="pending"}')).toBe(SPECIMENS);

    // FLUSHALL would take other tests' keys on the shared Redis: this queue's keys alone are what it would lose.
    await deleteRedisKeys(REDIS_URL, `${prefix}:*`);
    const flushedAt = performance.now();
    expect(await waitingJobs(t)).toBe(0);
    const requeueMs = await msUntilRequeued(t, flushedAt);
    expect(requeueMs).toBeLessThan(2500);
    console.info(`identify jobs queued again ${Math.round(requeueMs)} ms after their keys were deleted`);

    await sleep(2500);
    expect(await waitingJobs(t)).toBe(SPECIMENS);
    const pendingAge = await metricValue(t, 'vectordesk_identification_pending_oldest_seconds');
    expect(pendingAge).toBeGreaterThan(2);
  });
});
