import { useQuery } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { ALERT_STATUSES } from '@contract';
import { alertListQuery } from '../api/alert-queries';
import { alertListQueryFor, tabOf } from '../alert-inbox';
import { AlertCard } from '../components/AlertCard';
import { ErrorMessage } from '../components/ErrorMessage';
import { useEnumLabel } from '../enums';

const route = getRouteApi('/signed-in/alerts');

/** `#/alerts`: the alerts of the user's scope by status (open first); responsible people act on them. Follows the push. */
export function AlertsPage() {
  const { t } = useTranslation();
  const enumLabel = useEnumLabel();
  const search = route.useSearch();
  const tab = tabOf(search);
  const { data, error, isPending, isPlaceholderData: loading, refetch } = useQuery(alertListQuery(alertListQueryFor(search)));
  const items = data?.items ?? [];

  return (
    <section className="page" data-testid="alerts-page" data-tab={tab}>
      <h1 className="page-title">{t('alerts.title')}</h1>
      <nav className="tabs" aria-label={t('alerts.tabs')}>
        {ALERT_STATUSES.map((status) => (
          <Link
            key={status}
            to="/alerts"
            search={{ status: status === 'open' ? undefined : status }}
            className={`tab${status === tab ? ' is-active' : ''}`}
            aria-current={status === tab ? 'page' : undefined}
            data-testid={`alert-tab-${status}`}
          >
            {enumLabel('alertStatus', status)}
          </Link>
        ))}
      </nav>
      <ErrorMessage error={error} onRetry={() => void refetch()} />
      {isPending ? (
        <p className="muted">{t('common.loading')}</p>
      ) : items.length === 0 ? (
        !error && (
          <p className="empty" data-testid="alerts-empty">
            {t('alerts.none')}
          </p>
        )
      ) : (
        <div className={`alert-list${loading ? ' is-loading' : ''}`} aria-busy={loading} data-testid="alert-list">
          {items.map((alert) => (
            <AlertCard key={alert.id} alert={alert} />
          ))}
        </div>
      )}
      {data && data.total > items.length && <p className="muted small">{t('alerts.more', { shown: items.length, total: data.total })}</p>}
    </section>
  );
}
