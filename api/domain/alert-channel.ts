import { noticeOf, type AlertNoticeRecord, type AlertRecord } from './alert.js';
import type { UnitRef } from './review.js';
import type { DeliveryStatus } from './vocabulary.js';

/** A webhook channel's settings: where to POST, and the HMAC-SHA256 key the body is signed with. */
export interface WebhookSettings {
  url: string;
  secret: string;
}

/** An SMS-gateway channel's settings: the gateway's endpoint, who gets the text, and its bearer token if it wants one. */
export interface SmsSettings {
  url: string;
  recipients: string[];
  token: string | null;
}

/** What a channel of each kind is configured with (an in-app channel needs nothing but its unit). */
export type AlertChannelSettings = { kind: 'in_app' } | { kind: 'webhook'; webhook: WebhookSettings } | { kind: 'sms'; sms: SmsSettings };

/** A channel as the service sees it, secrets included: presenters decide what of it leaves the server. */
export type AlertChannelRecord = AlertChannelSettings & {
  id: string;
  /** The channel hears of alerts about specimens anywhere in this unit's subtree. */
  unit: UnitRef & { path: string };
  name: string;
  enabled: boolean;
  createdBy: { id: string; username: string; displayName: string };
  createdAt: Date;
  updatedAt: Date;
};

/** What goes out about an alert: the live notice, and for webhooks the detection and the units by name. */
export interface OutgoingAlert {
  notice: AlertNoticeRecord;
  detectionId: string;
  unit: UnitRef;
  responsibleUnit: UnitRef;
}

export function outgoingAlertOf(alert: AlertRecord): OutgoingAlert {
  const { path: _unitPath, ...unit } = alert.unit;
  const { path: _responsiblePath, ...responsibleUnit } = alert.responsibleUnit;
  return { notice: noticeOf(alert), detectionId: alert.detectionId, unit, responsibleUnit };
}

/** One alert through one channel (`alert_deliveries`: the outbox of the `alert-delivery` job). */
export interface DeliveryRecord {
  id: string;
  alertId: string;
  channelId: string;
  status: DeliveryStatus;
  /** Attempts made so far. */
  attempts: number;
}

/** One try at sending a delivery, as `alert_delivery_attempts` records it. */
export interface DeliveryAttempt {
  ok: boolean;
  /** The HTTP status the endpoint answered; null when none came (refused, timed out) or for in-app pushes. */
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  /** The start of the endpoint's answer, for whoever investigates a failure. */
  responseExcerpt: string | null;
}

/**
 * Why `value` cannot be an alert channel's endpoint, or undefined when it can: an absolute http(s) URL without
 * credentials (those belong in the channel's secret or token, not in a URL that lists and audit entries show).
 */
export function endpointUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'is not an absolute URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `must be http: or https:, not ${url.protocol}`;
  if (url.username || url.password) return 'must not carry a user name or password';
  return undefined;
}
