import type { FastifyBaseLogger } from 'fastify';
import type { AppConfig } from '../config.js';
import type { Db } from '../db/database.js';
import { OutboxFeeder, type JobPayloads, type JobQueues } from '../jobs/index.js';
import { ExportRowsRepository } from '../repositories/export-rows.repository.js';
import { ExportRepository } from '../repositories/export.repository.js';
import { ExportStore } from '../storage/export-store.js';
import { ExportService } from './export.service.js';
import type { SurveillanceFilterResolver } from './surveillance-filters.js';

/** Specimens per batch: a few megabytes of rows, and a progress update every batch. */
const EXPORT_BATCH_SIZE = 2_000;

export interface ExportRuntimeOptions {
  config: AppConfig;
  db: Db;
  /** The process's job queues: exports go to `export`. */
  jobs: JobQueues;
  /** Resolves an export's filters when it is requested, and again when it is written. */
  filters: SurveillanceFilterResolver;
  log: FastifyBaseLogger;
}

export interface ExportRuntime {
  service: ExportService;
  /** Feeds the `export` queue from the `exports` table; `stop` it before the queues close. */
  outbox: OutboxFeeder<JobPayloads['export']>;
}

/**
 * Exports in a process, the same for the api and `npm run worker`: the service, and the outbox feeding the `export`
 * queue, swept from now on — at once for every queued or running export (an in-process queue lost them with the last
 * process), then every `IDENTIFY_SWEEP_INTERVAL_MS` for those handed over more than `IDENTIFY_REQUEUE_AFTER_MS` ago.
 * Exports share identification's retry and sweep settings; whether this process also writes them is its choice
 * (`startJobConsumers`).
 */
export function startExports({ config, db, jobs, filters, log }: ExportRuntimeOptions): ExportRuntime {
  const exports = new ExportRepository(db);
  const outbox = new OutboxFeeder(exports, jobs.queue('export'), log, {
    what: 'export',
    payloadOf: (exportId) => ({ exportId }),
    requeueAfterMs: config.jobs.requeueAfterMs,
  });
  const service = new ExportService(exports, new ExportRowsRepository(db), filters, new ExportStore(config.storageDir), outbox, log, {
    batchSize: EXPORT_BATCH_SIZE,
    attempts: config.jobs.attempts,
  });
  outbox.start(config.jobs.sweepIntervalMs);
  return { service, outbox };
}
