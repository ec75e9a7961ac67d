import { useQuery } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import type { ReviewQueue, Specimen } from '@contract';
import { reviewQueueQuery } from '../api/review-queries';
import { ErrorMessage } from '../components/ErrorMessage';
import { IdentificationBadge } from '../components/IdentificationBadge';
import { TriageQueueBadge, TriageReasons } from '../components/TriageSummary';
import { useEnumLabel } from '../enums';
import { formatDateTime, portName, unitName } from '../format';
import { useLanguage } from '../i18n';
import { isEscalated, namingExperts } from '../review/progress';
import { reviewQueueQueryFor } from '../review/search';

const route = getRouteApi('/signed-in/review');

const FILTERS: readonly (ReviewQueue | undefined)[] = [undefined, 'critical', 'review'];

/** "1 of 2 experts" for a critical specimen; where experts disagreed, the unit it went up to. */
function ExpertsCell({ specimen }: { specimen: Specimen }) {
  const { t } = useTranslation();
  const lng = useLanguage();
  const { review } = specimen;
  return (
    <>
      {review.agreementsNeeded > 1 && (
        <div className="small" data-testid="review-queue-experts" data-named={namingExperts(review)}>
          {t('review.expertsOf', { named: namingExperts(review), needed: review.agreementsNeeded })}
        </div>
      )}
      {isEscalated(specimen) && review.reviewUnit && (
        <div className="small escalated" data-testid="review-queue-escalated">
          {t('review.progress.escalated', { unit: unitName(review.reviewUnit, lng) })}
        </div>
      )}
    </>
  );
}

/** `#/review` (experts): the specimens waiting for the expert's decision, critical first; follows the live push. */
export function ReviewQueuePage() {
  const { t } = useTranslation();
  const lng = useLanguage();
  const enumLabel = useEnumLabel();
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const { data, error, isPending, isPlaceholderData: loading, refetch } = useQuery(reviewQueueQuery(reviewQueueQueryFor(search)));
  const items = data?.items ?? [];
  const first = items[0];

  return (
    <section className="page" data-testid="review-queue-page">
      <div className="page-head">
        <h1 className="page-title">{t('review.queueTitle')}</h1>
        {first && (
          <Link
            className="btn btn-primary"
            to="/review/$specimenId"
            params={{ specimenId: first.id }}
            search={search}
            data-testid="review-start"
          >
            {t('review.start')}
          </Link>
        )}
      </div>

      <div className="tabs" role="group" aria-label={t('review.filter')}>
        {FILTERS.map((queue) => (
          <button
            key={queue ?? 'all'}
            type="button"
            className={`tab${search.queue === queue ? ' is-active' : ''}`}
            aria-pressed={search.queue === queue}
            onClick={() => void navigate({ search: { queue } })}
            data-testid={`review-filter-${queue ?? 'all'}`}
          >
            {queue ? enumLabel('triageQueue', queue) : t('common.any')}
          </button>
        ))}
      </div>

      <ErrorMessage error={error} onRetry={() => void refetch()} />
      {isPending ? (
        <p className="muted">{t('common.loading')}</p>
      ) : items.length === 0 ? (
        !error && (
          <p className="empty" data-testid="review-queue-empty">
            {t('review.queueEmpty')}
          </p>
        )
      ) : (
        <div className={`table-wrap${loading ? ' is-loading' : ''}`} aria-busy={loading}>
          <table className="specimen-table" data-testid="review-queue">
            <thead>
              <tr>
                <th scope="col">{t('list.thumbnail')}</th>
                <th scope="col">{t('list.port')}</th>
                <th scope="col">{t('list.collectedAt')}</th>
                <th scope="col">{t('review.aiAnswer')}</th>
                <th scope="col">{t('review.triage')}</th>
                <th scope="col">{t('review.state')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((specimen) => {
                const thumb = specimen.images[0]?.thumbnailUrl;
                const link = { to: '/review/$specimenId', params: { specimenId: specimen.id }, search } as const;
                return (
                  <tr
                    key={specimen.id}
                    className="specimen-row"
                    data-testid="review-queue-row"
                    data-specimen-id={specimen.id}
                    data-queue={specimen.triage?.queue}
                    onClick={(event) => {
                      if (!(event.target as HTMLElement).closest('a')) void navigate(link);
                    }}
                  >
                    <td className="cell-thumb">
                      <Link {...link} aria-label={`${specimen.port.code} ${formatDateTime(specimen.collectedAt, lng)}`}>
                        {thumb ? (
                          <img src={thumb} alt="" loading="lazy" className="thumb" />
                        ) : (
                          <span className="thumb thumb-empty">{t('list.noImage')}</span>
                        )}
                      </Link>
                    </td>
                    <td data-label={t('list.port')}>
                      <Link {...link} className="row-link" data-testid="review-queue-link">
                        <span className="port-code">{specimen.port.code}</span> {portName(specimen.port, lng)}
                      </Link>
                      {specimen.locationDetail && <div className="muted small">{specimen.locationDetail}</div>}
                    </td>
                    <td data-label={t('list.collectedAt')}>
                      <time dateTime={specimen.collectedAt}>{formatDateTime(specimen.collectedAt, lng)}</time>
                    </td>
                    <td data-label={t('review.aiAnswer')}>
                      <IdentificationBadge identification={specimen.identification ?? null} />
                    </td>
                    <td data-label={t('review.triage')}>
                      {specimen.triage && (
                        <>
                          <TriageQueueBadge queue={specimen.triage.queue} />
                          <TriageReasons reasons={specimen.triage.reasons} compact />
                        </>
                      )}
                    </td>
                    <td data-label={t('review.state')}>
                      <ExpertsCell specimen={specimen} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {data && data.total > items.length && (
        <p className="muted small" data-testid="review-queue-more">
          {t('review.queueMore', { shown: items.length, total: data.total })}
        </p>
      )}
    </section>
  );
}
