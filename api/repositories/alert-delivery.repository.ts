import { sql, type Transaction } from 'kysely';
import type { Db } from '../db/database.js';
import type { Database } from '../db/schema.js';
import type { DeliveryAttempt, DeliveryRecord, OutgoingAlert } from '../domain/alert-channel.js';
import type { DeliveryStatus } from '../domain/vocabulary.js';
import { unitRefs } from './review.repository.js';

/**
 * Alert deliveries (`alert_deliveries`): one per alert and channel, the outbox the `alert-delivery` job queue is fed
 * from; each attempt at sending one is kept in `alert_delivery_attempts`.
 */
export class AlertDeliveryRepository {
  constructor(private readonly db: Db) {}

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
  async pendingToEnqueue(staleBefore: Date, limit: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('alert_deliveries')
      .select('id')
      .where('status', '=', 'pending')
      .where((eb) => eb.or([eb('enqueued_at', 'is', null), eb('enqueued_at', '<', staleBefore)]))
      .orderBy('created_at')
      .limit(limit)
      .execute();
    return rows.map((row) => row.id);
  }

  async markEnqueued(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.db.updateTable('alert_deliveries').set({ enqueued_at: new Date() }).where('id', 'in', ids).execute();
  }

  async find(id: string): Promise<DeliveryRecord | undefined> {
    const row = await this.db
      .selectFrom('alert_deliveries')
      .select(['id', 'alert_id', 'channel_id', 'status', 'attempts'])
      .where('id', '=', id)
      .executeTakeFirst();
    return row && { id: row.id, alertId: row.alert_id, channelId: row.channel_id, status: row.status, attempts: row.attempts };
  }

  /** What goes out about the alert. Unscoped: delivery jobs send to whoever the alert's channels name. */
  async outgoingAlert(alertId: string): Promise<OutgoingAlert | undefined> {
    const row = await this.db
      .selectFrom('alerts')
      .innerJoin('taxa', 'taxa.id', 'alerts.taxon_id')
      .innerJoin('ports', 'ports.id', 'alerts.port_id')
      .innerJoin('units', 'units.id', 'alerts.unit_id')
      .select([
        'alerts.id',
        'alerts.status',
        'alerts.reasons',
        'alerts.specimen_id',
        'alerts.detection_id',
        'alerts.unit_id',
        'alerts.responsible_unit_id',
        'alerts.created_at',
        'units.path as unit_path',
        'taxa.id as taxon_id',
        'taxa.name_zh as taxon_name_zh',
        'taxa.name_en as taxon_name_en',
        'ports.id as port_id',
        'ports.code as port_code',
        'ports.name_zh as port_name_zh',
        'ports.name_en as port_name_en',
        'ports.type as port_type',
      ])
      .where('alerts.id', '=', alertId)
      .executeTakeFirst();
    if (!row) return undefined;
    const units = await unitRefs(this.db, [row.unit_id, row.responsible_unit_id]);
    return {
      notice: {
        alertId: row.id,
        status: row.status,
        reasons: row.reasons,
        taxon: { id: row.taxon_id, nameZh: row.taxon_name_zh, nameEn: row.taxon_name_en },
        port: { id: row.port_id, code: row.port_code, nameZh: row.port_name_zh, nameEn: row.port_name_en, type: row.port_type },
        specimenId: row.specimen_id,
        unitPath: row.unit_path,
        createdAt: row.created_at,
      },
      detectionId: row.detection_id,
      unit: units.get(row.unit_id)!,
      responsibleUnit: units.get(row.responsible_unit_id)!,
    };
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
