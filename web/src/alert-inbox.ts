// The alert inbox's logic: which tab the URL shows, what a responsible person may do with an alert, and how its
// deliveries went.
import {
  ALERT_STATUSES,
  DELIVERY_STATUSES,
  DismissAlertBody,
  type Alert,
  type AlertDelivery,
  type AlertListQuery,
  type AlertStatus,
  type DeliveryStatus,
} from '@contract';

export interface AlertSearch {
  /** The tab: alerts of this status (open when left out). */
  status?: AlertStatus | undefined;
}

export function parseAlertSearch(raw: Record<string, unknown>): AlertSearch {
  return { status: ALERT_STATUSES.find((status) => status === raw.status) };
}

/** The tab shown: open alerts unless the URL names another status. */
export const tabOf = (search: AlertSearch): AlertStatus => search.status ?? 'open';

export const ALERT_PAGE_SIZE = 50;

export function alertListQueryFor(search: AlertSearch): Partial<AlertListQuery> {
  return { status: tabOf(search), limit: ALERT_PAGE_SIZE };
}

export const ALERT_ACTIONS = ['acknowledge', 'confirm', 'dismiss'] as const;
export type AlertAction = (typeof ALERT_ACTIONS)[number];

/** The alert's life (open → acknowledged → confirmed; open or acknowledged → dismissed): which states allow each action. */
const ALLOWED_FROM: Readonly<Record<AlertAction, readonly AlertStatus[]>> = {
  acknowledge: ['open'],
  confirm: ['acknowledged'],
  dismiss: ['open', 'acknowledged'],
};

/** The actions offered on an alert: none to someone who may not act on it, else those its status allows, in order. */
export function actionsFor(alert: Pick<Alert, 'status' | 'canAct'>): AlertAction[] {
  if (!alert.canAct) return [];
  return ALERT_ACTIONS.filter((action) => ALLOWED_FROM[action].includes(alert.status));
}

/** The shortest reason the server takes for a dismissal (the contract's). */
export const MIN_DISMISS_REASON_LENGTH = (DismissAlertBody.properties.reason as { minLength?: number }).minLength ?? 1;

export function isDismissReason(text: string): boolean {
  return text.trim().length >= MIN_DISMISS_REASON_LENGTH;
}

/** How many of an alert's deliveries stand at each status. */
export function deliveryCounts(deliveries: readonly Pick<AlertDelivery, 'status'>[]): Record<DeliveryStatus, number> {
  const counts = Object.fromEntries(DELIVERY_STATUSES.map((status) => [status, 0])) as Record<DeliveryStatus, number>;
  for (const { status } of deliveries) counts[status] += 1;
  return counts;
}
