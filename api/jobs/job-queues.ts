import { BullMqJobQueue } from './bullmq-queue.js';
import { InProcessJobQueue } from './in-process-queue.js';
import { JOB_NAMES, type JobName, type JobPayloads } from './job-map.js';
import type { BullMqQueueOptions, JobHandler, JobQueue, JobQueueOptions } from './job-queue.js';

export type CreateJobQueueOptions = Omit<BullMqQueueOptions, 'redisUrl'> & {
  /** BullMQ over this Redis when given (scale-out mode); otherwise the in-process queue (embedded mode). */
  redisUrl?: string | undefined;
};

/**
 * The job queue named `name`: BullMQ when a Redis URL is given, else the in-process queue. The
 * BullMQ-only options (prefix, locks, stalled checks, retention, reconnects, onError) are ignored in process.
 */
export function createJobQueue<T>(name: string, options: CreateJobQueueOptions = {}): JobQueue<T> {
  const { redisUrl, ...rest } = options;
  if (redisUrl) return new BullMqJobQueue<T>(name, { ...rest, redisUrl });
  return new InProcessJobQueue<T>(name, rest);
}

/** One handler per job name: the compiler refuses a map that lacks one. */
export type JobHandlers = { [Name in JobName]: JobHandler<JobPayloads[Name]> };

/** Jobs run at once by this process, per job name (default 1). */
export type JobConcurrency = { [Name in JobName]?: number };

export interface JobQueuesOptions extends Omit<CreateJobQueueOptions, 'onError'> {
  /** Called with the connection and background errors of the named queue (BullMQ). */
  onError?: (error: Error, name: JobName) => void;
  /** A job's own retry policy, where it differs from the shared one (an alert webhook is retried longer than inference). */
  perJob?: { [Name in JobName]?: Pick<JobQueueOptions, 'attempts' | 'backoffMs'> };
}

/**
 * A process's job queues: one per job name of the job map, typed with its payload, all on the same backend and options,
 * each created when first asked for. Producers add to `queue(name)`; a process that runs jobs starts them all at once
 * with `consume`.
 */
export class JobQueues {
  /** Each queue was created for its name's payload (`queue` is the only writer), so reading one back as such is sound. */
  private readonly queues = new Map<JobName, JobQueue<unknown>>();

  constructor(private readonly options: JobQueuesOptions = {}) {}

  queue<Name extends JobName>(name: Name): JobQueue<JobPayloads[Name]> {
    const existing = this.queues.get(name);
    if (existing) return existing as JobQueue<JobPayloads[Name]>;
    const { onError, perJob, ...options } = this.options;
    const created = createJobQueue<JobPayloads[Name]>(name, {
      ...options,
      ...perJob?.[name],
      onError: onError && ((error) => onError(error, name)),
    });
    this.queues.set(name, created);
    return created;
  }

  /**
   * Starts consuming every job in this process with its handler. The type asks for a handler per job name; this checks
   * it again at run time (a cast, a map built from config) and refuses before any consumer starts, naming the jobs
   * without one, so a job added to the map is never left in its queue unnoticed by a process that runs jobs.
   */
  consume(handlers: JobHandlers, concurrency: JobConcurrency = {}): void {
    const missing = JOB_NAMES.filter((name) => typeof handlers[name] !== 'function');
    if (missing.length > 0) {
      const names = missing.map((name) => `"${name}"`).join(', ');
      throw new Error(`cannot start consuming jobs: no handler for job ${names} (every job of api/jobs/job-map.ts needs one)`);
    }
    const start = <Name extends JobName>(name: Name) => this.queue(name).process(handlers[name], { concurrency: concurrency[name] });
    for (const name of JOB_NAMES) start(name);
  }

  /** Closes every queue opened here (each waits for its running jobs, up to its `closeTimeoutMs`). Idempotent. */
  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
  }
}
