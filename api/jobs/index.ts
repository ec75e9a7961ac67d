/**
 * The api's background jobs: the job map (`job-map.ts`: each job's name and payload), one queue per job (`JobQueues`),
 * the queue adapters behind the {@link JobQueue} interface (BullMQ over Redis, in-process), and the outbox feeder that
 * hands a table's pending rows to a queue and sweeps them again.
 */
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
export { JOB_NAMES, type JobName, type JobPayloads } from './job-map.js';
export {
  JobQueues,
  createJobQueue,
  type CreateJobQueueOptions,
  type JobConcurrency,
  type JobHandlers,
  type JobQueuesOptions,
} from './job-queues.js';
export { OutboxFeeder, type Outbox, type OutboxFeederOptions } from './outbox-feeder.js';
