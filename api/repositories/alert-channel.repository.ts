import type { Transaction } from 'kysely';
import type { Db } from '../db/database.js';
import type { Database } from '../db/schema.js';
import type { AlertChannelRecord, AlertChannelSettings, SmsSettings, WebhookSettings } from '../domain/alert-channel.js';
import type { AlertChannelKind } from '../domain/vocabulary.js';
import { UNIT_COLUMNS, unitOf } from './unit-columns.js';

export interface NewAlertChannel {
  unitId: string;
  name: string;
  enabled: boolean;
  createdBy: string;
  settings: AlertChannelSettings;
}

/** What an update changes; what is left out stays. */
export interface AlertChannelChanges {
  name?: string | undefined;
  enabled?: boolean | undefined;
  /** Replaces the channel's settings as a whole (the kind never changes). */
  settings?: AlertChannelSettings | undefined;
}

/** The `config` column: the settings of the channel's kind, secrets included (never leaves the server as such). */
type StoredConfig = Partial<WebhookSettings & Omit<SmsSettings, 'token'>> & { token?: string };

/** Alert channels: where the alerts about a unit's subtree go. Disabled, never deleted: deliveries refer to them. */
export class AlertChannelRepository {
  constructor(private readonly db: Db) {}

  async list(): Promise<AlertChannelRecord[]> {
    const rows = await selectChannels(this.db).orderBy('units.path').orderBy('alert_channels.name').orderBy('alert_channels.id').execute();
    return rows.map(channelRecordOf);
  }

  async find(id: string): Promise<AlertChannelRecord | undefined> {
    const row = await selectChannels(this.db).where('alert_channels.id', '=', id).executeTakeFirst();
    return row && channelRecordOf(row);
  }

  /** The channel and whatever `afterInsert` writes (the audit entry) in one transaction. */
  async create(channel: NewAlertChannel, afterInsert: (trx: Transaction<Database>, channelId: string) => Promise<void>): Promise<string> {
    return this.db.transaction().execute(async (trx) => {
      const { id } = await trx
        .insertInto('alert_channels')
        .values({
          unit_id: channel.unitId,
          kind: channel.settings.kind,
          name: channel.name,
          enabled: channel.enabled,
          config: JSON.stringify(storedConfigOf(channel.settings)),
          created_by: channel.createdBy,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await afterInsert(trx, id);
      return id;
    });
  }

  async update(id: string, changes: AlertChannelChanges, afterUpdate: (trx: Transaction<Database>) => Promise<void>): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('alert_channels')
        .set({
          updated_at: new Date(),
          ...(changes.name === undefined ? {} : { name: changes.name }),
          ...(changes.enabled === undefined ? {} : { enabled: changes.enabled }),
          ...(changes.settings === undefined ? {} : { config: JSON.stringify(storedConfigOf(changes.settings)) }),
        })
        .where('id', '=', id)
        .execute();
      await afterUpdate(trx);
    });
  }
}

/** Channels with their unit and who created them. */
function selectChannels(db: Db) {
  return db
    .selectFrom('alert_channels')
    .innerJoin('units', 'units.id', 'alert_channels.unit_id')
    .innerJoin('users', 'users.id', 'alert_channels.created_by')
    .select([
      'alert_channels.id',
      'alert_channels.kind',
      'alert_channels.name',
      'alert_channels.enabled',
      'alert_channels.config',
      'alert_channels.created_at',
      'alert_channels.updated_at',
      ...UNIT_COLUMNS,
      'users.id as creator_id',
      'users.username as creator_username',
      'users.display_name as creator_display_name',
    ]);
}

type ChannelRow = Awaited<ReturnType<ReturnType<typeof selectChannels>['executeTakeFirstOrThrow']>>;

function channelRecordOf(row: ChannelRow): AlertChannelRecord {
  return {
    ...settingsOf(row.kind, row.config as StoredConfig),
    id: row.id,
    unit: unitOf(row),
    name: row.name,
    enabled: row.enabled,
    createdBy: { id: row.creator_id, username: row.creator_username, displayName: row.creator_display_name },
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function settingsOf(kind: AlertChannelKind, config: StoredConfig): AlertChannelSettings {
  switch (kind) {
    case 'in_app':
      return { kind };
    case 'webhook':
      return { kind, webhook: { url: config.url ?? '', secret: config.secret ?? '' } };
    case 'sms':
      return { kind, sms: { url: config.url ?? '', recipients: config.recipients ?? [], token: config.token ?? null } };
  }
}

function storedConfigOf(settings: AlertChannelSettings): StoredConfig {
  switch (settings.kind) {
    case 'in_app':
      return {};
    case 'webhook':
      return { url: settings.webhook.url, secret: settings.webhook.secret };
    case 'sms':
      return {
        url: settings.sms.url,
        recipients: settings.sms.recipients,
        ...(settings.sms.token === null ? {} : { token: settings.sms.token }),
      };
  }
}
