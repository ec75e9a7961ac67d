import { createServer } from 'node:http';
import { Emitter } from '@socket.io/redis-emitter';
import { Redis } from 'ioredis';
import pino from 'pino';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { taxonomy } from '../datasets/taxonomy.js';
import { describeBackends, loadConfig } from './config.js';
import { migrateToLatest, openDatabase } from './db/database.js';
import { alertDeliveryMetrics } from './http/alert-delivery-metrics.js';
import { identificationMetrics, inferencePoolMetrics } from './http/inference-metrics.js';
import { presentAlertNotice } from './presenters/alerts.js';
import { presentSpecimen } from './presenters/index.js';
import { roomsForAlertChannel, roomsForUnitPath } from './realtime/unit-channels.js';
import { AlertDeliveryRepository } from './repositories/alert-delivery.repository.js';
import { IdentificationRequestRepository } from './repositories/identification-request.repository.js';
import { IdentificationRepository } from './repositories/identification.repository.js';
import { ReviewRepository } from './repositories/review.repository.js';
import { SettingsRepository } from './repositories/settings.repository.js';
import { SpecimenRepository } from './repositories/specimen.repository.js';
import { TaxonRepository } from './repositories/taxon.repository.js';
import { OrganisationRepository } from './repositories/organisation.repository.js';
import { decodeBudgetMetrics } from './http/decode-budget-metrics.js';
import { startAlertDelivery } from './services/alert-delivery-runtime.js';
import { startExports } from './services/export-runtime.js';
import { startRetraining } from './services/retrain-runtime.js';
import { startIdentificationRuntime } from './services/identification-runtime.js';
import { SurveillanceFilterResolver } from './services/surveillance-filters.js';
import { createTriageParts } from './services/review-runtime.js';
import { openJobQueues, startJobConsumers } from './services/jobs-runtime.js';
import { DecodeBudget } from './storage/decode-budget.js';
import { ImageIntake } from './storage/image-inspection.js';
import { ImageStore } from './storage/image-store.js';

/**
 * `npm run worker`: an inference worker process. It consumes identify jobs from BullMQ, reads the images from
 * storage, writes results to the database, and pushes `identification.completed` to the api processes' sockets
 * through the socket.io Redis adapter. It sends alert deliveries and writes exports too (every process that runs jobs runs them all),
 * in-app ones through the same Redis emitter. Run any number, on any machine that reaches Redis, the database and storage.
 */
const config = loadConfig();
const log = pino({ level: config.logLevel, base: { process: 'worker' } });
if (!config.redisUrl) {
  log.fatal('npm run worker needs REDIS_URL: without Redis, the api process identifies specimens itself (IDENTIFY_JOBS_IN_API)');
  process.exit(1);
}
const database = await openDatabase({ url: config.databaseUrl, embeddedDir: config.embeddedDatabaseDir, schema: config.databaseSchema });
await migrateToLatest(database.db);
// The results this worker writes name taxa: a worker that starts before any api process still finds them.
await new TaxonRepository(database.db).sync(taxonomy);
const identificationRequests = new IdentificationRequestRepository(database.db);
const identifications = new IdentificationRepository(database.db, identificationRequests);
const specimens = new SpecimenRepository(database.db, identifications, new ReviewRepository());
const store = new ImageStore(config.storageDir);
await store.init();
const decodes = new DecodeBudget(config.uploads.decodeBudget);
const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
redis.on('error', (error: Error) => log.warn({ err: error }, 'live push Redis connection problem'));
const emitter = new Emitter(redis);

const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'vectordesk_' });
decodeBudgetMetrics(registry, decodes);

const jobs = openJobQueues(config, log);
const runtime = await startIdentificationRuntime({
  config,
  jobs,
  identificationRequests,
  identifications,
  settings: new SettingsRepository(database.db),
  store,
  intake: new ImageIntake(config.uploads, decodes),
  triage: createTriageParts(database.db, new AlertDeliveryRepository(database.db)).triage,
  notify: async (specimenId) => {
    const specimen = await specimens.findInScope(specimenId, { all: true });
    if (specimen) emitter.to(roomsForUnitPath(specimen.unitPath)).emit('identification.completed', { specimen: presentSpecimen(specimen) });
  },
  log,
  poolMetrics: inferencePoolMetrics(registry),
});
identificationMetrics(registry, { queue: runtime.queue, identificationRequests, pool: () => runtime.pool });
if (!runtime.pool) {
  log.fatal(runtime.registry.readiness().detail);
  process.exit(1);
}
const alertDelivery = startAlertDelivery({
  config,
  db: database.db,
  jobs,
  pushInApp: (notice, channelUnitPath) => {
    const rooms = roomsForAlertChannel(notice.unitPath, channelUnitPath);
    if (rooms.length > 0) emitter.to(rooms).emit('alert.raised', { alert: presentAlertNotice(notice) });
  },
  log,
  onAttempt: alertDeliveryMetrics(registry),
});
const exports = startExports({
  config,
  db: database.db,
  jobs,
  filters: new SurveillanceFilterResolver(new TaxonRepository(database.db), new OrganisationRepository(database.db)),
  log,
});
const retraining = startRetraining(config, database.db, jobs, runtime.registry, log);
startJobConsumers(
  jobs,
  { identification: runtime.service, alertDelivery, exports: exports.service, retraining: retraining.service },
  config,
);
// Batch sizes and stage latencies are measured where inference runs: each worker serves its own /metrics.
const metricsServer =
  config.jobs.workerMetricsPort === undefined
    ? undefined
    : createServer((request, response) => {
        if (request.url !== '/metrics') {
          response.writeHead(404).end();
          return;
        }
        registry.metrics().then(
          (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text),
          (error: unknown) => response.writeHead(500).end(String(error)),
        );
      }).listen(config.jobs.workerMetricsPort, config.host);
log.info(
  { backends: describeBackends(config), models: runtime.pool.active(), metricsPort: config.jobs.workerMetricsPort ?? null },
  'inference worker consuming identify, alert-delivery and export jobs',
);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'worker shutting down: finishing active jobs');
    void (async () => {
      metricsServer?.close();
      alertDelivery.stopSweeping();
      await exports.stop();
      retraining.stop();
      await runtime.close();
      await jobs.close();
      redis.disconnect();
      await database.close();
      process.exit(0);
    })();
  });
}
