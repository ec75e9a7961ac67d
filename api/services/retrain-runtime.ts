import type { FastifyBaseLogger } from 'fastify';
import type { AppConfig } from '../config.js';
import type { Db } from '../db/database.js';
import { OutboxFeeder, type JobQueues } from '../jobs/index.js';
import { RetrainJobRepository } from '../repositories/retrain-job.repository.js';
import type { ModelRegistryService } from './model-registry.service.js';
import { RetrainService } from './retrain.service.js';

export interface RetrainRuntime {
  service: RetrainService;
  /** Stops feeding the `retrain` queue and stops a retrain in progress: before the queues and the database close. */
  stop(): void;
}

/**
 * Retraining in a process, the same for the api and `npm run worker`: the service, and the outbox feeding the `retrain`
 * queue, swept as exports are (a queued or running job an in-process queue lost with its process runs again).
 */
export function startRetraining(
  config: AppConfig,
  db: Db,
  jobs: JobQueues,
  registry: ModelRegistryService,
  log: FastifyBaseLogger,
): RetrainRuntime {
  const repository = new RetrainJobRepository(db);
  const outbox = new OutboxFeeder(repository, jobs.queue('retrain'), log, {
    what: 'retrain',
    payloadOf: (retrainJobId) => ({ retrainJobId }),
    requeueAfterMs: config.jobs.requeueAfterMs,
  });
  outbox.start(config.jobs.sweepIntervalMs);
  const service = new RetrainService(repository, registry, outbox, log, config);
  return {
    service,
    stop: () => {
      outbox.stop();
      service.stop();
    },
  };
}
