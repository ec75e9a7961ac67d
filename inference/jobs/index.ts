import { BullMqJobQueue } from './bullmq-queue.js';
import { InProcessJobQueue } from './in-process-queue.js';
import type { BullMqQueueOptions, JobQueue } from './job-queue.js';

export {
  JOB_QUEUE_DEFAULTS,
  JobQueueUnavailableError,
  assertValidJobId,
  backoffDelayMs,
  type AddJobOptions,
  type BullMqQueueOptions,
  type JobContext,
  type JobCounts,
  type JobEvent,
  type JobEventListener,
  type JobHandler,
  type JobQueue,
  type JobQueueBackend,
  type JobQueueHealth,
  type JobQueueOptions,
  type KeepJobsOptions,
  type ProcessOptions,
} from './job-queue.js';
export { BullMqJobQueue, redactRedisUrl, redisOptionsFromUrl } from './bullmq-queue.js';
export { InProcessJobQueue } from './in-process-queue.js';

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
