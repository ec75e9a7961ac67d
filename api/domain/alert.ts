import type { UnitRef } from './review.js';
import type { TaxonRecord } from './taxon.js';
import type { AlertChannelKind, AlertReason, AlertStatus, DeliveryStatus, DetectionLevel, PortType } from './vocabulary.js';

export type AlertAction = 'acknowledge' | 'confirm' | 'dismiss';

/** Which alert states each action may be taken from: acknowledged before confirmed; dismissed from either open state. */
const allowedFrom: Record<AlertAction, readonly AlertStatus[]> = {
  acknowledge: ['open'],
  confirm: ['acknowledged'],
  dismiss: ['open', 'acknowledged'],
};

const resultingStatus: Record<AlertAction, AlertStatus> = { acknowledge: 'acknowledged', confirm: 'confirmed', dismiss: 'dismissed' };

/** The state an alert moves to, or undefined when the action is not allowed from its current state. */
export function alertTransition(status: AlertStatus, action: AlertAction): AlertStatus | undefined {
  return allowedFrom[action].includes(status) ? resultingStatus[action] : undefined;
}

export function statesAllowing(action: AlertAction): readonly AlertStatus[] {
  return allowedFrom[action];
}

/** What is said of an alert when it is pushed: enough for a notice, and the unit path that decides who hears it. */
export interface AlertNoticeRecord {
  alertId: string;
  status: AlertStatus;
  reasons: AlertReason[];
  taxon: { id: string; nameZh: string; nameEn: string };
  port: { id: string; code: string; nameZh: string; nameEn: string; type: PortType };
  specimenId: string;
  /** The specimen's unit path: everyone whose scope contains it may see the alert. */
  unitPath: string;
  createdAt: Date;
}

export interface PersonRef {
  id: string;
  username: string;
  displayName: string;
}

/** An alert as the inbox shows it (deliveries come with it from the delivery log). */
export interface AlertRecord {
  id: string;
  status: AlertStatus;
  reasons: AlertReason[];
  taxon: TaxonRecord;
  port: { id: string; code: string; nameZh: string; nameEn: string; type: PortType };
  specimenId: string;
  detectionId: string;
  unit: UnitRef & { path: string };
  responsibleUnit: UnitRef & { path: string };
  collectedAt: Date;
  createdAt: Date;
  acknowledgedBy: PersonRef | null;
  acknowledgedAt: Date | null;
  confirmedBy: PersonRef | null;
  confirmedAt: Date | null;
  dismissedBy: PersonRef | null;
  dismissedAt: Date | null;
  dismissReason: string | null;
}

/** How an alert went out through one channel. */
export interface AlertDeliveryRecord {
  id: string;
  channel: { id: string; name: string; kind: AlertChannelKind };
  status: DeliveryStatus;
  attempts: number;
  lastAttemptAt: Date | null;
  lastStatusCode: number | null;
  lastError: string | null;
  deliveredAt: Date | null;
}

/** An alert as one person sees it: with its deliveries and whether they may act on it. */
export interface AlertView {
  alert: AlertRecord;
  deliveries: AlertDeliveryRecord[];
  canAct: boolean;
}

/** Maps a detection's facts to the reasons its alert gives; none means no alert. */
export function alertReasons(watchList: boolean, firstLevels: readonly DetectionLevel[]): AlertReason[] {
  const byLevel: Record<DetectionLevel, AlertReason> = {
    port: 'first_at_port',
    district: 'first_in_district',
    national: 'first_nationally',
  };
  return [...(watchList ? (['watch_list'] as const) : []), ...firstLevels.map((level) => byLevel[level])];
}

/** What is pushed about an alert (`alert.changed`, an in-app channel's notice). */
export function noticeOf(alert: AlertRecord): AlertNoticeRecord {
  return {
    alertId: alert.id,
    status: alert.status,
    reasons: alert.reasons,
    taxon: { id: alert.taxon.id, nameZh: alert.taxon.nameZh, nameEn: alert.taxon.nameEn },
    port: alert.port,
    specimenId: alert.specimenId,
    unitPath: alert.unit.path,
    createdAt: alert.createdAt,
  };
}
