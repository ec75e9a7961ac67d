import type { Transaction } from 'kysely';
import type { Db } from '../db/database.js';
import type { Database } from '../db/schema.js';
import type { Scope } from '../domain/access.js';
import { noticeOf, type AlertDeliveryRecord, type AlertNoticeRecord, type AlertRecord } from '../domain/alert.js';
import type { AlertReason, AlertStatus } from '../domain/vocabulary.js';
import { recordAudit } from './audit.repository.js';
import { unitInScope } from './scope-filter.js';
import { TAXON_COLUMNS, taxonRecord } from './taxon-rows.js';
import { unitOf } from './unit-columns.js';

type Executor = Db | Transaction<Database>;

export interface NewAlert {
  detectionId: string;
  specimenId: string;
  taxonId: string;
  portId: string;
  unitId: string;
  responsibleUnitId: string;
  reasons: AlertReason[];
}

/** What an action on an alert writes besides its status. */
export type AlertChange =
  { status: 'acknowledged'; by: string } | { status: 'confirmed'; by: string } | { status: 'dismissed'; by: string; reason: string };

/** The alerts first and watch-list detections open, and their state. */
export class AlertRepository {
  constructor(private readonly db: Db) {}

  async create(trx: Transaction<Database>, alert: NewAlert): Promise<string> {
    const { id } = await trx
      .insertInto('alerts')
      .values({
        detection_id: alert.detectionId,
        specimen_id: alert.specimenId,
        taxon_id: alert.taxonId,
        port_id: alert.portId,
        unit_id: alert.unitId,
        responsible_unit_id: alert.responsibleUnitId,
        reasons: JSON.stringify(alert.reasons),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return id;
  }

  async findInScope(id: string, scope: Scope, executor: Executor = this.db): Promise<AlertRecord | undefined> {
    const [alert] = await this.select(executor, scope, (query) => query.where('alerts.id', '=', id));
    return alert;
  }

  /** Open first, then acknowledged, then the rest; newest first within each. */
  async listInScope(scope: Scope, status: AlertStatus | undefined, page: { limit: number; offset: number }) {
    const filter = (query: AlertQuery) => (status ? query.where('alerts.status', '=', status) : query);
    const { total } = await filter(this.baseQuery(this.db, scope))
      .select((eb) => eb.fn.countAll<number>().as('total'))
      .executeTakeFirstOrThrow();
    const items = await this.select(this.db, scope, (query) =>
      filter(query)
        .orderBy((eb) =>
          eb.case().when('alerts.status', '=', 'open').then(0).when('alerts.status', '=', 'acknowledged').then(1).else(2).end(),
        )
        .orderBy('alerts.created_at', 'desc')
        .orderBy('alerts.id')
        .limit(page.limit)
        .offset(page.offset),
    );
    return { items, total: Number(total) };
  }

  /**
   * Moves an alert from one of `from` to the change's status and records it, in one transaction. Undefined when the
   * alert is no longer in one of those states (someone else acted first).
   */
  async change(id: string, from: readonly AlertStatus[], change: AlertChange): Promise<AlertRecord | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const before = await trx.selectFrom('alerts').select(['status']).where('id', '=', id).forUpdate().executeTakeFirst();
      if (!before || !from.includes(before.status)) return undefined;
      const now = new Date();
      const fields =
        change.status === 'acknowledged'
          ? { acknowledged_by: change.by, acknowledged_at: now }
          : change.status === 'confirmed'
            ? { confirmed_by: change.by, confirmed_at: now }
            : { dismissed_by: change.by, dismissed_at: now, dismiss_reason: change.reason };
      await trx
        .updateTable('alerts')
        .set({ status: change.status, ...fields })
        .where('id', '=', id)
        .execute();
      await recordAudit(trx, {
        userId: change.by,
        action: `alert.${change.status}`,
        entityType: 'alert',
        entityId: id,
        before: { status: before.status },
        after: { status: change.status, ...(change.status === 'dismissed' ? { reason: change.reason } : {}) },
      });
      return this.findInScope(id, { all: true }, trx);
    });
  }

  /** Each alert's deliveries, one per channel, by alert id. */
  async deliveriesOf(alertIds: readonly string[]): Promise<Map<string, AlertDeliveryRecord[]>> {
    const result = new Map<string, AlertDeliveryRecord[]>();
    if (alertIds.length === 0) return result;
    const rows = await this.db
      .selectFrom('alert_deliveries')
      .innerJoin('alert_channels', 'alert_channels.id', 'alert_deliveries.channel_id')
      .selectAll('alert_deliveries')
      .select(['alert_channels.name as channel_name', 'alert_channels.kind as channel_kind'])
      .where('alert_deliveries.alert_id', 'in', [...alertIds])
      .orderBy('alert_deliveries.created_at')
      .orderBy('alert_deliveries.id')
      .execute();
    for (const row of rows) {
      const list = result.get(row.alert_id) ?? [];
      list.push({
        id: row.id,
        channel: { id: row.channel_id, name: row.channel_name, kind: row.channel_kind },
        status: row.status,
        attempts: row.attempts,
        lastAttemptAt: row.last_attempt_at,
        lastStatusCode: row.last_status_code,
        lastError: row.last_error,
        deliveredAt: row.delivered_at,
      });
      result.set(row.alert_id, list);
    }
    return result;
  }

  /** What is pushed about an alert (`alert.changed`, an in-app channel's notice). */
  async notice(id: string, executor: Executor = this.db): Promise<AlertNoticeRecord | undefined> {
    const alert = await this.findInScope(id, { all: true }, executor);
    return alert && noticeOf(alert);
  }

  private baseQuery(executor: Executor, scope: Scope) {
    return executor
      .selectFrom('alerts')
      .innerJoin('taxa', 'taxa.id', 'alerts.taxon_id')
      .innerJoin('ports', 'ports.id', 'alerts.port_id')
      .innerJoin('specimens', 'specimens.id', 'alerts.specimen_id')
      .innerJoin('units as unit', 'unit.id', 'alerts.unit_id')
      .innerJoin('units as responsible', 'responsible.id', 'alerts.responsible_unit_id')
      .leftJoin('users as acknowledger', 'acknowledger.id', 'alerts.acknowledged_by')
      .leftJoin('users as confirmer', 'confirmer.id', 'alerts.confirmed_by')
      .leftJoin('users as dismisser', 'dismisser.id', 'alerts.dismissed_by')
      .where((eb) => unitInScope(eb, eb.ref('alerts.unit_id'), scope));
  }

  private async select(executor: Executor, scope: Scope, refine: (query: AlertQuery) => AlertQuery): Promise<AlertRecord[]> {
    const rows = await refine(this.baseQuery(executor, scope))
      .selectAll('alerts')
      .select(TAXON_COLUMNS)
      .select([
        'specimens.collected_at',
        'ports.code as port_code',
        'ports.name_zh as port_name_zh',
        'ports.name_en as port_name_en',
        'ports.type as port_type',
        'unit.code as unit_code',
        'unit.level as unit_level',
        'unit.name_zh as unit_name_zh',
        'unit.name_en as unit_name_en',
        'unit.path as unit_path',
        'responsible.code as responsible_code',
        'responsible.level as responsible_level',
        'responsible.name_zh as responsible_name_zh',
        'responsible.name_en as responsible_name_en',
        'responsible.path as responsible_path',
        'acknowledger.username as acknowledger_username',
        'acknowledger.display_name as acknowledger_display_name',
        'confirmer.username as confirmer_username',
        'confirmer.display_name as confirmer_display_name',
        'dismisser.username as dismisser_username',
        'dismisser.display_name as dismisser_display_name',
      ])
      .execute();
    const person = (id: string | null, username: string | null, displayName: string | null) =>
      id && username && displayName ? { id, username, displayName } : null;
    return rows.map((row) => ({
      id: row.id,
      status: row.status,
      reasons: row.reasons,
      taxon: taxonRecord(row),
      port: { id: row.port_id, code: row.port_code, nameZh: row.port_name_zh, nameEn: row.port_name_en, type: row.port_type },
      specimenId: row.specimen_id,
      detectionId: row.detection_id,
      unit: unitOf(row),
      responsibleUnit: {
        id: row.responsible_unit_id,
        code: row.responsible_code,
        level: row.responsible_level,
        nameZh: row.responsible_name_zh,
        nameEn: row.responsible_name_en,
        path: row.responsible_path,
      },
      collectedAt: row.collected_at,
      createdAt: row.created_at,
      acknowledgedBy: person(row.acknowledged_by, row.acknowledger_username, row.acknowledger_display_name),
      acknowledgedAt: row.acknowledged_at,
      confirmedBy: person(row.confirmed_by, row.confirmer_username, row.confirmer_display_name),
      confirmedAt: row.confirmed_at,
      dismissedBy: person(row.dismissed_by, row.dismisser_username, row.dismisser_display_name),
      dismissedAt: row.dismissed_at,
      dismissReason: row.dismiss_reason,
    }));
  }
}

type AlertQuery = ReturnType<AlertRepository['baseQuery']>;
