import { access } from 'node:fs/promises';
import type { FastifyBaseLogger } from 'fastify';
import type { Transaction } from 'kysely';
import type { InferencePool, PoolOutcome } from '../../inference/inference-pool.js';
import { PoolSaturatedError } from '../../inference/inference-pool.js';
import type { ImageAnswer } from '../domain/identification.js';
import type { Database } from '../db/schema.js';
import { AppError, serviceUnavailable } from '../domain/errors.js';
import { OutboxFeeder, type JobHandler, type JobPayloads, type JobQueue } from '../jobs/index.js';
import type { IdentificationRequestRepository } from '../repositories/identification-request.repository.js';
import type { AiRun, IdentificationRepository } from '../repositories/identification.repository.js';
import { sourceOf, type ImageFile, type ImageIntake, type QualityVerdict } from '../storage/image-inspection.js';
import type { ImageStore } from '../storage/image-store.js';

/** The inference engine as the api needs it: the worker-thread pool in production. */
export type IdentificationEngine = Pick<InferencePool, 'identify'>;

/** What happens to a specimen once its identification is stored or has failed: triage, in the same transaction. */
export interface IdentifiedSpecimenTriage {
  identified(trx: Transaction<Database>, specimenId: string, run: AiRun): Promise<void>;
  failed(trx: Transaction<Database>, specimenId: string, error: string): Promise<void>;
}

export interface IdentificationServiceOptions {
  /** How long a request may sit in the queue before the outbox sweep hands it over again. */
  requeueAfterMs: number;
  attempts: number;
  /** The intake checks of specimen upload, which `identifyUploads` applies too, and the decode budget jobs respect. */
  intake: ImageIntake;
}

/**
 * Automatic identification of submitted specimens. The request row is committed with the specimen (the outbox);
 * this service hands requests to the job queue, runs a job through the models, stores the result once per
 * specimen and model versions, and tells `notify` so the live channel can push it.
 */
export class IdentificationService {
  private readonly outbox: OutboxFeeder<JobPayloads['identify']>;

  constructor(
    private readonly requests: IdentificationRequestRepository,
    private readonly identifications: IdentificationRepository,
    private readonly store: ImageStore,
    queue: JobQueue<JobPayloads['identify']>,
    /** null while no model can be loaded: jobs are not consumed and `identifyUploads` answers 503. */
    private readonly engine: IdentificationEngine | null,
    private readonly triage: IdentifiedSpecimenTriage,
    private readonly notify: (specimenId: string) => Promise<void>,
    log: FastifyBaseLogger,
    private readonly options: IdentificationServiceOptions,
  ) {
    this.outbox = new OutboxFeeder(requests, queue, log, {
      what: 'identify',
      payloadOf: (specimenId) => ({ specimenId }),
      requeueAfterMs: options.requeueAfterMs,
    });
  }

  /** Hands a new request to the queue now; if that fails (Redis down), the sweep retries it later. */
  async requestCreated(specimenId: string): Promise<void> {
    await this.outbox.handOver([specimenId]);
  }

  /**
   * Re-enqueues pending requests that never reached the queue or were lost with it (restart, Redis data loss):
   * those never handed over, or handed over before `staleBefore`. Re-adding a job still queued is a no-op.
   */
  sweep(staleBefore?: Date): Promise<number> {
    return this.outbox.sweep(staleBefore);
  }

  /** Sweeps every pending request now, then every `intervalMs` those handed over longer than `requeueAfterMs` ago. */
  startSweeping(intervalMs: number): void {
    this.outbox.start(intervalMs);
  }

  stopSweeping(): void {
    this.outbox.stop();
  }

  /** The `identify` job's handler, for a process that consumes jobs. */
  jobHandler(): JobHandler<JobPayloads['identify']> {
    const engine = this.engine;
    if (!engine) throw new Error('cannot consume identify jobs without models');
    return (job) => this.runJob(engine, job.data.specimenId, job.attempt);
  }

  /**
   * One identify job. Idempotent: a request that is no longer pending is left alone, and a result already stored
   * for the same model versions is not stored twice. Throws on transient trouble, so the queue retries.
   */
  async runJob(engine: IdentificationEngine, specimenId: string, attempt: number): Promise<void> {
    const status = await this.requests.requestStatus(specimenId);
    if (status !== 'pending') return;
    const images = await this.requests.jobImages(specimenId);
    const paths = images.map((image) => this.store.originalPath(image.sha256));
    const stored = await Promise.all(
      paths.map((file) =>
        access(file).then(
          () => true,
          () => false,
        ),
      ),
    );
    const readable = images.flatMap((image, index) => (stored[index] ? [{ ...image, path: paths[index]! }] : []));
    const missing: ImageAnswer[] = images
      .filter((_, index) => !stored[index])
      .map((image) => ({ imageId: image.imageId, error: 'stored file missing' }));
    let outcome: PoolOutcome;
    try {
      if (readable.length === 0) {
        await this.fail(specimenId, 'stored files missing', true);
        await this.notify(specimenId);
        return;
      }
      const files = readable.map((image) => image.path);
      [outcome] = (await this.options.intake.whileDecoding(files, () => engine.identify([files]))) as [PoolOutcome];
    } catch (error) {
      const final = attempt >= this.options.attempts;
      await this.fail(specimenId, errorMessage(error), final);
      if (final) await this.notify(specimenId);
      throw error;
    }
    if ('error' in outcome) {
      // No image of the specimen could be read: retrying cannot help.
      await this.fail(specimenId, outcome.error, true);
    } else {
      const imageAnswers: ImageAnswer[] = [
        ...outcome.images.map((image): ImageAnswer => {
          const { imageId } = readable[image.index]!;
          return 'error' in image ? { imageId, error: image.error } : { imageId, ...image.identification };
        }),
        ...missing,
      ];
      const run: AiRun = {
        modelKey: modelKey(outcome.identification.models),
        answer: outcome.identification,
        timings: outcome.timings,
        images: imageAnswers,
        shadow:
          outcome.shadow && 'identification' in outcome.shadow
            ? { modelKey: modelKey(outcome.shadow.models), answer: outcome.shadow.identification }
            : undefined,
      };
      await this.identifications.recordRun(specimenId, run, (trx) => this.triage.identified(trx, specimenId, run));
    }
    await this.notify(specimenId);
  }

  private fail(specimenId: string, error: string, final: boolean): Promise<void> {
    return this.requests.recordFailure(specimenId, error, final, (trx) => this.triage.failed(trx, specimenId, error));
  }

  /**
   * `POST /api/v1/identify`: the same models on uploaded images, nothing stored; refused as specimen upload refuses
   * them. Answers the models' outcome and the quality gate's verdict on each image. The inference threads decode each
   * image once, for the intake's checks and for every model of the chain.
   */
  async identifyUploads(uploads: ImageFile[]): Promise<{ outcome: PoolOutcome; quality: QualityVerdict[] }> {
    const engine = this.engine;
    if (!engine) throw new AppError(503, 'models_unavailable', 'No identification model could be loaded; see /ready');
    return this.options.intake.inspectWhileDecoding(
      uploads,
      async () => {
        const outcome = await this.identifyNow(engine, uploads);
        return {
          result: outcome,
          measures: uploads.map((_, index) => {
            const image = outcome.images.find((candidate) => candidate.index === index);
            if (!image || 'error' in image) return new Error(image?.error ?? ('error' in outcome ? outcome.error : 'no answer'));
            return image.measures ?? new Error('the inference thread did not measure the image');
          }),
        };
      },
      async (images, outcome) => ({
        outcome,
        quality: images.map((image, index) => ({ index, filename: uploads[index]!.filename, problems: image.qualityWarnings })),
      }),
    );
  }

  private async identifyNow(engine: IdentificationEngine, uploads: ImageFile[]): Promise<PoolOutcome> {
    try {
      const [outcome] = (await engine.identify([uploads.map(sourceOf)], { measure: true })) as [PoolOutcome];
      return outcome;
    } catch (error) {
      if (error instanceof PoolSaturatedError)
        throw serviceUnavailable('inference_saturated', 'Identification is at capacity; retry shortly', error.retryAfterSeconds);
      throw error;
    }
  }
}

function modelKey(models: string[]): string {
  return [...models].sort().join(',');
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
