import { performance } from 'node:perf_hooks';
import {
  JOB_QUEUE_DEFAULTS,
  JobQueueUnavailableError,
  assertPositiveInteger,
  assertValidJobId,
  backoffDelayMs,
  emitTo,
  errorMessage,
  type AddJobOptions,
  type JobCounts,
  type JobEventListener,
  type JobHandler,
  type JobQueue,
  type JobQueueHealth,
  type JobQueueOptions,
  type ProcessOptions,
} from './job-queue.js';

interface Entry {
  id: string;
  /** The payload as JSON: each attempt gets a fresh copy, as a Redis-backed queue would give it. */
  json: string;
  attemptsMade: number;
  state: 'waiting' | 'delayed' | 'active';
  timer?: NodeJS.Timeout;
}

/**
 * The embedded-mode queue: the semantics of the BullMQ adapter (dedupe by job id while pending,
 * delays, retries with exponential backoff, concurrency, counts, events) held in this process's
 * memory. Nothing survives the process: pending jobs are lost on exit, so producers must be able
 * to re-add (the api's outbox sweep does). `completed`/`failed` counts are totals since start.
 */
export class InProcessJobQueue<T> implements JobQueue<T> {
  readonly backend = 'in-process' as const;
  private readonly attempts: number;
  private readonly backoffMs: number;
  private readonly closeTimeoutMs: number;
  private readonly entries = new Map<string, Entry>();
  private readonly waiting: Entry[] = [];
  private readonly running = new Set<Promise<void>>();
  private readonly listeners: JobEventListener[] = [];
  private handler: JobHandler<T> | undefined;
  private concurrency = 1;
  private completedCount = 0;
  private failedCount = 0;
  private closing: Promise<void> | undefined;

  constructor(
    readonly name: string,
    options: JobQueueOptions = {},
  ) {
    this.attempts = options.attempts ?? JOB_QUEUE_DEFAULTS.attempts;
    this.backoffMs = options.backoffMs ?? JOB_QUEUE_DEFAULTS.backoffMs;
    this.closeTimeoutMs = options.closeTimeoutMs ?? JOB_QUEUE_DEFAULTS.closeTimeoutMs;
    assertPositiveInteger('attempts', this.attempts);
  }

  async add(data: T, options: AddJobOptions): Promise<boolean> {
    assertValidJobId(options.jobId);
    if (this.closing) throw new JobQueueUnavailableError(`job queue ${this.name} is closed`);
    if (this.entries.has(options.jobId)) return false;
    const json = JSON.stringify(data);
    if (json === undefined) throw new TypeError('job data must be JSON-serialisable');
    const entry: Entry = { id: options.jobId, json, attemptsMade: 0, state: 'waiting' };
    this.entries.set(entry.id, entry);
    const delayMs = options.delayMs ?? 0;
    if (delayMs > 0) this.delay(entry, delayMs);
    else this.enqueue(entry);
    return true;
  }

  process(handler: JobHandler<T>, options: ProcessOptions = {}): void {
    if (this.handler) throw new Error(`job queue ${this.name} already has a consumer`);
    if (this.closing) throw new Error(`job queue ${this.name} is closed`);
    this.concurrency = options.concurrency ?? 1;
    assertPositiveInteger('concurrency', this.concurrency);
    this.handler = handler;
    this.pump();
  }

  async counts(): Promise<JobCounts> {
    let delayed = 0;
    let active = 0;
    for (const entry of this.entries.values()) {
      if (entry.state === 'delayed') delayed += 1;
      else if (entry.state === 'active') active += 1;
    }
    return { waiting: this.waiting.length, active, delayed, completed: this.completedCount, failed: this.failedCount };
  }

  async workerCount(): Promise<number> {
    return this.handler && !this.closing ? 1 : 0;
  }

  async health(): Promise<JobQueueHealth> {
    return this.closing ? { ok: false, reason: `job queue ${this.name} is closed` } : { ok: true };
  }

  onEvent(listener: JobEventListener): void {
    this.listeners.push(listener);
  }

  /** Its jobs are lost only with its process, which then calls nobody: the next process's start sweep hands them over. */
  onJobsLost(): void {}

  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    this.clearTimers();
    this.waiting.length = 0;
    if (this.running.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, this.closeTimeoutMs);
      });
      await Promise.race([Promise.allSettled([...this.running]), timeout]);
      clearTimeout(timer);
    }
    // Retries scheduled by jobs that failed while we waited.
    this.clearTimers();
    this.entries.clear();
  }

  private clearTimers(): void {
    for (const entry of this.entries.values()) {
      if (entry.timer) clearTimeout(entry.timer);
      entry.timer = undefined;
    }
  }

  private delay(entry: Entry, ms: number): void {
    entry.state = 'delayed';
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      this.enqueue(entry);
    }, ms);
  }

  private enqueue(entry: Entry): void {
    if (this.closing) return;
    entry.state = 'waiting';
    this.waiting.push(entry);
    this.pump();
  }

  private pump(): void {
    while (this.handler && !this.closing && this.running.size < this.concurrency && this.waiting.length > 0) {
      const entry = this.waiting.shift()!;
      const run: Promise<void> = this.run(this.handler, entry).finally(() => {
        this.running.delete(run);
        this.pump();
      });
      this.running.add(run);
    }
  }

  private async run(handler: JobHandler<T>, entry: Entry): Promise<void> {
    entry.state = 'active';
    const attempt = entry.attemptsMade + 1;
    const startedAt = performance.now();
    try {
      await handler({ id: entry.id, data: JSON.parse(entry.json) as T, attempt });
      entry.attemptsMade = attempt;
      this.entries.delete(entry.id);
      this.completedCount += 1;
      emitTo(this.listeners, { type: 'completed', jobId: entry.id, attempt, durationMs: performance.now() - startedAt });
    } catch (error) {
      entry.attemptsMade = attempt;
      const durationMs = performance.now() - startedAt;
      if (attempt < this.attempts) {
        // While closing, the retry's timer is cleared once active jobs have finished.
        this.delay(entry, backoffDelayMs(this.backoffMs, attempt));
        emitTo(this.listeners, { type: 'retrying', jobId: entry.id, attempt, error: errorMessage(error), durationMs });
      } else {
        this.entries.delete(entry.id);
        this.failedCount += 1;
        emitTo(this.listeners, { type: 'failed', jobId: entry.id, attempt, error: errorMessage(error), durationMs });
      }
    }
  }
}
