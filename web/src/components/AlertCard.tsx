import { Link } from '@tanstack/react-router';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Alert, AlertDelivery } from '@contract';
import { useAlertAction } from '../api/alert-queries';
import { actionsFor, deliveryCounts, isDismissReason, MIN_DISMISS_REASON_LENGTH } from '../alert-inbox';
import { useEnumLabel } from '../enums';
import { formatDateTime, portLabel, unitName } from '../format';
import { useLanguage } from '../i18n';
import { ErrorMessage } from './ErrorMessage';
import { TaxonLabel } from './TaxonLabel';

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="dl-row">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

/** How the alert went out: a count by status, and each channel's last attempt. */
function Deliveries({ deliveries }: { deliveries: readonly AlertDelivery[] }) {
  const { t } = useTranslation();
  const lng = useLanguage();
  const enumLabel = useEnumLabel();
  if (deliveries.length === 0) return <p className="muted small">{t('alerts.noDeliveries')}</p>;
  const counts = deliveryCounts(deliveries);
  const summary = (Object.keys(counts) as (keyof typeof counts)[])
    .filter((status) => counts[status] > 0)
    .map((status) => `${enumLabel('deliveryStatus', status)} ${counts[status]}`)
    .join(' · ');
  return (
    <details className="alert-deliveries" data-testid="alert-deliveries" data-failed={counts.failed}>
      <summary>{t('alerts.deliveries', { summary })}</summary>
      <ul>
        {deliveries.map((delivery) => (
          <li key={delivery.id} data-testid="alert-delivery" data-status={delivery.status} data-kind={delivery.channel.kind}>
            <span className={`badge badge-delivery-${delivery.status}`}>{enumLabel('deliveryStatus', delivery.status)}</span>{' '}
            {delivery.channel.name} <span className="muted small">({enumLabel('channelKind', delivery.channel.kind)})</span>
            <div className="muted small">
              {t('alerts.attempts', { count: delivery.attempts })}
              {delivery.lastAttemptAt && ` · ${formatDateTime(delivery.lastAttemptAt, lng)}`}
              {delivery.lastStatusCode !== null && ` · HTTP ${delivery.lastStatusCode}`}
              {delivery.deliveredAt && ` · ${t('alerts.deliveredAt', { time: formatDateTime(delivery.deliveredAt, lng) })}`}
            </div>
            {delivery.lastError && <div className="field-warning small">{delivery.lastError}</div>}
          </li>
        ))}
      </ul>
    </details>
  );
}

/** Acknowledge, confirm, dismiss (with a reason): whatever the alert's status allows the responsible person. */
function AlertActions({ alert }: { alert: Alert }) {
  const { t } = useTranslation();
  const { mutate, isPending, error } = useAlertAction();
  const [dismissing, setDismissing] = useState(false);
  const [reason, setReason] = useState('');
  const actions = actionsFor(alert);
  if (actions.length === 0) return null;
  return (
    <div className="alert-actions">
      <div className="alert-actions-buttons">
        {actions.includes('acknowledge') && (
          <button
            type="button"
            className="btn btn-primary btn-small"
            disabled={isPending}
            onClick={() => mutate({ alertId: alert.id, action: 'acknowledge' })}
            data-testid="alert-acknowledge"
          >
            {t('alerts.acknowledge')}
          </button>
        )}
        {actions.includes('confirm') && (
          <button
            type="button"
            className="btn btn-primary btn-small"
            disabled={isPending}
            onClick={() => mutate({ alertId: alert.id, action: 'confirm' })}
            data-testid="alert-confirm"
          >
            {t('alerts.confirm')}
          </button>
        )}
        {actions.includes('dismiss') && !dismissing && (
          <button
            type="button"
            className="btn btn-secondary btn-small"
            disabled={isPending}
            onClick={() => setDismissing(true)}
            data-testid="alert-dismiss"
          >
            {t('alerts.dismiss')}
          </button>
        )}
      </div>
      {dismissing && (
        <form
          className="alert-dismiss-form"
          onSubmit={(event) => {
            event.preventDefault();
            if (isDismissReason(reason)) mutate({ alertId: alert.id, action: 'dismiss', reason: reason.trim() });
          }}
        >
          <label className="field">
            <span className="field-label">{t('alerts.dismissReason')}</span>
            <textarea
              rows={2}
              value={reason}
              required
              minLength={MIN_DISMISS_REASON_LENGTH}
              autoFocus
              onChange={(event) => setReason(event.target.value)}
              data-testid="alert-dismiss-reason"
            />
          </label>
          <div className="alert-actions-buttons">
            <button
              type="submit"
              className="btn btn-danger btn-small"
              disabled={isPending || !isDismissReason(reason)}
              data-testid="alert-dismiss-submit"
            >
              {t('alerts.dismissSubmit')}
            </button>
            <button type="button" className="btn btn-ghost btn-small" onClick={() => setDismissing(false)}>
              {t('alerts.cancel')}
            </button>
          </div>
        </form>
      )}
      <ErrorMessage error={error} testId="alert-action-error" />
    </div>
  );
}

/** One alert: what was found where, why it alerts, who dealt with it, how it went out, and what may be done now. */
export function AlertCard({ alert }: { alert: Alert }) {
  const { t } = useTranslation();
  const lng = useLanguage();
  const enumLabel = useEnumLabel();
  const by = (person: { displayName: string } | null, at: string | null) =>
    person && at ? t('alerts.byAt', { name: person.displayName, time: formatDateTime(at, lng) }) : null;
  const acknowledged = by(alert.acknowledgedBy, alert.acknowledgedAt);
  const confirmed = by(alert.confirmedBy, alert.confirmedAt);
  const dismissed = by(alert.dismissedBy, alert.dismissedAt);
  return (
    <article
      className={`card alert-card alert-card-${alert.status}`}
      data-testid="alert-item"
      data-alert-id={alert.id}
      data-status={alert.status}
    >
      <div className="alert-card-head">
        <Link to="/alerts/$alertId" params={{ alertId: alert.id }} className="alert-card-title" data-testid="alert-link">
          <TaxonLabel taxon={alert.taxon} />
        </Link>
        <span className={`badge badge-alert-${alert.status}`} data-testid="alert-status">
          {enumLabel('alertStatus', alert.status)}
        </span>
      </div>
      <ul className="alert-reasons">
        {alert.reasons.map((reason) => (
          <li key={reason} className={`badge badge-reason-${reason}`} data-testid="alert-reason" data-reason={reason}>
            {enumLabel('alertReason', reason)}
          </li>
        ))}
      </ul>
      <dl className="dl">
        <Row label={t('detail.port')}>{portLabel(alert.port, lng)}</Row>
        <Row label={t('detail.collectedAt')}>{formatDateTime(alert.collectedAt, lng)}</Row>
        <Row label={t('alerts.raisedAt')}>{formatDateTime(alert.createdAt, lng)}</Row>
        <Row label={t('alerts.responsible')}>{unitName(alert.responsibleUnit ?? alert.unit, lng)}</Row>
        {acknowledged && <Row label={t('alerts.acknowledged')}>{acknowledged}</Row>}
        {confirmed && <Row label={t('alerts.confirmed')}>{confirmed}</Row>}
        {dismissed && (
          <Row label={t('alerts.dismissed')}>
            {dismissed}
            {alert.dismissReason && <div className="pre-wrap">{alert.dismissReason}</div>}
          </Row>
        )}
      </dl>
      <p>
        <Link to="/specimens/$id" params={{ id: alert.specimenId }} data-testid="alert-specimen">
          {t('alerts.openSpecimen')}
        </Link>
      </p>
      <Deliveries deliveries={alert.deliveries} />
      <AlertActions alert={alert} />
    </article>
  );
}
