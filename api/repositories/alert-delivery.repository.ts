import { sql, type Transaction } from 'kysely';
import type { Db } from '../db/database.js';
import type { Database } from '../db/schema.js';
import type { DeliveryAttempt, DeliveryRecord } from '../domain/alert-channel.js';
import type { DeliveryStatus } from '../domain/vocabulary.js';
import { outboxRows } from './outbox-rows.js';

/**
 * Alert deliveries (`alert_deliveries`): one per alert and channel, the outbox the `alert-delivery` job queue is fed
 * from; each attempt at sending one is kept in `alert_delivery_attempts`.
 */
export class AlertDeliveryRepository {
  private readonly outbox: ReturnType<typeof outboxRows>;

  constructor(private readonly db: Db) {
    this.outbox = outboxRows(db, 'alert_deliveries', ['pending']);
  }

  /**
   * One pending delivery per enabled channel whose unit is the specimen's unit or above it; returns their ids. Called
   * inside the transaction that creates the alert, so a committed alert always has its deliveries; hand the ids to
   * `AlertDeliveryService.enqueue` after the commit.
   */
  async createFor(trx: Transaction<Database>, alertId: string, specimenUnitId: string): Promise<string[]> {
    const rows = await trx
      .insertInto('alert_deliveries')
      .columns(['alert_id', 'channel_id'])
      .expression((eb) =>
        eb
          .selectFrom('alert_channels')
          .innerJoin('units as channel_unit', 'channel_unit.id', 'alert_channels.unit_id')
          .innerJoin('units as specimen_unit', (join) => join.on('specimen_unit.id', '=', specimenUnitId))
          .select([sql<string>`${alertId}::uuid`.as('alert_id'), 'alert_channels.id as channel_id'])
          .where('alert_channels.enabled', '=', true)
          .where(sql<boolean>`starts_with(specimen_unit.path, channel_unit.path)`),
      )
      .onConflict((oc) => oc.columns(['alert_id', 'channel_id']).doNothing())
      .returning('id')
      .execute();
    return rows.map((row) => row.id);
  }

  /** Pending deliveries never handed to the queue, or handed over before `staleBefore` (the outbox). */
  pendingToEnqueue(staleBefore: Date, limit: number): Promise<string[]> {
    return this.outbox.pendingToEnqueue(staleBefore, limit);
  }

  markEnqueued(ids: string[]): Promise<void> {
    return this.outbox.markEnqueued(ids);
  }

  async find(id: string): Promise<DeliveryRecord | undefined> {
    const row = await this.db
      .selectFrom('alert_deliveries')
      .select(['id', 'alert_id', 'channel_id', 'status', 'attempts'])
      .where('id', '=', id)
      .executeTakeFirst();
    return row && { id: row.id, alertId: row.alert_id, channelId: row.channel_id, status: row.status, attempts: row.attempts };
  }

  /**
   * Logs attempt number `attempt` and moves the delivery on: `delivered`, still `pending` (a retry follows) or `failed`.
   * Only a pending delivery moves; false when it no longer was (another process got there first).
   */
  async recordAttempt(id: string, attempt: number, outcome: DeliveryAttempt, status: DeliveryStatus): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const now = new Date();
      const updated = await trx
        .updateTable('alert_deliveries')
        .set({
          status,
          attempts: attempt,
          last_attempt_at: now,
          last_status_code: outcome.statusCode,
          last_error: outcome.error,
          ...(status === 'delivered' ? { delivered_at: now } : {}),
        })
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .executeTakeFirst();
      if (updated.numUpdatedRows === 0n) return false;
      await trx
        .insertInto('alert_delivery_attempts')
        .values({
          delivery_id: id,
          attempt,
          status_code: outcome.statusCode,
          error: outcome.error,
          duration_ms: Math.round(outcome.durationMs),
          response_excerpt: outcome.responseExcerpt,
        })
        .execute();
      return true;
    });
  }

  /** Ends a pending delivery as `failed` without an attempt (its channel was disabled before it went out). */
  async abandon(id: string, reason: string): Promise<void> {
    await this.db
      .updateTable('alert_deliveries')
      .set({ status: 'failed', last_error: reason })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .execute();
  }
}
