import type { AlertChannel, AlertWebhookPayload, SmsGatewayRequest } from '../contract/index.js';
import type { AlertChannelRecord, OutgoingAlert } from '../domain/alert-channel.js';
import type { AlertNoticeRecord } from '../domain/alert.js';
import type { AlertReason } from '../domain/vocabulary.js';
import { presentAlertNotice } from './alerts.js';

/** A channel as administrators see it: settings without the webhook secret or the SMS token (`secret`: only when just made). */
export function presentAlertChannel(channel: AlertChannelRecord, revealedSecret?: string): AlertChannel {
  const { path: _path, ...unit } = channel.unit;
  return {
    id: channel.id,
    unit,
    kind: channel.kind,
    name: channel.name,
    enabled: channel.enabled,
    webhook: channel.kind === 'webhook' ? { url: channel.webhook.url } : null,
    sms: channel.kind === 'sms' ? { url: channel.sms.url, recipients: channel.sms.recipients, tokenSet: channel.sms.token !== null } : null,
    ...(revealedSecret === undefined ? {} : { secret: revealedSecret }),
    createdBy: channel.createdBy,
    createdAt: channel.createdAt.toISOString(),
    updatedAt: channel.updatedAt.toISOString(),
  };
}

/** The body of one webhook attempt. */
export function presentAlertWebhookPayload(
  deliveryId: string,
  channel: Pick<AlertChannelRecord, 'id' | 'name'>,
  { notice, detectionId, unit, responsibleUnit }: OutgoingAlert,
  sentAt: Date,
): AlertWebhookPayload {
  return {
    event: 'alert.raised',
    deliveryId,
    sentAt: sentAt.toISOString(),
    channel: { id: channel.id, name: channel.name },
    alert: { ...presentAlertNotice(notice), detectionId, unit, responsibleUnit },
  };
}

const REASON_TEXT: Record<AlertReason, string> = {
  watch_list: '监测名录 watch list',
  first_at_port: '口岸首次 first at port',
  first_in_district: '关区首次 first in district',
  first_nationally: '全国首次 first nationally',
};

/** What an SMS gateway is asked to send: one short text in both languages. */
export function presentSmsGatewayRequest(recipients: string[], notice: AlertNoticeRecord): SmsGatewayRequest {
  const { taxon, port, reasons } = notice;
  const message = [
    `[VectorDesk 预警 alert] ${taxon.nameZh} ${taxon.nameEn}`,
    `${port.nameZh} ${port.code}`,
    reasons.map((reason) => REASON_TEXT[reason]).join('; '),
  ].join(' | ');
  return { to: recipients, message, alertId: notice.alertId };
}
