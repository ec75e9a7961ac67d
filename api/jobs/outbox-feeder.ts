import type { JobQueue } from './job-queue.js';

/** The rows a job is made from (identification requests, alert deliveries): the database's half of the outbox. */
export interface Outbox {
  /** Pending rows never handed to the queue, or handed over before `staleBefore`, oldest first. */
  pendingToEnqueue(staleBefore: Date, limit: number): Promise<string[]>;
  markEnqueued(ids: string[]): Promise<void>;
}

export interface OutboxFeederOptions<T> {
  /** What the log calls these jobs (`identify`, `alert-delivery`). */
  what: string;
  /** The job for an outbox row: its payload; the row's id is the job id. */
  payloadOf: (id: string) => T;
  /** How long a row may sit in the queue before a sweep hands it over again. */
  requeueAfterMs: number;
}

interface Log {
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

const SWEEP_BATCH = 500;

/**
 * Feeds a job queue from an outbox table (ADR 0007): rows are committed with what they belong to, handed to the queue
 * after the commit, and swept again when that failed (Redis down) or the queue lost them (an in-process queue dying
 * with its process, Redis restarted empty). Re-adding a job still queued is a no-op, so a sweep never doubles work.
 */
export class OutboxFeeder<T> {
  private sweepTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly outbox: Outbox,
    private readonly queue: JobQueue<T>,
    private readonly log: Log,
    private readonly options: OutboxFeederOptions<T>,
  ) {}

  /** Hands new rows to the queue now; what cannot be handed over (Redis down) stays for the sweep. Never throws. */
  async handOver(ids: string[]): Promise<number> {
    const handedOver: string[] = [];
    try {
      for (const id of ids) {
        await this.queue.add(this.options.payloadOf(id), { jobId: id });
        handedOver.push(id);
      }
    } catch (error) {
      this.log.warn({ err: error }, `could not enqueue ${this.options.what} jobs; the outbox sweep will retry`);
    }
    try {
      await this.outbox.markEnqueued(handedOver);
    } catch (error) {
      // Unmarked rows are swept and re-added: a no-op for jobs still queued.
      this.log.warn({ err: error }, `could not mark ${this.options.what} jobs enqueued`);
    }
    return handedOver.length;
  }

  /** Re-enqueues pending rows never handed over, or handed over before `staleBefore` (one batch). */
  async sweep(staleBefore = new Date(Date.now() - this.options.requeueAfterMs)): Promise<number> {
    return this.handOver(await this.outbox.pendingToEnqueue(staleBefore, SWEEP_BATCH));
  }

  /**
   * Hands over every pending row last handed over before now, batch after batch: what the queue holds no more once
   * Redis lost its data. Rows handed over are marked after `staleBefore`, so each batch is new; stops at a short batch
   * or when Redis refuses (the periodic sweep takes over).
   */
  async requeueAll(staleBefore = new Date()): Promise<number> {
    let total = 0;
    for (;;) {
      const ids = await this.outbox.pendingToEnqueue(staleBefore, SWEEP_BATCH);
      const handedOver = await this.handOver(ids);
      total += handedOver;
      if (ids.length < SWEEP_BATCH || handedOver < ids.length) return total;
    }
  }

  /**
   * Sweeps every pending row once now — an in-process queue loses its jobs with the process — and then, every
   * `intervalMs`, those handed over longer than `requeueAfterMs` ago. When the queue reports its jobs lost (Redis
   * restarted empty), every pending row is handed over again at once rather than `requeueAfterMs` later.
   */
  start(intervalMs: number): void {
    const { what } = this.options;
    const failed = (error: unknown) => this.log.error({ err: error }, `${what} outbox sweep failed`);
    const run = (staleBefore?: Date) => {
      this.sweep(staleBefore).catch(failed);
    };
    run(new Date());
    this.sweepTimer = setInterval(run, intervalMs);
    this.sweepTimer.unref();
    this.queue.onJobsLost(() => {
      if (this.sweepTimer === undefined) return;
      this.requeueAll()
        .then((requeued) =>
          this.log.warn({ requeued }, `the ${what} queue lost its jobs (Redis restarted empty or flushed): pending ones handed over again`),
        )
        .catch(failed);
    });
  }

  stop(): void {
    clearInterval(this.sweepTimer);
    this.sweepTimer = undefined;
  }
}
