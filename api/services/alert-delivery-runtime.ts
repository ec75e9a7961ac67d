import type { FastifyBaseLogger } from 'fastify';
import type { AppConfig } from '../config.js';
import type { Db } from '../db/database.js';
import type { JobQueues } from '../jobs/index.js';
import { AlertChannelRepository } from '../repositories/alert-channel.repository.js';
import { AlertDeliveryRepository } from '../repositories/alert-delivery.repository.js';
import { AlertRepository } from '../repositories/alert.repository.js';
import { AlertDeliveryService, type AlertDeliveryServiceOptions, type InAppPush } from './alert-delivery.service.js';

export interface AlertDeliveryRuntimeOptions {
  config: AppConfig;
  db: Db;
  /** The process's job queues: deliveries go to `alert-delivery`. */
  jobs: JobQueues;
  pushInApp: InAppPush;
  log: FastifyBaseLogger;
  onAttempt?: AlertDeliveryServiceOptions['onAttempt'];
}

/**
 * Alert delivery in a process, the same for the api and `npm run worker`: the service feeding the `alert-delivery`
 * queue from its outbox, sweeping it from now on (`stopSweeping` before the queues close). Whether this process also
 * sends deliveries is its choice (`startJobConsumers`).
 */
export function startAlertDelivery({ config, db, jobs, pushInApp, log, onAttempt }: AlertDeliveryRuntimeOptions): AlertDeliveryService {
  const service = new AlertDeliveryService(
    new AlertDeliveryRepository(db),
    new AlertChannelRepository(db),
    new AlertRepository(db),
    jobs.queue('alert-delivery'),
    pushInApp,
    log,
    {
      attempts: config.alertDelivery.attempts,
      timeoutMs: config.alertDelivery.timeoutMs,
      requeueAfterMs: config.alertDelivery.requeueAfterMs,
      onAttempt,
    },
  );
  service.startSweeping(config.alertDelivery.sweepIntervalMs);
  return service;
}
