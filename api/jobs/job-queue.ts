/**
 * One job-queue interface, two adapters: BullMQ over Redis (scale-out mode) and an in-memory queue
 * (embedded mode). Callers depend on {@link JobQueue} only; `createJobQueue` in `./job-queues.ts` picks
 * the adapter.
 *
 * Delivery is at-least-once in both adapters: a handler may see the same job again after a crash,
 * a lost lock or a re-add of a finished job, so handlers must be idempotent.
 */

export type JobQueueBackend = 'bullmq' | 'in-process';

export interface AddJobOptions {
  /**
   * Idempotency key (e.g. `identify-<specimen uuid>`). Non-empty, not a plain integer, no `:`, not a BullMQ key name
   * such as `wait` or `active` — BullMQ rules that both adapters enforce.
   */
  jobId: string;
  /** Run no earlier than this many milliseconds from now. */
  delayMs?: number;
}

export interface JobContext<T> {
  id: string;
  data: T;
  /** 1 on the first try, 2 on the first retry, … */
  attempt: number;
}

export type JobHandler<T> = (job: JobContext<T>) => Promise<void>;

export interface ProcessOptions {
  /** Jobs run at once by this consumer (default 1). */
  concurrency?: number;
}

export interface JobCounts {
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  completed: number;
}

export interface JobQueueHealth {
  ok: boolean;
  reason?: string;
}

export interface JobEvent {
  /** `retrying`: the attempt failed and another is scheduled after the backoff; `failed`: attempts exhausted. */
  type: 'completed' | 'failed' | 'retrying';
  jobId: string;
  /** The attempt that just finished (1-based). */
  attempt: number;
  error?: string;
  durationMs?: number;
}

export type JobEventListener = (event: JobEvent) => void;

export interface JobQueue<T> {
  readonly backend: JobQueueBackend;
  readonly name: string;
  /**
   * Idempotent by jobId: adding a job whose id is waiting, active or delayed (including a retry
   * waiting out its backoff) is a no-op and resolves `false`. A job id that has completed or failed
   * may be added again (resolves `true`). Rejects with {@link JobQueueUnavailableError} within
   * about `addTimeoutMs` when the backend is unreachable — it never hangs the caller; the caller
   * re-adds later (a rejected add may still have landed, which the id makes harmless). In BullMQ
   * the state check and the add are two steps: two producers racing on the same new id may both
   * get `true`, but the job exists once.
   */
  add(data: T, options: AddJobOptions): Promise<boolean>;
  /**
   * Starts consuming in this process. A handler that throws is retried with exponential backoff up to `attempts`, then
   * the job fails. Call once.
   */
  process(handler: JobHandler<T>, options?: ProcessOptions): void;
  counts(): Promise<JobCounts>;
  /** Processes currently consuming (BullMQ: `Queue.getWorkersCount()`; in-process: 1 while `process` is running, else 0). */
  workerCount(): Promise<number>;
  /** ok=false with a reason when the backend is unreachable (for /ready). Never throws. */
  health(): Promise<JobQueueHealth>;
  /** Outcome of each attempt run by THIS instance's consumer (not by other processes). Listener errors are swallowed. */
  onEvent(listener: JobEventListener): void;
  /**
   * Calls `listener` each time the backend is found to have lost its jobs (Redis restarted empty, or flushed), so that
   * what fed them (an outbox) hands them over again. The in-process queue never calls it: its jobs die with its
   * process, and the next process's start sweeps them.
   */
  onJobsLost(listener: () => void): void;
  /** Stops taking new jobs, lets active ones finish (up to `closeTimeoutMs`), closes connections. Idempotent. */
  close(): Promise<void>;
}

export interface KeepJobsOptions {
  /** Keep at most this many finished jobs. */
  count: number;
  /** Drop finished jobs older than this (evaluated when another job finishes). */
  ageSeconds: number;
}

export interface JobQueueOptions {
  /** Total tries per job, the first included (default 5). */
  attempts?: number;
  /** Delay before the first retry; doubles for each further retry (default 1000). */
  backoffMs?: number;
  /** How long `close()` waits for active jobs before giving up on them (default 30 000). */
  closeTimeoutMs?: number;
  /** How long `add`, `counts` and `health` may take before rejecting/reporting the backend unreachable (default 2000). */
  addTimeoutMs?: number;
}

export interface BullMqQueueOptions extends JobQueueOptions {
  redisUrl: string;
  /** Redis key prefix (default `vectordesk`). Use a unique one per test. */
  prefix?: string;
  /**
   * How long a job's lock lives without renewal (renewed every half of it while the handler runs).
   * A consumer killed mid-job loses its job to another consumer after roughly
   * `lockDurationMs + stalledIntervalMs` (default 5000: with the default stalled interval, under 10 s).
   * Longer values tolerate longer Redis outages before a running job is taken over (and run twice).
   */
  lockDurationMs?: number;
  /** How often consumers look for jobs whose lock expired (default 3000). */
  stalledIntervalMs?: number;
  /** How many times a job may be recovered from a dead consumer before it fails (default 2). */
  maxStalledCount?: number;
  /** Longest reconnect backoff after Redis goes away (default 2000). */
  reconnectMaxDelayMs?: number;
  /** Seconds the consumer's blocking fetch waits on an empty queue (default 5). */
  drainDelaySeconds?: number;
  /** Completed jobs kept for inspection (default 1000, one day). */
  keepCompleted?: KeepJobsOptions;
  /** Failed jobs kept for inspection (default 5000, one week). */
  keepFailed?: KeepJobsOptions;
  /** How often to check that Redis still holds the queue's data (the marker of {@link JobQueue.onJobsLost}; default 1000). */
  lostJobsCheckMs?: number;
  /** Called with connection and background errors (for logging); they are otherwise swallowed so they cannot crash the process. */
  onError?: (error: Error) => void;
}

export const JOB_QUEUE_DEFAULTS = {
  attempts: 5,
  backoffMs: 1000,
  closeTimeoutMs: 30_000,
  addTimeoutMs: 2000,
  prefix: 'vectordesk',
  lockDurationMs: 5000,
  stalledIntervalMs: 3000,
  maxStalledCount: 2,
  reconnectMaxDelayMs: 2000,
  drainDelaySeconds: 5,
  lostJobsCheckMs: 1000,
  keepCompleted: { count: 1000, ageSeconds: 24 * 3600 },
  keepFailed: { count: 5000, ageSeconds: 7 * 24 * 3600 },
} as const;

/** The queue's backend (Redis) cannot be reached; the caller should try again later (the outbox sweep does). */
export class JobQueueUnavailableError extends Error {
  readonly code = 'queue_unavailable';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'JobQueueUnavailableError';
  }
}

/** Delay before retry number `failedAttempt` (the attempt that just failed, 1-based): backoffMs · 2^(failedAttempt − 1). */
export function backoffDelayMs(backoffMs: number, failedAttempt: number): number {
  return Math.round(backoffMs * 2 ** (failedAttempt - 1));
}

/**
 * BullMQ stores job `x` of queue `q` at `<prefix>:q:x`, next to the queue's own keys `<prefix>:q:wait`,
 * `…:active` and so on: a job id equal to one of those names would overwrite a queue structure.
 */
const RESERVED_JOB_IDS = new Set([
  'active',
  'wait',
  'waiting',
  'waiting-children',
  'paused',
  'id',
  'delayed',
  'prioritized',
  'priority',
  'stalled-check',
  'completed',
  'failed',
  'stalled',
  'repeat',
  'limiter',
  'meta',
  'events',
  'pc',
  'marker',
  'de',
  'metrics',
  // The marker that tells whether Redis lost the queue's data (lost-jobs-watch.ts).
  'data-marker',
]);

/** Job ids valid in both adapters: non-empty, not a plain integer, no `:`, not a name BullMQ uses for a queue key. */
export function assertValidJobId(jobId: string): void {
  if (typeof jobId !== 'string' || jobId.length === 0) throw new TypeError('jobId must be a non-empty string');
  if (String(Number.parseInt(jobId, 10)) === jobId) throw new TypeError(`jobId must not be a plain integer: ${jobId}`);
  if (jobId.includes(':')) throw new TypeError(`jobId must not contain ':': ${jobId}`);
  if (RESERVED_JOB_IDS.has(jobId)) throw new TypeError(`jobId must not be one of the queue's reserved key names: ${jobId}`);
}

export function assertPositiveInteger(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Calls each listener, never letting one listener's error escape into the queue machinery. */
export function emitTo(listeners: readonly JobEventListener[], event: JobEvent): void {
  for (const listener of listeners) {
    try {
      listener(event);
    } catch {
      // A faulty listener must not break job processing.
    }
  }
}
