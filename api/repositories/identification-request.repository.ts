import { sql, type Transaction } from 'kysely';
import type { Db } from '../db/database.js';
import type { Database } from '../db/schema.js';
import type { SpecimenIdentification } from '../domain/identification.js';

/** The images an identify job reads, in position order. */
export interface JobImage {
  imageId: string;
  sha256: string;
}

/**
 * Locks a specimen's row (`for update`) as the first step of a transaction that stores an identify job's outcome.
 * Triage then locks the same row the same way; rows inserted before that (answers, whose foreign keys take a weaker
 * share lock on it) would let two outcomes for one specimen, or an outcome and a review, each hold the weak lock while
 * waiting for the strong one: a deadlock. Taking the strong lock first makes them queue instead.
 */
export async function lockSpecimenRow(trx: Transaction<Database>, specimenId: string): Promise<void> {
  await trx.selectFrom('specimens').select('id').where('id', '=', specimenId).forUpdate().execute();
}

/**
 * The identification requests (`identification_requests`), one per specimen: the outbox the `identify` job queue is fed
 * from, and each request's status — pending until its run is stored or it fails.
 */
export class IdentificationRequestRepository {
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

  /**
   * The images the specimen's request was made for: those committed with it. Images added to the specimen later
   * (`POST /api/v1/specimens/:id/images`: an annotated still, say) are never identified, even by a job still pending.
   */
  async jobImages(specimenId: string): Promise<JobImage[]> {
    return (
      this.db
        .selectFrom('specimen_images')
        .innerJoin('identification_requests', 'identification_requests.specimen_id', 'specimen_images.specimen_id')
        .select(['specimen_images.id as imageId', 'specimen_images.blob_sha256 as sha256'])
        .where('specimen_images.specimen_id', '=', specimenId)
        // Rows of one transaction share its now(): the specimen's first images and its request.
        .whereRef('specimen_images.created_at', '<=', 'identification_requests.requested_at')
        .orderBy('specimen_images.position')
        .execute()
    );
  }

  async requestStatus(specimenId: string): Promise<SpecimenIdentification['status'] | undefined> {
    const row = await this.db
      .selectFrom('identification_requests')
      .select('status')
      .where('specimen_id', '=', specimenId)
      .executeTakeFirst();
    return row?.status;
  }

  /** Completes the request: called in the transaction that stores its run (`IdentificationRepository.recordRun`). */
  async markDone(trx: Transaction<Database>, specimenId: string): Promise<void> {
    await trx
      .updateTable('identification_requests')
      .set((eb) => ({ status: 'done', completed_at: new Date(), error: null, attempts: eb('attempts', '+', 1) }))
      .where('specimen_id', '=', specimenId)
      .execute();
  }

  /** No image of the specimen could be read (or the last retry failed): the request ends as `failed`. */
  /**
   * Counts a failed attempt; the last one (`final`) fails the request, and `onFailed` runs in the same transaction
   * (triage sends the specimen to an expert).
   */
  async recordFailure(
    specimenId: string,
    error: string,
    final: boolean,
    onFailed: (trx: Transaction<Database>) => Promise<void>,
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await lockSpecimenRow(trx, specimenId);
      await trx
        .updateTable('identification_requests')
        .set((eb) => ({
          attempts: eb('attempts', '+', 1),
          error,
          ...(final ? { status: 'failed' as const, completed_at: new Date() } : {}),
        }))
        .where('specimen_id', '=', specimenId)
        .execute();
      if (final) await onFailed(trx);
    });
  }

  /** Counts for `/metrics` and `/ready`: requests by status. */
  /** When the oldest request still pending was made; undefined when none is pending. */
  async oldestPendingRequestedAt(): Promise<Date | undefined> {
    const row = await this.db
      .selectFrom('identification_requests')
      .select((eb) => eb.fn.min('requested_at').as('oldest'))
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return row?.oldest ? new Date(row.oldest) : undefined;
  }

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
