import type { AlertStatus } from './vocabulary.js';

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
