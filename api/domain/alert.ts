import type { AlertReason, AlertStatus, PortType } from './vocabulary.js';

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
