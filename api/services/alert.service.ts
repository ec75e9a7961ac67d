import { isUnitPathInScope, permissions, scopeOf, type Actor } from '../domain/access.js';
import { alertTransition, noticeOf, statesAllowing, type AlertAction, type AlertRecord, type AlertView } from '../domain/alert.js';
import { conflict, forbidden, notFound } from '../domain/errors.js';
import type { DomainEventBus } from '../domain/events.js';
import type { AlertStatus } from '../domain/vocabulary.js';
import type { AlertChange, AlertRepository } from '../repositories/alert.repository.js';

/**
 * The alert inbox: alerts about specimens in the caller's scope, and the acknowledge → confirm (or dismiss) steps a
 * responsible person — an expert or administrator whose scope holds the unit above the specimen's — takes on them.
 */
export class AlertService {
  constructor(
    private readonly alerts: AlertRepository,
    private readonly bus: DomainEventBus,
  ) {}

  async list(actor: Actor, status: AlertStatus | undefined, page: { limit: number; offset: number }) {
    const { items, total } = await this.alerts.listInScope(scopeOf(actor), status, page);
    return { items: await this.views(actor, items), total };
  }

  async get(actor: Actor, id: string): Promise<AlertView> {
    const alert = await this.alerts.findInScope(id, scopeOf(actor));
    if (!alert) throw notFound('Alert');
    const [view] = await this.views(actor, [alert]);
    return view!;
  }

  async act(actor: Actor, id: string, action: AlertAction, reason?: string): Promise<AlertView> {
    const current = await this.get(actor, id);
    if (!current.canAct)
      throw forbidden(`Only an expert or administrator of ${current.alert.responsibleUnit.nameEn} may ${action} this alert`);
    const to = alertTransition(current.alert.status, action);
    if (!to) throw notAllowedFrom(current.alert.status, action);
    const change: AlertChange =
      to === 'dismissed'
        ? { status: to, by: actor.id, reason: reason ?? '' }
        : { status: to as 'acknowledged' | 'confirmed', by: actor.id };
    const changed = await this.alerts.change(id, statesAllowing(action), change);
    if (!changed) {
      const now = await this.get(actor, id);
      throw notAllowedFrom(now.alert.status, action);
    }
    this.bus.emit('alert.changed', noticeOf(changed));
    const [view] = await this.views(actor, [changed]);
    return view!;
  }

  private async views(actor: Actor, alerts: AlertRecord[]): Promise<AlertView[]> {
    const deliveries = await this.alerts.deliveriesOf(alerts.map((alert) => alert.id));
    const scope = scopeOf(actor);
    return alerts.map((alert) => ({
      alert,
      deliveries: deliveries.get(alert.id) ?? [],
      canAct: permissions.actOnAlerts(actor.role) && isUnitPathInScope(scope, alert.responsibleUnit.path),
    }));
  }
}

function notAllowedFrom(status: AlertStatus, action: AlertAction) {
  const done: Record<AlertAction, string> = { acknowledge: 'acknowledged', confirm: 'confirmed', dismiss: 'dismissed' };
  return conflict('alert_state', `An alert that is ${status} cannot be ${done[action]}`, {
    status,
    allowedFrom: statesAllowing(action),
  });
}
