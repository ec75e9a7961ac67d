import { useQuery } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { alertQuery } from '../api/alert-queries';
import { ApiError } from '../api/client';
import { AlertCard } from '../components/AlertCard';
import { ErrorMessage } from '../components/ErrorMessage';
import { Icon } from '../components/Icon';

const route = getRouteApi('/signed-in/alerts/$alertId');

/** `#/alerts/<id>`: one alert, where a notice or a decision's outcome leads. */
export function AlertPage() {
  const { t } = useTranslation();
  const { alertId } = route.useParams();
  const { data: alert, error, refetch } = useQuery(alertQuery(alertId));
  const notFound = error instanceof ApiError && error.status === 404;
  return (
    <section className="page" data-testid="alert-page" data-alert-id={alertId}>
      <p>
        <Link to="/alerts" search={alert && alert.status !== 'open' ? { status: alert.status } : {}}>
          <Icon name="arrowLeft" /> {t('alerts.back')}
        </Link>
      </p>
      <h1 className="page-title">{t('alerts.one')}</h1>
      {alert ? (
        <AlertCard alert={alert} />
      ) : notFound ? (
        <p className="empty" data-testid="alert-not-found">
          {t('alerts.notFound')}
        </p>
      ) : error ? (
        <ErrorMessage error={error} onRetry={() => void refetch()} />
      ) : (
        <p className="muted">{t('common.loading')}</p>
      )}
    </section>
  );
}
