import type { FastifyBaseLogger } from 'fastify';
import type { AppConfig } from '../config.js';
import { JobQueues } from '../jobs/index.js';
import type { AlertDeliveryService } from './alert-delivery.service.js';
import type { BackgroundLane } from './background-lane.js';
import type { ExportService } from './export.service.js';
import type { IdentificationService } from './identification.service.js';
import type { RetrainService } from './retrain.service.js';

/** The process's job queues: BullMQ under `QUEUE_PREFIX` with `REDIS_URL`, else in-process; the same for the api and `npm run worker`. */
export function openJobQueues(config: AppConfig, log: FastifyBaseLogger): JobQueues {
  return new JobQueues({
    redisUrl: config.redisUrl,
    prefix: config.jobs.queuePrefix,
    attempts: config.jobs.attempts,
    perJob: {
      'alert-delivery': { attempts: config.alertDelivery.attempts, backoffMs: config.alertDelivery.backoffMs },
      // A retrain records its own failure and is not tried again (RetrainService.run).
      retrain: { attempts: 1 },
    },
    onError: (error, name) => log.warn({ err: error }, `${name} queue connection problem`),
  });
}

/** What the job handlers run with. */
export interface JobHandlerSources {
  /** With its models loaded (`jobHandler` throws otherwise). */
  identification: IdentificationService;
  alertDelivery: AlertDeliveryService;
  exports: ExportService;
  retraining: RetrainService;
}

/**
 * Starts this process running every job: the api (`IDENTIFY_JOBS_IN_API`, its identify jobs in `lane`) and `npm run worker` both come here, so a job
 * added to the job map fails to compile here until it has a handler, and `JobQueues.consume` refuses to start without one.
 */
export function startJobConsumers(jobs: JobQueues, sources: JobHandlerSources, config: AppConfig, lane?: BackgroundLane): void {
  const identify = sources.identification.jobHandler();
  jobs.consume(
    {
      // In the api, behind the requests it answers; a worker process has none.
      identify: lane ? (job) => lane.run(() => identify(job)) : identify,
      'alert-delivery': sources.alertDelivery.jobHandler(),
      export: sources.exports.jobHandler(),
      retrain: sources.retraining.jobHandler(),
    },
    { identify: config.jobs.concurrency, 'alert-delivery': config.alertDelivery.concurrency },
  );
}
