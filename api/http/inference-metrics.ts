import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { InferencePool, PoolMetrics } from '../../inference/inference-pool.js';
import type { JobQueue } from '../jobs/index.js';
import type { IdentificationRequestRepository } from '../repositories/identification-request.repository.js';

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** Pool hooks that feed the batch and latency histograms; create before the pool starts. */
export function inferencePoolMetrics(registry: Registry): PoolMetrics {
  const batchSize = new Histogram({
    name: 'vectordesk_inference_batch_images',
    help: 'Images per inference batch',
    labelNames: ['model'] as const,
    buckets: [1, 2, 4, 8, 16, 32, 64],
    registers: [registry],
  });
  const stage = new Histogram({
    name: 'vectordesk_inference_stage_seconds',
    help: 'Time per inference batch by stage (preprocess: decode/resize/normalise; inference: onnxruntime)',
    labelNames: ['stage', 'model'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const queued = new Gauge({
    name: 'vectordesk_inference_queued_images',
    help: 'Images waiting for an inference thread',
    registers: [registry],
  });
  return {
    batch(images, preprocessMs, inferenceMs, model) {
      batchSize.observe({ model }, images);
      stage.observe({ stage: 'preprocess', model }, preprocessMs / 1000);
      stage.observe({ stage: 'inference', model }, inferenceMs / 1000);
    },
    queued(images) {
      queued.set(images);
    },
  };
}

/** Queue depth, identify requests by status, the oldest pending request's age, job outcomes, consuming workers and the model versions served. */
export function identificationMetrics(
  registry: Registry,
  sources: { queue: JobQueue<unknown>; identificationRequests: IdentificationRequestRepository; pool: () => InferencePool | null },
): void {
  const { queue, identificationRequests, pool } = sources;
  new Gauge({
    name: 'vectordesk_identify_queue_jobs',
    help: 'Identify jobs in the queue by state',
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      const counts = await queue.counts().catch(() => undefined);
      if (counts) for (const [state, value] of Object.entries(counts)) this.set({ state }, value);
    },
  });
  new Gauge({
    name: 'vectordesk_identification_requests',
    help: 'Specimen identification requests by status (all processes, from the database)',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      for (const [status, value] of Object.entries(await identificationRequests.requestCounts())) this.set({ status }, value);
    },
  });
  new Gauge({
    name: 'vectordesk_identification_pending_oldest_seconds',
    help: 'Age of the oldest pending identification request (0 when none is pending): a lost queue shows here as a growing age',
    registers: [registry],
    async collect() {
      const oldest = await identificationRequests.oldestPendingRequestedAt();
      this.set(oldest ? Math.max(0, (Date.now() - oldest.getTime()) / 1000) : 0);
    },
  });
  new Gauge({
    name: 'vectordesk_identify_workers',
    help: 'Processes consuming identify jobs',
    registers: [registry],
    async collect() {
      this.set(await queue.workerCount().catch(() => 0));
    },
  });
  new Gauge({
    name: 'vectordesk_model_active',
    help: 'Model versions served by this process (1 = active, 2 = shadow)',
    labelNames: ['name', 'version'] as const,
    registers: [registry],
    collect() {
      this.reset();
      const current = pool();
      if (!current) return;
      for (const [name, version] of Object.entries(current.active())) this.set({ name, version }, 1);
      for (const [name, version] of Object.entries(current.shadow())) this.set({ name, version }, 2);
    },
  });
  const jobs = new Counter({
    name: 'vectordesk_identify_jobs_total',
    help: 'Identify job attempts run by this process, by outcome',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  queue.onEvent((event) => jobs.inc({ outcome: event.type }));
}
