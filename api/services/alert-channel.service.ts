import { randomBytes } from 'node:crypto';
import type { AlertChannelBody, AlertChannelPatch } from '../contract/index.js';
import type { Actor } from '../domain/access.js';
import { endpointUrlProblem, type AlertChannelRecord, type AlertChannelSettings } from '../domain/alert-channel.js';
import { badRequest, forbidden, notFound, unprocessable } from '../domain/errors.js';
import type { AlertChannelRepository } from '../repositories/alert-channel.repository.js';
import { recordAudit } from '../repositories/audit.repository.js';
import type { OrganisationRepository } from '../repositories/organisation.repository.js';

/** A channel just created or changed, and its webhook secret when this change set one (shown once). */
export interface SavedChannel {
  channel: AlertChannelRecord;
  secret?: string | undefined;
}

type WebhookBody = NonNullable<AlertChannelPatch['webhook']>;
type SmsBody = NonNullable<AlertChannelPatch['sms']>;

/** Where alerts go, per unit (administrators only). Every change is audited, secrets and tokens left out. */
export class AlertChannelService {
  constructor(
    private readonly channels: AlertChannelRepository,
    private readonly organisation: OrganisationRepository,
  ) {}

  async list(actor: Actor): Promise<AlertChannelRecord[]> {
    requireAdmin(actor);
    return this.channels.list();
  }

  async create(actor: Actor, body: AlertChannelBody): Promise<SavedChannel> {
    requireAdmin(actor);
    const settings = settingsOf(body);
    if (!(await this.organisation.findUnitById(body.unitId)))
      throw unprocessable('unknown_unit', `No unit has the id ${body.unitId}`, { unitId: body.unitId });
    const enabled = body.enabled ?? true;
    const id = await this.channels.create(
      { unitId: body.unitId, name: body.name, enabled, createdBy: actor.id, settings },
      (trx, channelId) =>
        recordAudit(trx, {
          userId: actor.id,
          action: 'alert_channel.created',
          entityType: 'alert_channel',
          entityId: channelId,
          before: null,
          after: auditView({ unitId: body.unitId, name: body.name, enabled, settings }),
        }),
    );
    return { channel: await this.found(id), secret: settings.kind === 'webhook' ? settings.webhook.secret : undefined };
  }

  async update(actor: Actor, id: string, patch: AlertChannelPatch): Promise<SavedChannel> {
    requireAdmin(actor);
    const channel = await this.found(id);
    for (const field of ['webhook', 'sms'] as const) {
      if (patch[field] !== undefined && channel.kind !== field) {
        throw unprocessable('channel_kind_mismatch', `A channel of kind ${channel.kind} has no ${field} settings`, {
          kind: channel.kind,
          field,
        });
      }
    }
    const settings =
      patch.webhook !== undefined ? webhookSettings(patch.webhook) : patch.sms !== undefined ? smsSettings(patch.sms) : undefined;
    const name = patch.name ?? channel.name;
    const enabled = patch.enabled ?? channel.enabled;
    await this.channels.update(id, { name: patch.name, enabled: patch.enabled, settings }, (trx) =>
      recordAudit(trx, {
        userId: actor.id,
        action: 'alert_channel.updated',
        entityType: 'alert_channel',
        entityId: id,
        before: auditView({ unitId: channel.unit.id, name: channel.name, enabled: channel.enabled, settings: channel }),
        after: {
          ...auditView({ unitId: channel.unit.id, name, enabled, settings: settings ?? channel }),
          ...(settings?.kind === 'webhook' ? { secretReplaced: true } : {}),
        },
      }),
    );
    return { channel: await this.found(id), secret: settings?.kind === 'webhook' ? settings.webhook.secret : undefined };
  }

  private async found(id: string): Promise<AlertChannelRecord> {
    const channel = await this.channels.find(id);
    if (!channel) throw notFound('Alert channel');
    return channel;
  }
}

function requireAdmin(actor: Actor): void {
  if (actor.role !== 'admin') throw forbidden('Only administrators configure alert channels');
}

function settingsOf(body: AlertChannelBody): AlertChannelSettings {
  switch (body.kind) {
    case 'in_app':
      return { kind: 'in_app' };
    case 'webhook':
      return webhookSettings(body.webhook);
    case 'sms':
      return smsSettings(body.sms);
  }
}

/** A webhook's settings as given, its secret generated when left out: 32 random bytes, base64url. */
function webhookSettings(webhook: WebhookBody): AlertChannelSettings {
  return {
    kind: 'webhook',
    webhook: { url: checkedUrl('webhook.url', webhook.url), secret: webhook.secret ?? randomBytes(32).toString('base64url') },
  };
}

function smsSettings(sms: SmsBody): AlertChannelSettings {
  return { kind: 'sms', sms: { url: checkedUrl('sms.url', sms.url), recipients: sms.recipients, token: sms.token ?? null } };
}

function checkedUrl(field: string, value: string): string {
  const problem = endpointUrlProblem(value);
  if (problem) throw badRequest('invalid_url', `${field} ${problem}: an absolute http(s) URL without credentials is needed`, { field });
  return value;
}

/** What the audit log keeps of a channel: everything but its webhook secret and SMS token. */
function auditView(channel: { unitId: string; name: string; enabled: boolean; settings: AlertChannelSettings }): Record<string, unknown> {
  const { settings } = channel;
  return {
    unitId: channel.unitId,
    kind: settings.kind,
    name: channel.name,
    enabled: channel.enabled,
    ...(settings.kind === 'webhook' ? { webhook: { url: settings.webhook.url } } : {}),
    ...(settings.kind === 'sms'
      ? { sms: { url: settings.sms.url, recipients: settings.sms.recipients, tokenSet: settings.sms.token !== null } }
      : {}),
  };
}
