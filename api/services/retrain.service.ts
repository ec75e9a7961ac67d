import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import { readManifest } from '../../datasets/manifest.js';
import { readSnapshot, SNAPSHOT_FILES } from '../../datasets/snapshot.js';
import { retrain, type RetrainOutcome as RunOutcome, type RetrainProgress } from '../../inference/retrain/retrain.js';
import type { AppConfig } from '../config.js';
import type { RetrainOutcome, RetrainRequest } from '../contract/index.js';
import type { Actor } from '../domain/access.js';
import { conflict, forbidden, notFound, unprocessable } from '../domain/errors.js';
import type { RetrainPhase } from '../domain/vocabulary.js';
import type { JobHandler, JobPayloads, OutboxFeeder } from '../jobs/index.js';
import type { RetrainJobRecord, RetrainJobRepository } from '../repositories/retrain-job.repository.js';
import type { ModelRegistryService } from './model-registry.service.js';

/** How many retrain jobs the list shows. */
const LISTED_JOBS = 20;
/** Progress within a step (prepared images) is written at most this often: the page polls, it need not see each. */
const PROGRESS_INTERVAL_MS = 1000;
const DEFAULT_MARGIN = 0.02;

/** The trainer's phases are the job's: a rename on either side fails to compile here. */
const phaseOf = (phase: RetrainProgress['phase']): RetrainPhase => phase;

/**
 * Retraining a model from a dataset snapshot as a job (ADR 0032): an administrator's request is stored (the outbox)
 * and handed to the `retrain` queue; the job combines the snapshot with the base data, trains, evaluates the candidate
 * against the serving version on the same test split and registers it only if it passes the gate. It never activates.
 */
export class RetrainService {
  /** Aborted when the process shuts down: the trainer, a child process, must not outlive it. */
  private readonly shutdown = new AbortController();

  constructor(
    private readonly jobs: RetrainJobRepository,
    private readonly registry: ModelRegistryService,
    private readonly outbox: Pick<OutboxFeeder<JobPayloads['retrain']>, 'handOver'>,
    private readonly log: FastifyBaseLogger,
    private readonly config: Pick<AppConfig, 'modelsDir' | 'retrain' | 'datasets'>,
  ) {}

  async request(actor: Actor, model: string, request: RetrainRequest): Promise<RetrainJobRecord> {
    requireAdmin(actor);
    if (!(await this.registry.list()).some((listed) => listed.name === model)) throw notFound(`Model ${model}`);
    await this.snapshotManifest(request.snapshot);
    const { snapshot, margin = DEFAULT_MARGIN, ...rest } = request;
    const job = await this.jobs.create({ requestedBy: actor.id, model, snapshot, options: { margin, ...rest } });
    if (!job) throw conflict('retrain_running', 'Another retrain is queued or running; one runs at a time');
    await this.outbox.handOver([job.id]);
    return job;
  }

  list(actor: Actor): Promise<RetrainJobRecord[]> {
    requireAdmin(actor);
    return this.jobs.list(LISTED_JOBS);
  }

  async get(actor: Actor, id: string): Promise<RetrainJobRecord> {
    requireAdmin(actor);
    const job = await this.jobs.find(id);
    if (!job) throw notFound('Retrain job');
    return job;
  }

  /** Stops the retrain this process runs, if any, killing its trainer; called as the process shuts down. */
  stop(): void {
    this.shutdown.abort();
  }

  /** The `retrain` job's handler, for a process that consumes jobs. */
  jobHandler(): JobHandler<JobPayloads['retrain']> {
    return (job) => this.run(job.data.retrainJobId);
  }

  /**
   * Runs one retrain from the start (a job seen again after a crash runs afresh; one that ended is left alone). It is
   * not retried: a failure (bad data, no training environment) would fail again, and each try costs the machine minutes.
   */
  async run(id: string): Promise<void> {
    const job = await this.jobs.start(id);
    if (!job) return;
    const progress = this.progressWriter(id);
    try {
      const active = await this.registry.holdActive(job.model);
      if (!active) throw new Error(`no usable version of ${job.model} is serving to measure a new one against`);
      const outcome = await retrain({
        model: job.model,
        snapshots: [await this.snapshotManifest(job.snapshot)],
        base: this.config.retrain.baseManifests,
        modelsDir: this.config.modelsDir,
        workDir: path.join(this.config.retrain.workDir, job.id),
        python: this.config.retrain.python,
        script: this.config.retrain.trainer,
        against: `${job.model}@${active}`,
        margin: job.options.margin,
        size: job.options.size,
        backbone: job.options.backbone,
        maxEpochs: job.options.maxEpochs,
        onProgress: progress.report,
        signal: this.shutdown.signal,
      });
      // Pending progress writes first: one landing after the end is dropped, and the job would show an earlier phase.
      await progress.written();
      await this.jobs.finish(id, { status: outcome.registered ? 'registered' : 'rejected', outcome: presentOutcome(outcome), error: null });
      this.log.info({ retrainJob: id, candidate: outcome.candidate, passed: outcome.gate.passed }, 'retrain finished');
    } catch (error) {
      if (this.shutdown.signal.aborted) {
        // Left as it is, as after a crash: the next process to consume jobs runs it afresh.
        this.log.info({ retrainJob: id }, 'retrain stopped by the shutdown; it runs again on the next start');
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      await progress.written();
      await this.jobs.finish(id, { status: 'failed', outcome: null, error: message });
      this.log.warn({ retrainJob: id, err: error }, 'retrain failed');
    }
  }

  /**
   * The snapshot's manifest file; 404 when there is no such snapshot, 422 when its manifest is not a valid one or a
   * snapshot the service wrote no longer matches its hashes.
   */
  private async snapshotManifest(name: string): Promise<string> {
    const folder = path.join(this.config.datasets.snapshotsDir, name);
    const file = path.join(folder, SNAPSHOT_FILES.manifest);
    if (!(await isFile(file))) throw notFound(`Dataset snapshot ${name}`);
    try {
      const manifest = await readManifest(file);
      if (!manifest.splits) throw new Error('it has no splits');
      if (await isFile(path.join(folder, SNAPSHOT_FILES.summary))) await readSnapshot(folder);
    } catch (error) {
      throw unprocessable('snapshot_unusable', `Dataset snapshot ${name} cannot be trained on: ${(error as Error).message}`);
    }
    return file;
  }

  /**
   * Writes progress to the job's row at each new phase or epoch, and otherwise at most every PROGRESS_INTERVAL_MS, one
   * write after the other; `written` settles when the writes asked for so far are done.
   */
  private progressWriter(id: string): { report: (progress: RetrainProgress) => void; written: () => Promise<void> } {
    let lastWrite = 0;
    let lastStep = '';
    let writing = Promise.resolve();
    const report = ({ phase, progress, epoch, epochs }: RetrainProgress) => {
      const now = Date.now();
      const step = `${phase} ${epoch ?? ''}`;
      if (step === lastStep && now - lastWrite < PROGRESS_INTERVAL_MS) return;
      lastWrite = now;
      lastStep = step;
      const update = { phase: phaseOf(phase), progress, epoch: epoch ?? null, epochs: epochs ?? null };
      writing = writing
        .then(() => this.jobs.progress(id, update))
        .catch((error: unknown) => this.log.warn({ retrainJob: id, err: error }, 'could not record retrain progress'));
    };
    return { report, written: () => writing };
  }
}

function isFile(file: string): Promise<boolean> {
  return stat(file).then(
    (info) => info.isFile(),
    () => false,
  );
}

function requireAdmin(actor: Actor): void {
  if (actor.role !== 'admin') throw forbidden('Only administrators retrain models');
}

/** The outcome without the server's folders. */
function presentOutcome({ candidate, parent, snapshots, base, gate, registered }: RunOutcome): RetrainOutcome {
  return { candidate, parent, snapshots, base, gate, registered: registered !== null };
}
