import type { FastifyBaseLogger } from 'fastify';
import { InferencePool, type PoolMetrics } from '../../inference/inference-pool.js';
import type { AppConfig } from '../config.js';
import type { JobPayloads, JobQueue, JobQueues } from '../jobs/index.js';
import type { IdentificationRequestRepository } from '../repositories/identification-request.repository.js';
import type { IdentificationRepository } from '../repositories/identification.repository.js';
import type { SettingsRepository } from '../repositories/settings.repository.js';
import type { ImageIntake } from '../storage/image-inspection.js';
import type { ImageStore } from '../storage/image-store.js';
import { IdentificationService, type IdentifiedSpecimenTriage } from './identification.service.js';
import { ModelRegistryService } from './model-registry.service.js';

export interface IdentificationRuntime {
  service: IdentificationService;
  registry: ModelRegistryService;
  queue: JobQueue<JobPayloads['identify']>;
  pool: InferencePool | null;
  close(): Promise<void>;
}

export interface IdentificationRuntimeOptions {
  config: AppConfig;
  /** The process's job queues: identification adds to `identify`. */
  jobs: JobQueues;
  identificationRequests: IdentificationRequestRepository;
  identifications: IdentificationRepository;
  settings: SettingsRepository;
  store: ImageStore;
  /** Upload checks and the process's decode budget, which identify jobs respect too. */
  intake: ImageIntake;
  /** Routes each identified specimen to its queue, in the transaction that stores the identification. */
  triage: IdentifiedSpecimenTriage;
  /** Tells the people in scope that a specimen's identification finished. */
  notify: (specimenId: string) => Promise<void>;
  log: FastifyBaseLogger;
  poolMetrics?: PoolMetrics | undefined;
}

/**
 * The identification half of a process, the same for the api and `npm run worker`: the model registry, the inference
 * pool serving the chosen versions, and the service feeding the `identify` queue from the outbox. Whether this process
 * also runs identify jobs is the process's choice (`startJobConsumers`). Unusable model packages are reported, not
 * fatal: the process keeps serving everything else.
 */
export async function startIdentificationRuntime(options: IdentificationRuntimeOptions): Promise<IdentificationRuntime> {
  const { config, log } = options;
  const queue = options.jobs.queue('identify');
  const registry = new ModelRegistryService(config.modelsDir, options.settings, log);
  const { active, shadow } = await registry.initialVersions();
  let pool: InferencePool | null = null;
  try {
    pool = await InferencePool.start({
      modelsDir: config.modelsDir,
      threads: config.inference.threads,
      intraOpNumThreads: config.inference.intraOpThreads,
      niceness: config.inference.niceness,
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
    log.error(
      { err: error, modelsDir: config.modelsDir },
      'no inference: the models could not be loaded; identification waits until they can',
    );
  }

  const service = new IdentificationService(
    options.identificationRequests,
    options.identifications,
    options.store,
    queue,
    pool,
    options.triage,
    options.notify,
    log,
    {
      requeueAfterMs: config.jobs.requeueAfterMs,
      attempts: config.jobs.attempts,
      intake: options.intake,
    },
  );
  service.startSweeping(config.jobs.sweepIntervalMs);

  return {
    service,
    registry,
    queue,
    pool,
    async close() {
      service.stopSweeping();
      registry.stopSync();
      // Identify jobs still running need the pool: they finish (or are given up) before it closes.
      await queue.close();
      await pool?.close();
    },
  };
}
