import type { FastifyBaseLogger } from 'fastify';
import { InferencePool, type PoolMetrics } from '../../inference/inference-pool.js';
import { createJobQueue } from '../../inference/jobs/index.js';
import type { JobQueue } from '../../inference/jobs/job-queue.js';
import type { AppConfig } from '../config.js';
import type { IdentificationRepository } from '../repositories/identification.repository.js';
import type { SettingsRepository } from '../repositories/settings.repository.js';
import type { ImageStore } from '../storage/image-store.js';
import { IdentificationService, type IdentifyJob } from './identification.service.js';
import { ModelRegistryService } from './model-registry.service.js';

export const IDENTIFY_QUEUE = 'identify';

export interface IdentificationRuntime {
  service: IdentificationService;
  registry: ModelRegistryService;
  queue: JobQueue<IdentifyJob>;
  pool: InferencePool | null;
  close(): Promise<void>;
}

export interface IdentificationRuntimeOptions {
  config: AppConfig;
  identifications: IdentificationRepository;
  settings: SettingsRepository;
  store: ImageStore;
  /** Tells the people in scope that a specimen's identification finished. */
  notify: (specimenId: string) => Promise<void>;
  log: FastifyBaseLogger;
  /** Consume identify jobs in this process (api: `IDENTIFY_JOBS_IN_API`; `npm run worker`: always). */
  consume: boolean;
  poolMetrics?: PoolMetrics | undefined;
}

/**
 * The identification half of a process, the same for the api and `npm run worker`: the job queue (BullMQ with
 * Redis, else in-process), the model registry, the inference pool serving the chosen versions, and the service.
 * Unusable model packages are reported, not fatal: the process keeps serving everything else.
 */
export async function startIdentificationRuntime(options: IdentificationRuntimeOptions): Promise<IdentificationRuntime> {
  const { config, log } = options;
  const queue = createJobQueue<IdentifyJob>(IDENTIFY_QUEUE, {
    redisUrl: config.redisUrl,
    prefix: config.jobs.queuePrefix,
    attempts: config.jobs.attempts,
    onError: (error) => log.warn({ err: error }, 'identify queue connection problem'),
  });
  const registry = new ModelRegistryService(config.modelsDir, options.settings, log);
  const { active, shadow } = await registry.initialVersions();
  let pool: InferencePool | null = null;
  try {
    pool = await InferencePool.start({
      modelsDir: config.modelsDir,
      threads: config.inference.threads,
      intraOpNumThreads: config.inference.intraOpThreads,
      maxBatchImages: config.inference.maxBatchImages,
      maxDelayMs: config.inference.maxDelayMs,
      maxQueuedImages: config.inference.maxQueuedImages,
      active,
      metrics: options.poolMetrics,
    });
    for (const [name, version] of Object.entries(shadow)) await pool.setShadow(name, version);
    registry.attach(pool);
    registry.startSync(config.jobs.modelSyncIntervalMs);
  } catch (error) {
    log.error({ err: error, modelsDir: config.modelsDir }, 'no inference: the models could not be loaded; identification waits until they can');
  }

  const service = new IdentificationService(options.identifications, options.store, queue, pool, options.notify, log, {
    requeueAfterMs: config.jobs.requeueAfterMs,
    attempts: config.jobs.attempts,
  });
  if (pool && options.consume) service.consume(config.jobs.concurrency);
  service.startSweeping(config.jobs.sweepIntervalMs);

  return {
    service,
    registry,
    queue,
    pool,
    async close() {
      service.stopSweeping();
      registry.stopSync();
      await queue.close();
      await pool?.close();
    },
  };
}
