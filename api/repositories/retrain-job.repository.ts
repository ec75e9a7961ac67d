import type { Selectable } from 'kysely';
import type { RetrainOptions, RetrainOutcome } from '../contract/models.js';
import type { Db } from '../db/database.js';
import type { RetrainJobsTable } from '../db/schema.js';
import type { RetrainPhase, RetrainStatus } from '../domain/vocabulary.js';
import { recordAudit } from './audit.repository.js';
import { outboxRows } from './outbox-rows.js';

export interface RetrainJobRecord {
  id: string;
  requestedBy: string;
  model: string;
  snapshot: string;
  options: RetrainOptions;
  status: RetrainStatus;
  phase: RetrainPhase | null;
  progress: number;
  epoch: number | null;
  epochs: number | null;
  outcome: RetrainOutcome | null;
  error: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export type NewRetrainJob = Pick<RetrainJobRecord, 'requestedBy' | 'model' | 'snapshot' | 'options'>;
export type RetrainProgressUpdate = Pick<RetrainJobRecord, 'phase' | 'progress' | 'epoch' | 'epochs'>;

/** Retrain jobs (`retrain_jobs`, ADR 0032): the outbox of the `retrain` queue and each run's progress and outcome. */
export class RetrainJobRepository {
  private readonly outbox: ReturnType<typeof outboxRows>;

  constructor(private readonly db: Db) {
    // A running job is pending too: one whose process died is handed over again and run afresh.
    this.outbox = outboxRows(db, 'retrain_jobs', ['queued', 'running']);
  }

  /** The new job, audited as its requester's; undefined when another is queued or running (the partial unique index). */
  async create(job: NewRetrainJob): Promise<RetrainJobRecord | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('retrain_jobs')
        .values({ requested_by: job.requestedBy, model_name: job.model, snapshot: job.snapshot, options: JSON.stringify(job.options) })
        .onConflict((oc) => oc.doNothing())
        .returningAll()
        .executeTakeFirst();
      if (!row) return undefined;
      await recordAudit(trx, {
        userId: job.requestedBy,
        action: 'model.retrain_requested',
        entityType: 'model',
        entityId: job.model,
        before: null,
        after: { job: row.id, snapshot: job.snapshot, ...job.options },
      });
      return recordOf(row);
    });
  }

  async find(id: string): Promise<RetrainJobRecord | undefined> {
    const row = await this.db.selectFrom('retrain_jobs').selectAll().where('id', '=', id).executeTakeFirst();
    return row && recordOf(row);
  }

  async list(limit: number): Promise<RetrainJobRecord[]> {
    const rows = await this.db
      .selectFrom('retrain_jobs')
      .selectAll()
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map(recordOf);
  }

  pendingToEnqueue(staleBefore: Date, limit: number): Promise<string[]> {
    return this.outbox.pendingToEnqueue(staleBefore, limit);
  }

  markEnqueued(ids: string[]): Promise<void> {
    return this.outbox.markEnqueued(ids);
  }

  /** Starts (or, after a crash, restarts) a job: `running`, progress reset. Undefined when it has ended already. */
  async start(id: string): Promise<RetrainJobRecord | undefined> {
    const row = await this.db
      .updateTable('retrain_jobs')
      .set({ status: 'running', started_at: new Date(), phase: null, progress: 0, epoch: null, epochs: null, error: null })
      .where('id', '=', id)
      .where('status', 'in', ['queued', 'running'])
      .returningAll()
      .executeTakeFirst();
    return row && recordOf(row);
  }

  async progress(id: string, update: RetrainProgressUpdate): Promise<void> {
    await this.db.updateTable('retrain_jobs').set(update).where('id', '=', id).where('status', '=', 'running').execute();
  }

  /** Ends a running job (`registered`, `rejected` or `failed`) and audits the outcome as its requester's. */
  async finish(
    id: string,
    end: { status: Exclude<RetrainStatus, 'queued' | 'running'>; outcome: RetrainOutcome | null; error: string | null },
  ) {
    await this.db.transaction().execute(async (trx) => {
      const row = await trx
        .updateTable('retrain_jobs')
        .set({
          status: end.status,
          outcome: end.outcome && JSON.stringify(end.outcome),
          error: end.error,
          finished_at: new Date(),
          // A failed job keeps the progress it had reached: where it stopped.
          ...(end.status === 'failed' ? {} : { progress: 1 }),
        })
        .where('id', '=', id)
        .where('status', 'in', ['queued', 'running'])
        .returning(['requested_by', 'model_name'])
        .executeTakeFirst();
      if (!row) return;
      await recordAudit(trx, {
        userId: row.requested_by,
        action: `model.retrain_${end.status}`,
        entityType: 'model',
        entityId: row.model_name,
        before: null,
        after: { job: id, candidate: end.outcome?.candidate ?? null, parent: end.outcome?.parent ?? null, error: end.error },
      });
    });
  }
}

function recordOf(row: Selectable<RetrainJobsTable>): RetrainJobRecord {
  return {
    id: row.id,
    requestedBy: row.requested_by,
    model: row.model_name,
    snapshot: row.snapshot,
    options: row.options,
    status: row.status,
    phase: row.phase,
    progress: row.progress,
    epoch: row.epoch,
    epochs: row.epochs,
    outcome: row.outcome,
    error: row.error,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}
