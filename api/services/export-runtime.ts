import type { FastifyBaseLogger } from 'fastify';
import type { AppConfig } from '../config.js';
import type { Db } from '../db/database.js';
import { OutboxFeeder, type JobQueues } from '../jobs/index.js';
import { ExportRowsRepository } from '../repositories/export-rows.repository.js';
import { ExportRepository } from '../repositories/export.repository.js';
import { ExportStore } from '../storage/export-store.js';
import { ExportExpiry } from './export-expiry.js';
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
  /** Stops feeding the `export` queue and sweeping expired files: before the queues and the database close. */
  stop(): Promise<void>;
}

/** How often expired exports and leftover files are looked for. */
const EXPIRY_SWEEP_INTERVAL_MS = 10 * 60_000;

/**
 * Exports in a process, the same for the api and `npm run worker`: the service, and the outbox feeding the `export`
 * queue, swept from now on — at once for every queued or running export (an in-process queue lost them with the last
 * process), then every `IDENTIFY_SWEEP_INTERVAL_MS` for those handed over more than `IDENTIFY_REQUEUE_AFTER_MS` ago.
 * Exports share identification's retry and sweep settings; whether this process also writes them is its choice
 * (`startJobConsumers`). Expired exports lose their files every ten minutes (`ExportExpiry`).
 */
export function startExports({ config, db, jobs, filters, log }: ExportRuntimeOptions): ExportRuntime {
  const exports = new ExportRepository(db);
  const outbox = new OutboxFeeder(exports, jobs.queue('export'), log, {
    what: 'export',
    payloadOf: (exportId) => ({ exportId }),
    requeueAfterMs: config.jobs.requeueAfterMs,
  });
  const store = new ExportStore(config.storageDir);
  const service = new ExportService(exports, new ExportRowsRepository(db), filters, store, outbox, log, {
    batchSize: EXPORT_BATCH_SIZE,
    attempts: config.jobs.attempts,
  });
  const expiry = new ExportExpiry(exports, store, log, { retentionMs: config.exports.retentionMs, intervalMs: EXPIRY_SWEEP_INTERVAL_MS });
  outbox.start(config.jobs.sweepIntervalMs);
  expiry.start();
  return {
    service,
    stop: async () => {
      outbox.stop();
      await expiry.stop();
    },
  };
}
