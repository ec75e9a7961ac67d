import type { Db } from '../db/database.js';
import type { DeliveryStatus, ExportStatus, RetrainStatus } from '../domain/vocabulary.js';

/** The tables whose rows are the outbox of a job queue: keyed by `id`, handed to the queue at `enqueued_at`. */
type OutboxTable = 'alert_deliveries' | 'exports' | 'retrain_jobs';

/**
 * The database's half of an outbox (`Outbox` in api/jobs) over `table`: rows in one of the `pending` statuses never
 * handed to the queue, or handed over before `staleBefore`, oldest first; and marking rows handed over.
 */
export function outboxRows(db: Db, table: OutboxTable, pending: readonly (DeliveryStatus | ExportStatus | RetrainStatus)[]) {
  return {
    async pendingToEnqueue(staleBefore: Date, limit: number): Promise<string[]> {
      const rows = await db
        .selectFrom(table)
        .select('id')
        .where('status', 'in', pending)
        .where((eb) => eb.or([eb('enqueued_at', 'is', null), eb('enqueued_at', '<', staleBefore)]))
        .orderBy('created_at')
        .limit(limit)
        .execute();
      return rows.map((row) => row.id);
    },

    async markEnqueued(ids: string[]): Promise<void> {
      if (ids.length === 0) return;
      await db.updateTable(table).set({ enqueued_at: new Date() }).where('id', 'in', ids).execute();
    },
  };
}
