import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { openAlertCountQuery } from '../api/alert-queries';
import { dismissAlertNotice, useAlertNotices } from '../api/alert-notices';
import { useEnumLabel } from '../enums';
import { portLabel } from '../format';
import { useLanguage } from '../i18n';
import { TaxonLabel } from './TaxonLabel';
import { Notice } from './Notice';

/** Alerts raised while the app is open, over every page until dismissed or dealt with; each leads to its alert. */
export function AlertNotices() {
  const { t } = useTranslation();
  const lng = useLanguage();
  const enumLabel = useEnumLabel();
  const notices = useAlertNotices();
  if (notices.length === 0) return null;
  return (
    <div className="alert-notices">
      {notices.map((notice) => (
        <Notice
          key={notice.alertId}
          kind="alert"
          data-alert-id={notice.alertId}
          title={t('alerts.notice')}
          dismissLabel={t('alerts.dismissNotice')}
          onDismiss={() => dismissAlertNotice(notice.alertId)}
          action={
            <Link
              to="/alerts/$alertId"
              params={{ alertId: notice.alertId }}
              className="btn btn-primary btn-small"
              onClick={() => dismissAlertNotice(notice.alertId)}
              data-testid="alert-notice-open"
            >
              {t('alerts.view')}
            </Link>
          }
        >
          <TaxonLabel taxon={notice.taxon} />
          <span>{portLabel(notice.port, lng)}</span>
          <span className="muted">{notice.reasons.map((reason) => enumLabel('alertReason', reason)).join(' · ')}</span>
        </Notice>
      ))}
    </div>
  );
}

/** The number of open alerts, beside the alerts link. */
export function OpenAlertsBadge() {
  const { t } = useTranslation();
  const { data: count } = useQuery(openAlertCountQuery);
  if (!count) return null;
  return (
    <span className="nav-badge" data-testid="nav-alerts-count" data-count={count}>
      <span aria-hidden="true">{count}</span>
      <span className="visually-hidden">{t('alerts.openCount', { count })}</span>
    </span>
  );
}
