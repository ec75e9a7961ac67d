import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  BullMqJobQueue,
  InProcessJobQueue,
  JobQueueUnavailableError,
  createJobQueue,
  type JobEvent,
  type JobQueue,
  type JobQueueOptions,
} from '../../api/jobs/index.js';
import {
  freePort,
  isRunning,
  killChildren,
  killProcess,
  redisServerOnPath,
  sleep,
  startRedisServer,
  stopRedisServer,
} from '../helpers/processes.js';
import { REDIS_URL, deleteRedisKeys, redisAvailability } from '../helpers/services.js';

const redis = await redisAvailability();

interface Payload {
  label: string;
}

/** Everything a test opened, closed after it whatever happened. */
const queues: JobQueue<Payload>[] = [];
const prefixes: string[] = [];
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  await Promise.allSettled(queues.splice(0).map((queue) => queue.close()));
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  // Every private redis-server the test started (the outage tests stop and restart their own), even when it failed half-way.
  await killChildren('redis-server');
  if (redis.available) for (const prefix of prefixes.splice(0)) await deleteRedisKeys(REDIS_URL, `${prefix}:*`);
});

/** A key prefix no other test (or parallel run) uses; its keys are deleted after the test. */
function uniquePrefix(): string {
  const prefix = `vdtest-jobs-${randomUUID()}`;
  prefixes.push(prefix);
  return prefix;
}

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

function recordEvents(queue: JobQueue<Payload>): JobEvent[] {
  const events: JobEvent[] = [];
  queue.onEvent((event) => events.push(event));
  return events;
}

interface Adapter {
  backend: 'in-process' | 'bullmq';
  available: boolean;
  reason: string;
  open(options?: JobQueueOptions): JobQueue<Payload>;
}

const adapters: Adapter[] = [
  {
    backend: 'in-process',
    available: true,
    reason: '',
    open: (options) => new InProcessJobQueue<Payload>('contract', options),
  },
  {
    backend: 'bullmq',
    available: redis.available,
    reason: redis.reason,
    // A short drain delay so that closing a consumer does not wait out a long blocking fetch.
    open: (options) =>
      new BullMqJobQueue<Payload>('contract', { redisUrl: REDIS_URL, prefix: uniquePrefix(), drainDelaySeconds: 1, ...options }),
  },
];

for (const adapter of adapters) {
  describe.skipIf(!adapter.available)(`job queue contract: ${adapter.backend} ${adapter.reason}`, () => {
    function open(options?: JobQueueOptions): JobQueue<Payload> {
      const queue = adapter.open(options);
      queues.push(queue);
      return queue;
    }

    it('dedupes by jobId while the job is waiting, delayed or active, and takes the id again once it finished', async () => {
      const queue = open({ attempts: 1 });
      expect(queue.backend).toBe(adapter.backend);
      expect(await queue.add({ label: 'first' }, { jobId: 'job-a' })).toBe(true);
      expect(await queue.add({ label: 'again' }, { jobId: 'job-a' })).toBe(false);
      expect(await queue.add({ label: 'later' }, { jobId: 'job-later', delayMs: 60_000 })).toBe(true);
      expect(await queue.add({ label: 'later again' }, { jobId: 'job-later' })).toBe(false);
      expect(await queue.counts()).toEqual({ waiting: 1, active: 0, delayed: 1, failed: 0, completed: 0 });
      await expect(queue.add({ label: 'bad' }, { jobId: '42' })).rejects.toThrow(/integer/);
      await expect(queue.add({ label: 'bad' }, { jobId: 'a:b' })).rejects.toThrow(/':'/);
      // Would overwrite BullMQ's own list of active jobs.
      await expect(queue.add({ label: 'bad' }, { jobId: 'active' })).rejects.toThrow(/reserved/);

      const release = deferred();
      const runs: Payload[] = [];
      const events = recordEvents(queue);
      expect(await queue.workerCount()).toBe(0);
      queue.process(async (job) => {
        runs.push(job.data);
        if (job.data.label === 'first') await release.promise;
      });
      await expect.poll(() => runs.length, { timeout: 20_000 }).toBe(1);
      expect(await queue.add({ label: 'while active' }, { jobId: 'job-a' })).toBe(false);
      expect((await queue.counts()).active).toBe(1);
      release.resolve();
      await expect.poll(() => events.filter((event) => event.type === 'completed').length, { timeout: 20_000 }).toBe(1);

      // Finished: the same id is a new job.
      expect(await queue.add({ label: 'second run' }, { jobId: 'job-a' })).toBe(true);
      await expect.poll(() => events.filter((event) => event.type === 'completed').length, { timeout: 20_000 }).toBe(2);
      expect(runs).toEqual([{ label: 'first' }, { label: 'second run' }]);
      expect(events.map(({ type, jobId, attempt }) => ({ type, jobId, attempt }))).toEqual([
        { type: 'completed', jobId: 'job-a', attempt: 1 },
        { type: 'completed', jobId: 'job-a', attempt: 1 },
      ]);
      expect(events.every((event) => typeof event.durationMs === 'number' && event.durationMs >= 0)).toBe(true);
      expect(await queue.counts()).toMatchObject({ waiting: 0, active: 0, delayed: 1, failed: 0 });
      await expect.poll(() => queue.workerCount(), { timeout: 20_000 }).toBe(1);
      expect(await queue.health()).toEqual({ ok: true });
    });

    it('retries a throwing handler with exponential backoff, then succeeds', async () => {
      const backoffMs = 100;
      const queue = open({ attempts: 4, backoffMs });
      const events = recordEvents(queue);
      const startedAt: number[] = [];
      queue.process(async (job) => {
        startedAt.push(performance.now());
        expect(job).toEqual({ id: 'flaky', data: { label: 'flaky' }, attempt: startedAt.length });
        if (job.attempt < 3) throw new Error(`flake ${job.attempt}`);
      });
      await queue.add({ label: 'flaky' }, { jobId: 'flaky' });
      await expect.poll(() => events.length, { timeout: 20_000 }).toBe(3);
      expect(events.map(({ type, attempt, error }) => ({ type, attempt, error }))).toEqual([
        { type: 'retrying', attempt: 1, error: 'flake 1' },
        { type: 'retrying', attempt: 2, error: 'flake 2' },
        { type: 'completed', attempt: 3, error: undefined },
      ]);
      // Backoff doubles: at least 100 ms before the second try and 200 ms before the third (less timer slack).
      expect(startedAt[1]! - startedAt[0]!).toBeGreaterThanOrEqual(backoffMs - 20);
      expect(startedAt[2]! - startedAt[1]!).toBeGreaterThanOrEqual(2 * backoffMs - 20);
      expect(await queue.counts()).toMatchObject({ waiting: 0, active: 0, delayed: 0, failed: 0, completed: 1 });
    });

    it('fails the job once its attempts are exhausted', async () => {
      const queue = open({ attempts: 2, backoffMs: 10 });
      const events = recordEvents(queue);
      let runs = 0;
      queue.process(async () => {
        runs += 1;
        throw new Error('specimen image unreadable');
      });
      await queue.add({ label: 'doomed' }, { jobId: 'doomed' });
      await expect.poll(() => events.at(-1)?.type, { timeout: 20_000 }).toBe('failed');
      expect(events.map(({ type, jobId, attempt, error }) => ({ type, jobId, attempt, error }))).toEqual([
        { type: 'retrying', jobId: 'doomed', attempt: 1, error: 'specimen image unreadable' },
        { type: 'failed', jobId: 'doomed', attempt: 2, error: 'specimen image unreadable' },
      ]);
      expect(runs).toBe(2);
      expect(await queue.counts()).toMatchObject({ waiting: 0, active: 0, delayed: 0, failed: 1, completed: 0 });
      // A failed id may be added again (the outbox sweep re-adds it).
      expect(await queue.add({ label: 'doomed' }, { jobId: 'doomed' })).toBe(true);
    });

    it('never runs more jobs at once than the concurrency', async () => {
      const queue = open({ attempts: 1 });
      const events = recordEvents(queue);
      const gate = deferred();
      let inFlight = 0;
      let maxInFlight = 0;
      let started = 0;
      for (let index = 1; index <= 5; index += 1) await queue.add({ label: `job ${index}` }, { jobId: `job-${index}` });
      queue.process(
        async () => {
          started += 1;
          inFlight += 1;
          maxInFlight = Math.max(maxInFlight, inFlight);
          await gate.promise;
          inFlight -= 1;
        },
        { concurrency: 2 },
      );
      await expect.poll(() => started, { timeout: 20_000 }).toBe(2);
      // Give a third job every chance to start, were the limit not respected.
      await sleep(300);
      expect(started).toBe(2);
      expect(await queue.counts()).toMatchObject({ waiting: 3, active: 2 });
      gate.resolve();
      await expect.poll(() => events.length, { timeout: 20_000 }).toBe(5);
      expect(maxInFlight).toBe(2);
      expect(await queue.counts()).toMatchObject({ waiting: 0, active: 0, completed: 5 });
    });

    it('close() stops taking jobs but lets the active one finish', async () => {
      const queue = open({ attempts: 1 });
      const events = recordEvents(queue);
      const gate = deferred();
      let started = 0;
      queue.process(async () => {
        started += 1;
        await gate.promise;
      });
      await queue.add({ label: 'active' }, { jobId: 'long-job' });
      await expect.poll(() => started, { timeout: 20_000 }).toBe(1);
      let closed = false;
      const closing = queue.close().then(() => (closed = true));
      await sleep(100);
      expect(closed).toBe(false);
      gate.resolve();
      await closing;
      expect(events.map(({ type, jobId }) => ({ type, jobId }))).toEqual([{ type: 'completed', jobId: 'long-job' }]);
      await expect(queue.add({ label: 'too late' }, { jobId: 'too-late' })).rejects.toBeInstanceOf(JobQueueUnavailableError);
      expect((await queue.health()).ok).toBe(false);
    });
  });
}

describe('createJobQueue', () => {
  it('uses the in-process queue without a Redis URL and BullMQ with one', async () => {
    const embedded = createJobQueue<Payload>('factory', {});
    const scaled = createJobQueue<Payload>('factory', { redisUrl: 'redis://127.0.0.1:1', prefix: 'never-used' });
    queues.push(embedded, scaled);
    expect(embedded.backend).toBe('in-process');
    expect(scaled.backend).toBe('bullmq');
  });
});

/** Adds once Redis answers again (the producer reconnects in the background); gives up after `timeoutMs`. */
async function addWhenBack(queue: JobQueue<Payload>, label: string, timeoutMs = 20_000): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    try {
      return await queue.add({ label }, { jobId: label });
    } catch (error) {
      if (!(error instanceof JobQueueUnavailableError) || performance.now() > deadline) throw error;
      await sleep(200);
    }
  }
}

describe.skipIf(!redis.available)(`BullMQ queue with a real Redis ${redis.reason}`, () => {
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const child of children) if (isRunning(child)) child.kill('SIGKILL');
  });

  it('hands the job of a consumer killed mid-job to another consumer, which completes it exactly once', async () => {
    const prefix = uniquePrefix();
    const completionsKey = `${prefix}:test-completions`;
    const name = 'identify';
    const timing = { lockDurationMs: 1000, stalledIntervalMs: 500 };
    const producer = new BullMqJobQueue<Payload>(name, { redisUrl: REDIS_URL, prefix });
    queues.push(producer);
    expect(await producer.add({ label: 'specimen 1' }, { jobId: 'specimen-1' })).toBe(true);

    const child = spawn(process.execPath, ['--import', 'tsx', 'tests/helpers/job-queue-consumer.ts'], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        REDIS_URL,
        QUEUE_NAME: name,
        QUEUE_PREFIX: prefix,
        LOCK_DURATION_MS: String(timing.lockDurationMs),
        STALLED_INTERVAL_MS: String(timing.stalledIntervalMs),
        COMPLETIONS_KEY: completionsKey,
        MODE: 'hang',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await expect
      .poll(() => stdout, { timeout: 60_000, message: `consumer never started the job; stderr: ${stderr}` })
      .toContain('"jobId":"specimen-1"');
    expect(await producer.counts()).toMatchObject({ active: 1, waiting: 0 });
    expect(await producer.workerCount()).toBe(1);

    expect((await killProcess(child, 'SIGKILL')).signal).toBe('SIGKILL');

    const recorder = new Redis(REDIS_URL);
    cleanups.push(async () => recorder.disconnect());
    const survivor = new BullMqJobQueue<Payload>(name, { redisUrl: REDIS_URL, prefix, drainDelaySeconds: 1, ...timing });
    queues.push(survivor);
    const events = recordEvents(survivor);
    const seen: { id: string; data: Payload }[] = [];
    survivor.process(async (job) => {
      seen.push({ id: job.id, data: job.data });
      await recorder.rpush(completionsKey, job.id);
    });

    await expect.poll(() => recorder.lrange(completionsKey, 0, -1), { timeout: 30_000 }).toEqual(['specimen-1']);
    await expect.poll(() => events.map(({ type, jobId }) => `${type}:${jobId}`), { timeout: 10_000 }).toEqual(['completed:specimen-1']);
    // Several stalled-check rounds later, still exactly one completion and nothing left over.
    await sleep(4 * timing.stalledIntervalMs);
    expect(await recorder.lrange(completionsKey, 0, -1)).toEqual(['specimen-1']);
    expect(seen).toEqual([{ id: 'specimen-1', data: { label: 'specimen 1' } }]);
    expect(await producer.counts()).toEqual({ waiting: 0, active: 0, delayed: 0, failed: 0, completed: 1 });
  });

  describe.skipIf(!redisServerOnPath)(`Redis outages${redisServerOnPath ? '' : ' (no redis-server binary on the PATH)'}`, () => {
    async function privateRedis(persistent: boolean) {
      const port = await freePort();
      const dir = await mkdtemp(path.join(os.tmpdir(), 'vd-redis-'));
      let server = await startRedisServer(port, dir, persistent);
      cleanups.push(async () => {
        await stopRedisServer(server);
        await rm(dir, { recursive: true, force: true });
      });
      return {
        url: `redis://127.0.0.1:${port}`,
        stop: () => stopRedisServer(server),
        restart: async (options: { persistent: boolean; freshDir?: boolean }) => {
          const dataDir = options.freshDir ? await mkdtemp(path.join(os.tmpdir(), 'vd-redis-')) : dir;
          if (options.freshDir) cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
          server = await startRedisServer(port, dataDir, options.persistent);
        },
      };
    }

    function consumerQueue(url: string) {
      const queue = new BullMqJobQueue<Payload>('outage', {
        redisUrl: url,
        prefix: 'vdtest-outage',
        attempts: 3,
        backoffMs: 100,
        lockDurationMs: 5000,
        stalledIntervalMs: 1000,
        drainDelaySeconds: 1,
        reconnectMaxDelayMs: 300,
        closeTimeoutMs: 5000,
      });
      queues.push(queue);
      return queue;
    }

    async function expectFastRejection(queue: JobQueue<Payload>) {
      const startedAt = performance.now();
      await expect(queue.add({ label: 'during' }, { jobId: 'during-outage' })).rejects.toBeInstanceOf(JobQueueUnavailableError);
      // The 2 s command deadline plus slack for a loaded machine: the point is that it never hangs.
      expect(performance.now() - startedAt).toBeLessThan(3500);
      const health = await queue.health();
      expect(health.ok).toBe(false);
      expect(health.reason).toMatch(/unreachable/);
    }

    it('add rejects fast while Redis is down; jobs added before the outage and after it are processed once it is back', async () => {
      const server = await privateRedis(true);
      const queue = consumerQueue(server.url);
      const hold = deferred();
      const completed: string[] = [];
      queue.process(async (job) => {
        if (job.data.label === 'before-1') await hold.promise;
        completed.push(job.id);
      });
      expect(await queue.add({ label: 'before-1' }, { jobId: 'before-1' })).toBe(true);
      expect(await queue.add({ label: 'before-2' }, { jobId: 'before-2' })).toBe(true);
      await expect.poll(() => queue.counts(), { timeout: 20_000 }).toMatchObject({ active: 1, waiting: 1 });

      await server.stop();
      await expectFastRejection(queue);
      await server.restart({ persistent: true });
      hold.resolve();

      // Both survive the restart (AOF): before-1 finishes (or, had its lock expired, runs again), before-2 runs.
      await expect.poll(() => [...new Set(completed)].sort(), { timeout: 30_000 }).toEqual(['before-1', 'before-2']);
      expect(await addWhenBack(queue, 'after-1')).toBe(true);
      await expect.poll(() => completed.includes('after-1'), { timeout: 30_000 }).toBe(true);
      expect(await queue.health()).toEqual({ ok: true });
      await expect.poll(() => queue.counts(), { timeout: 10_000 }).toMatchObject({ waiting: 0, active: 0, failed: 0 });
    });

    it('close() returns promptly while Redis is down, after the running handler finished', async () => {
      const server = await privateRedis(false);
      const queue = consumerQueue(server.url);
      const events = recordEvents(queue);
      const hold = deferred();
      let handlerFinished = false;
      queue.process(async () => {
        await hold.promise;
        handlerFinished = true;
      });
      await queue.add({ label: 'in flight' }, { jobId: 'in-flight' });
      await expect.poll(() => queue.counts(), { timeout: 20_000 }).toMatchObject({ active: 1 });
      await server.stop();
      const closing = queue.close();
      hold.resolve();
      await closing;
      expect(handlerFinished).toBe(true);
      // Its outcome could not be recorded: no event; the job stays active for a stalled check to recover.
      expect(events).toEqual([]);
    });

    it('after a restart that lost every key, the consumer reconnects and processes new jobs', async () => {
      const server = await privateRedis(false);
      const queue = consumerQueue(server.url);
      const completed: string[] = [];
      queue.process(async (job) => {
        completed.push(job.id);
      });
      expect(await queue.add({ label: 'first' }, { jobId: 'first' })).toBe(true);
      await expect.poll(() => completed, { timeout: 20_000 }).toEqual(['first']);

      await server.stop();
      await expectFastRejection(queue);
      await server.restart({ persistent: false, freshDir: true });

      expect(await addWhenBack(queue, 'after-restart')).toBe(true);
      await expect.poll(() => completed, { timeout: 30_000 }).toEqual(['first', 'after-restart']);
      expect(await queue.health()).toEqual({ ok: true });
      await expect.poll(() => queue.workerCount(), { timeout: 10_000 }).toBe(1);
    });
  });
});
