import { sql, type Transaction } from 'kysely';
import type { Db } from '../db/database.js';
import type { Database } from '../db/schema.js';
import type { AiAnswer, ImageAnswer, IdentificationTimings, SpecimenIdentification } from '../domain/identification.js';

type Executor = Db | Transaction<Database>;

/** The images an identify job reads, in position order. */
export interface JobImage {
  imageId: string;
  sha256: string;
}

/** One finished AI run over a specimen, as the job handler records it. */
export interface AiRun {
  /** Every model version consulted, sorted and joined: with the specimen, what makes a run unique. */
  modelKey: string;
  answer: AiAnswer;
  timings: IdentificationTimings;
  images: ImageAnswer[];
  shadow?: { modelKey: string; answer: AiAnswer } | undefined;
}

export class IdentificationRepository {
  constructor(private readonly db: Db) {}

  /** Called inside the transaction that creates the specimen, so a committed specimen always has its request. */
  async createRequest(trx: Transaction<Database>, specimenId: string): Promise<void> {
    await trx.insertInto('identification_requests').values({ specimen_id: specimenId, status: 'pending' }).execute();
  }

  /** Pending requests never handed to the queue, or handed over longer ago than `staleBefore` (the outbox). */
  async pendingToEnqueue(staleBefore: Date, limit: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('identification_requests')
      .select('specimen_id')
      .where('status', '=', 'pending')
      .where((eb) => eb.or([eb('enqueued_at', 'is', null), eb('enqueued_at', '<', staleBefore)]))
      .orderBy('requested_at')
      .limit(limit)
      .execute();
    return rows.map((row) => row.specimen_id);
  }

  async markEnqueued(specimenIds: string[]): Promise<void> {
    if (specimenIds.length === 0) return;
    await this.db.updateTable('identification_requests').set({ enqueued_at: new Date() }).where('specimen_id', 'in', specimenIds).execute();
  }

  async jobImages(specimenId: string): Promise<JobImage[]> {
    return this.db
      .selectFrom('specimen_images')
      .select(['id as imageId', 'blob_sha256 as sha256'])
      .where('specimen_id', '=', specimenId)
      .orderBy('position')
      .execute();
  }

  async requestStatus(specimenId: string): Promise<SpecimenIdentification['status'] | undefined> {
    const row = await this.db.selectFrom('identification_requests').select('status').where('specimen_id', '=', specimenId).executeTakeFirst();
    return row?.status;
  }

  /**
   * Stores a run and completes the request, in one transaction. A run already stored for the same specimen and
   * model versions (a retried or duplicated job) adds nothing: returns false.
   */
  async recordRun(specimenId: string, run: AiRun): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const inserted = await insertAnswer(trx, specimenId, 'primary', run.modelKey, run.answer, run.timings, run.images);
      if (inserted) {
        for (const image of run.images) {
          const { imageId, ...result } = image;
          await trx.insertInto('image_identifications').values({ identification_id: inserted, specimen_image_id: imageId, result: JSON.stringify(result) }).execute();
        }
      }
      if (run.shadow) await insertAnswer(trx, specimenId, 'shadow', run.shadow.modelKey, run.shadow.answer, null, []);
      await trx
        .updateTable('identification_requests')
        .set((eb) => ({ status: 'done', completed_at: new Date(), error: null, attempts: eb('attempts', '+', 1) }))
        .where('specimen_id', '=', specimenId)
        .execute();
      return inserted !== undefined;
    });
  }

  /** No image of the specimen could be read (or the last retry failed): the request ends as `failed`. */
  async recordFailure(specimenId: string, error: string, final: boolean): Promise<void> {
    await this.db
      .updateTable('identification_requests')
      .set((eb) => ({ attempts: eb('attempts', '+', 1), error, ...(final ? { status: 'failed' as const, completed_at: new Date() } : {}) }))
      .where('specimen_id', '=', specimenId)
      .execute();
  }

  /** The request and latest primary AI answer of each specimen (for the specimen pages and the live push). */
  async identificationsOf(specimenIds: string[], executor: Executor = this.db): Promise<Map<string, SpecimenIdentification>> {
    const result = new Map<string, SpecimenIdentification>();
    if (specimenIds.length === 0) return result;
    const requests = await executor.selectFrom('identification_requests').selectAll().where('specimen_id', 'in', specimenIds).execute();
    const answers = await executor
      .selectFrom('identifications')
      .selectAll()
      .where('specimen_id', 'in', specimenIds)
      .where('source', '=', 'ai')
      .where('role', '=', 'primary')
      .orderBy('created_at', 'desc')
      .execute();
    const latest = new Map<string, (typeof answers)[number]>();
    for (const answer of answers) if (!latest.has(answer.specimen_id)) latest.set(answer.specimen_id, answer);
    const imageRows = latest.size
      ? await executor
          .selectFrom('image_identifications')
          .innerJoin('specimen_images', 'specimen_images.id', 'image_identifications.specimen_image_id')
          .select(['image_identifications.identification_id', 'image_identifications.specimen_image_id', 'image_identifications.result'])
          .where('image_identifications.identification_id', 'in', [...latest.values()].map((answer) => answer.id))
          .orderBy('specimen_images.position')
          .execute()
      : [];
    for (const request of requests) {
      const answer = latest.get(request.specimen_id);
      result.set(request.specimen_id, {
        status: request.status,
        requestedAt: request.requested_at,
        completedAt: request.completed_at,
        error: request.error,
        result: answer
          ? {
              group: answer.group,
              lifeStage: answer.life_stage,
              taxon: answer.taxon,
              confidence: answer.confidence ?? 0,
              rejected: answer.rejected,
              topK: answer.top_k,
              model: answer.model ?? '',
              models: (answer.model_key ?? '').split(',').filter(Boolean),
              timings: answer.timings as IdentificationTimings | null,
              images: imageRows
                .filter((row) => row.identification_id === answer.id)
                .map((row) => ({ imageId: row.specimen_image_id, ...row.result }) as ImageAnswer),
            }
          : null,
      });
    }
    return result;
  }

  /** Counts for `/metrics` and `/ready`: requests by status. */
  async requestCounts(): Promise<Record<SpecimenIdentification['status'], number>> {
    const rows = await this.db
      .selectFrom('identification_requests')
      .select(['status', sql<number>`count(*)`.as('n')])
      .groupBy('status')
      .execute();
    const counts = { pending: 0, done: 0, failed: 0 };
    for (const row of rows) counts[row.status] = Number(row.n);
    return counts;
  }
}

async function insertAnswer(
  trx: Transaction<Database>,
  specimenId: string,
  role: 'primary' | 'shadow',
  modelKey: string,
  answer: AiAnswer,
  timings: IdentificationTimings | null,
  images: ImageAnswer[],
): Promise<string | undefined> {
  const failed = images.flatMap((image) => ('error' in image ? [{ imageId: image.imageId, error: image.error }] : []));
  const row = await trx
    .insertInto('identifications')
    .values({
      specimen_id: specimenId,
      source: 'ai',
      role,
      model_key: modelKey,
      model: answer.model,
      group: answer.group,
      life_stage: answer.lifeStage,
      taxon: answer.taxon,
      confidence: answer.confidence,
      rejected: answer.rejected,
      top_k: JSON.stringify(answer.topK),
      timings: timings ? JSON.stringify(timings) : null,
      failed_images: JSON.stringify(failed),
    })
    .onConflict((oc) => oc.columns(['specimen_id', 'model_key', 'role']).where('source', '=', 'ai').doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id;
}
