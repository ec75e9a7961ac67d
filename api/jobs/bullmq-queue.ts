import { performance } from 'node:perf_hooks';
import { Queue, Worker, type Job, type JobsOptions } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import {
  JOB_QUEUE_DEFAULTS,
  JobQueueUnavailableError,
  assertPositiveInteger,
  assertValidJobId,
  emitTo,
  errorMessage,
  type AddJobOptions,
  type BullMqQueueOptions,
  type JobCounts,
  type JobEventListener,
  type JobHandler,
  type JobQueue,
  type JobQueueHealth,
  type ProcessOptions,
} from './job-queue.js';
import { LostJobsWatch } from './lost-jobs-watch.js';

/** Connection options for ioredis from a `redis://` / `rediss://` URL (user, password, db and TLS included). */
export function redisOptionsFromUrl(redisUrl: string): RedisOptions {
  const url = new URL(redisUrl);
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new TypeError(`not a Redis URL: ${redactRedisUrl(redisUrl)}`);
  const db = url.pathname.replace(/^\//, '');
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1') || '127.0.0.1',
    port: url.port ? Number(url.port) : 6379,
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    ...(db ? { db: Number(db) } : {}),
    ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

/** The URL without its password, for messages and logs. */
export function redactRedisUrl(redisUrl: string): string {
  try {
    const url = new URL(redisUrl);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return '<invalid Redis URL>';
  }
}

const CONNECTION_ERROR =
  /Connection is closed|Stream isn't writeable|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND|EHOSTUNREACH|Command timed out|MaxRetriesPerRequest|connect ETIMEDOUT/i;

const PENDING_STATES = new Set(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children']);

/**
 * The scale-out queue: BullMQ over Redis.
 *
 * - Producer side (`add`, `counts`, `workerCount`, `health`) uses its own connection with the
 *   offline queue disabled and a command timeout, so every call settles within about
 *   `addTimeoutMs` when Redis is down; `add` then rejects with {@link JobQueueUnavailableError}.
 * - Consumer side (`process`) is a BullMQ Worker on connections with `maxRetriesPerRequest: null`
 *   that reconnect forever (backoff capped at `reconnectMaxDelayMs`), so it survives Redis going
 *   away and coming back.
 * - A consumer that dies mid-job stops renewing the job's lock; after about
 *   `lockDurationMs + stalledIntervalMs` another consumer's stalled check puts the job back to wait.
 * - Finished jobs are kept up to `keepCompleted` / `keepFailed` (count and age) and then dropped.
 */
export class BullMqJobQueue<T> implements JobQueue<T> {
  readonly backend = 'bullmq' as const;
  private readonly options: Required<Omit<BullMqQueueOptions, 'onError'>> & Pick<BullMqQueueOptions, 'onError'>;
  private readonly connection: Omit<RedisOptions, 'retryStrategy'> & { retryStrategy: (times: number) => number };
  private readonly producer: Redis;
  private readonly queue: Queue<T, void, string, T, void, string>;
  private readonly listeners: JobEventListener[] = [];
  private readonly lostListeners: (() => void)[] = [];
  private lostJobsWatch: LostJobsWatch | undefined;
  private readonly startedAt = new Map<string, number>();
  /** Handlers running now, so that close() can wait for them even when Redis is gone. */
  private readonly running = new Set<Promise<void>>();
  private worker: Worker<T, void, string> | undefined;
  private everReady = false;
  private readonly firstReady: Promise<void>;
  private lastError: Error | undefined;
  private closing: Promise<void> | undefined;

  constructor(
    readonly name: string,
    options: BullMqQueueOptions,
  ) {
    this.options = {
      attempts: options.attempts ?? JOB_QUEUE_DEFAULTS.attempts,
      backoffMs: options.backoffMs ?? JOB_QUEUE_DEFAULTS.backoffMs,
      closeTimeoutMs: options.closeTimeoutMs ?? JOB_QUEUE_DEFAULTS.closeTimeoutMs,
      addTimeoutMs: options.addTimeoutMs ?? JOB_QUEUE_DEFAULTS.addTimeoutMs,
      redisUrl: options.redisUrl,
      prefix: options.prefix ?? JOB_QUEUE_DEFAULTS.prefix,
      lockDurationMs: options.lockDurationMs ?? JOB_QUEUE_DEFAULTS.lockDurationMs,
      stalledIntervalMs: options.stalledIntervalMs ?? JOB_QUEUE_DEFAULTS.stalledIntervalMs,
      maxStalledCount: options.maxStalledCount ?? JOB_QUEUE_DEFAULTS.maxStalledCount,
      reconnectMaxDelayMs: options.reconnectMaxDelayMs ?? JOB_QUEUE_DEFAULTS.reconnectMaxDelayMs,
      drainDelaySeconds: options.drainDelaySeconds ?? JOB_QUEUE_DEFAULTS.drainDelaySeconds,
      lostJobsCheckMs: options.lostJobsCheckMs ?? JOB_QUEUE_DEFAULTS.lostJobsCheckMs,
      keepCompleted: options.keepCompleted ?? JOB_QUEUE_DEFAULTS.keepCompleted,
      keepFailed: options.keepFailed ?? JOB_QUEUE_DEFAULTS.keepFailed,
      onError: options.onError,
    };
    assertPositiveInteger('attempts', this.options.attempts);
    const reconnectMaxDelayMs = this.options.reconnectMaxDelayMs;
    this.connection = {
      ...redisOptionsFromUrl(options.redisUrl),
      retryStrategy: (times: number) => Math.min(100 * 2 ** Math.min(times, 10), reconnectMaxDelayMs),
    };
    this.producer = new Redis({
      ...this.connection,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: this.options.addTimeoutMs,
      commandTimeout: this.options.addTimeoutMs,
    });
    this.producer.on('error', (error: Error) => this.reportError(error));
    this.firstReady = new Promise((resolve) => this.producer.once('ready', () => resolve()));
    this.producer.on('ready', () => {
      this.everReady = true;
      this.lastError = undefined;
    });
    this.queue = new Queue<T, void, string, T, void, string>(name, {
      connection: this.producer,
      prefix: this.options.prefix,
      defaultJobOptions: this.jobOptions(),
    });
    this.queue.on('error', (error: Error) => this.reportError(error));
  }

  async add(data: T, options: AddJobOptions): Promise<boolean> {
    assertValidJobId(options.jobId);
    if (this.closing) throw new JobQueueUnavailableError(`job queue ${this.name} is closed`);
    return this.withDeadline(`adding job ${options.jobId}`, async () => {
      // Dedupe while pending; a finished job (kept for inspection) must not block a re-add.
      const state = await this.queue.getJobState(options.jobId);
      if (PENDING_STATES.has(state)) return false;
      if (state === 'completed' || state === 'failed') await this.queue.remove(options.jobId);
      const delay = options.delayMs ?? 0;
      await this.queue.add(this.name, data, { jobId: options.jobId, ...(delay > 0 ? { delay } : {}) });
      return true;
    });
  }

  process(handler: JobHandler<T>, options: ProcessOptions = {}): void {
    if (this.worker) throw new Error(`job queue ${this.name} already has a consumer`);
    if (this.closing) throw new Error(`job queue ${this.name} is closed`);
    const concurrency = options.concurrency ?? 1;
    assertPositiveInteger('concurrency', concurrency);
    const { keepCompleted, keepFailed } = this.options;
    const worker = new Worker<T, void, string>(
      this.name,
      async (job: Job<T, void, string>) => {
        const id = job.id!;
        this.startedAt.set(id, performance.now());
        const run = handler({ id, data: job.data, attempt: job.attemptsMade + 1 });
        const settled = run.then(
          () => undefined,
          () => undefined,
        );
        this.running.add(settled);
        try {
          await run;
        } finally {
          this.running.delete(settled);
        }
      },
      {
        // Options, not an instance: BullMQ opens (and closes) its own connections from them.
        connection: { ...this.connection, maxRetriesPerRequest: null, enableOfflineQueue: true },
        prefix: this.options.prefix,
        concurrency,
        lockDuration: this.options.lockDurationMs,
        stalledInterval: this.options.stalledIntervalMs,
        maxStalledCount: this.options.maxStalledCount,
        drainDelay: this.options.drainDelaySeconds,
        removeOnComplete: { age: keepCompleted.ageSeconds, count: keepCompleted.count },
        removeOnFail: { age: keepFailed.ageSeconds, count: keepFailed.count },
      },
    );
    worker.on('error', (error: Error) => this.reportError(error));
    worker.on('completed', (job: Job<T, void, string>) => {
      const jobId = job.id!;
      emitTo(this.listeners, { type: 'completed', jobId, attempt: job.attemptsMade, durationMs: this.takeDuration(jobId) });
    });
    worker.on('failed', (job: Job<T, void, string> | undefined, error: Error) => {
      if (!job?.id) return;
      // moveToFailed has already counted this attempt: more remain ⇔ a retry is scheduled.
      const retrying = job.attemptsMade < (job.opts.attempts ?? 1);
      emitTo(this.listeners, {
        type: retrying ? 'retrying' : 'failed',
        jobId: job.id,
        attempt: job.attemptsMade,
        error: errorMessage(error),
        durationMs: this.takeDuration(job.id),
      });
    });
    this.worker = worker;
  }

  async counts(): Promise<JobCounts> {
    return this.withDeadline('counting jobs', async () => {
      const counts = await this.queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed', 'completed');
      const of = (key: string) => counts[key] ?? 0;
      return {
        waiting: of('waiting') + of('prioritized'),
        active: of('active'),
        delayed: of('delayed'),
        failed: of('failed'),
        completed: of('completed'),
      };
    });
  }

  async workerCount(): Promise<number> {
    return this.withDeadline('counting workers', () => this.queue.getWorkersCount());
  }

  async health(): Promise<JobQueueHealth> {
    if (this.closing) return { ok: false, reason: `job queue ${this.name} is closed` };
    try {
      await this.withDeadline('pinging Redis', () => this.producer.ping());
    } catch (error) {
      return { ok: false, reason: errorMessage(error) };
    }
    if (this.worker && !this.worker.isRunning()) return { ok: false, reason: `the consumer of job queue ${this.name} has stopped` };
    return { ok: true };
  }

  onEvent(listener: JobEventListener): void {
    this.listeners.push(listener);
  }

  /** Watches a marker key beside the queue's keys from the first listener on (see {@link LostJobsWatch}). */
  onJobsLost(listener: () => void): void {
    this.lostListeners.push(listener);
    if (this.lostJobsWatch || this.closing) return;
    this.lostJobsWatch = new LostJobsWatch(
      this.producer,
      `${this.options.prefix}:${this.name}:data-marker`,
      () => {
        for (const lost of this.lostListeners) {
          try {
            lost();
          } catch (error) {
            this.reportError(error);
          }
        }
      },
      (error) => this.reportError(error),
    );
    this.lostJobsWatch.start(this.options.lostJobsCheckMs);
  }

  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    this.lostJobsWatch?.stop();
    const worker = this.worker;
    if (worker) {
      // 1. Stop fetching (no Redis call), then give running handlers up to closeTimeoutMs.
      await settlesWithin(
        worker.pause(true).catch((error: unknown) => this.reportError(error)),
        1000,
      );
      const handlersDone = await settlesWithin(Promise.allSettled([...this.running]), this.options.closeTimeoutMs);
      // 2. With Redis reachable, close gracefully: record the outcomes, wait for them, quit. With
      //    Redis gone that would wait for a reconnect, so drop the connections instead: a job whose
      //    outcome could not be recorded (or whose handler is stuck) stays `active`, and the stalled
      //    check of a consumer still (or again) connected puts it back to wait.
      const force = !handlersDone || this.producer.status !== 'ready';
      const closed = worker.close(force).catch((error: unknown) => this.reportError(error));
      if (!(await settlesWithin(closed, force ? 1000 : 2 * this.options.addTimeoutMs))) {
        // Redis went away during the graceful close. ioredis may never report
        // the end of a connection between reconnect attempts, so this is bounded as well.
        await settlesWithin(
          worker.disconnect().catch(() => undefined),
          1000,
        );
      }
    }
    // The Queue does not own the producer connection (it was passed in), so this only detaches it.
    await settlesWithin(
      this.queue.close().catch(() => undefined),
      this.options.addTimeoutMs,
    );
    this.producer.disconnect();
  }

  private jobOptions(): JobsOptions {
    const { attempts, backoffMs, keepCompleted, keepFailed } = this.options;
    return {
      attempts,
      backoff: { type: 'exponential', delay: backoffMs },
      removeOnComplete: { age: keepCompleted.ageSeconds, count: keepCompleted.count },
      removeOnFail: { age: keepFailed.ageSeconds, count: keepFailed.count },
    };
  }

  private takeDuration(jobId: string): number | undefined {
    const startedAt = this.startedAt.get(jobId);
    this.startedAt.delete(jobId);
    return startedAt === undefined ? undefined : performance.now() - startedAt;
  }

  private reportError(error: unknown): void {
    const asError = error instanceof Error ? error : new Error(String(error));
    if (CONNECTION_ERROR.test(asError.message)) this.lastError = asError;
    try {
      this.options.onError?.(asError);
    } catch {
      // A faulty logger must not break the queue.
    }
  }

  /**
   * Runs a producer-side operation under one deadline. Fails at once while Redis is known to be
   * down (it was reachable before and the connection is not ready now); on a first connection it
   * waits for it, within the same deadline.
   */
  private async withDeadline<R>(what: string, operation: () => Promise<R>): Promise<R> {
    const deadlineMs = this.options.addTimeoutMs;
    const unavailable = (detail: string, cause?: unknown) =>
      new JobQueueUnavailableError(
        `job queue ${this.name}: ${what} failed, Redis at ${redactRedisUrl(this.options.redisUrl)} is unreachable (${detail})`,
        { cause },
      );
    if (this.everReady && this.producer.status !== 'ready') {
      throw unavailable(this.lastError ? `${this.producer.status}: ${this.lastError.message}` : this.producer.status);
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(unavailable(`no answer within ${deadlineMs} ms`)), deadlineMs);
    });
    try {
      return await Promise.race([this.whenReady().then(operation), timeout]);
    } catch (error) {
      if (error instanceof JobQueueUnavailableError) throw error;
      if (this.producer.status !== 'ready' || CONNECTION_ERROR.test(errorMessage(error))) throw unavailable(errorMessage(error), error);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Resolves at once when connected, else (only reached before the first connection) on the first `ready`. */
  private whenReady(): Promise<void> {
    return this.producer.status === 'ready' ? Promise.resolve() : this.firstReady;
  }
}

/** Whether `promise` settles within `ms` (it keeps running either way). */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
