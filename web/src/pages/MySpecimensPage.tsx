import { useQuery } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { specimenListQuery, usePorts } from '../api/queries';
import { ErrorMessage } from '../components/ErrorMessage';
import { Pagination } from '../components/Pagination';
import { ExportPanel } from '../components/ExportPanel';
import { IdentificationBadge } from '../components/IdentificationBadge';
import { SpecimenFilters, type Filters } from '../components/SpecimenFilters';
import { StatusBadge } from '../components/StatusBadge';
import { useCurrentUser } from '../current-user';
import { useEnumLabel } from '../enums';
import { formatDateTime, portName } from '../format';
import { useLanguage } from '../i18n';
import { PAGE_SIZE, specimenListQueryFor, surveillanceFiltersFor } from '../specimen-search';

const route = getRouteApi('/signed-in/specimens');

/** The specimen list; its filters and page are the URL's (specimen-search.ts), its rows follow the live push. */
export function MySpecimensPage() {
  const { t } = useTranslation();
  const lng = useLanguage();
  const enumLabel = useEnumLabel();
  const user = useCurrentUser();
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const { ports } = usePorts();
  const query = specimenListQueryFor(search);
  const { data, error, isPending, isPlaceholderData: loading, refetch } = useQuery(specimenListQuery(query));

  /** A changed filter is a new address (Back returns to the previous filters), from the first page. */
  function setFilters(filters: Filters): void {
    void navigate({ search: (previous) => ({ ...previous, ...filters, page: undefined }) });
  }

  function goToPage(page: number): void {
    void navigate({ search: (previous) => ({ ...previous, page: page > 1 ? page : undefined }) });
  }

  const items = data?.items ?? [];
  const total = data?.total ?? 0;
  const offset = query.offset ?? 0;

  return (
    <section className="page">
      <div className="page-head">
        <h1 className="page-title">{t('list.title')}</h1>
        {user.role !== 'trainee' && (
          <Link className="btn btn-primary" to="/submit">
            {t('list.newSpecimen')}
          </Link>
        )}
      </div>

      <SpecimenFilters search={search} ports={ports} onChange={setFilters} onClear={() => void navigate({ search: {} })} />
      {user.role !== 'trainee' && <ExportPanel filters={surveillanceFiltersFor(search)} />}

      <ErrorMessage error={error} onRetry={() => void refetch()} />

      {isPending ? (
        <p className="muted">{t('common.loading')}</p>
      ) : items.length === 0 && !error ? (
        <p className="empty" data-testid="specimens-empty">
          {t('list.empty')}
        </p>
      ) : items.length > 0 ? (
        <div className={`table-wrap${loading ? ' is-loading' : ''}`} aria-busy={loading}>
          <table className="specimen-table" data-testid="specimen-table">
            <thead>
              <tr>
                <th scope="col">{t('list.thumbnail')}</th>
                <th scope="col">{t('list.port')}</th>
                <th scope="col">{t('list.siteType')}</th>
                <th scope="col">{t('list.collectedAt')}</th>
                <th scope="col" className="num">
                  {t('list.count')}
                </th>
                <th scope="col">{t('identification.column')}</th>
                <th scope="col">{t('list.status')}</th>
                <th scope="col" className="num">
                  {t('list.images')}
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((s) => {
                const thumb = s.images[0]?.thumbnailUrl;
                return (
                  <tr
                    key={s.id}
                    className="specimen-row"
                    data-testid="specimen-row"
                    data-specimen-id={s.id}
                    onClick={(e) => {
                      if (!(e.target as HTMLElement).closest('a')) void navigate({ to: '/specimens/$id', params: { id: s.id } });
                    }}
                  >
                    <td className="cell-thumb">
                      <Link to="/specimens/$id" params={{ id: s.id }} aria-label={`${s.port.code} ${formatDateTime(s.collectedAt, lng)}`}>
                        {thumb ? (
                          <img src={thumb} alt="" loading="lazy" className="thumb" data-testid="specimen-thumbnail" />
                        ) : (
                          <span className="thumb thumb-empty">{t('list.noImage')}</span>
                        )}
                      </Link>
                    </td>
                    <td data-label={t('list.port')}>
                      <div className="cell-port">
                        <Link to="/specimens/$id" params={{ id: s.id }} className="row-link">
                          <span className="port-code">{s.port.code}</span> {portName(s.port, lng)}
                        </Link>
                        {s.locationDetail && <div className="muted small">{s.locationDetail}</div>}
                      </div>
                    </td>
                    <td data-label={t('list.siteType')}>{enumLabel('siteType', s.siteType)}</td>
                    <td data-label={t('list.collectedAt')}>
                      <time dateTime={s.collectedAt}>{formatDateTime(s.collectedAt, lng)}</time>
                    </td>
                    <td data-label={t('list.count')} className="num">
                      {s.count}
                    </td>
                    <td data-label={t('identification.column')}>
                      <IdentificationBadge identification={s.identification ?? null} />
                    </td>
                    <td data-label={t('list.status')}>
                      <StatusBadge status={s.status} />
                    </td>
                    <td data-label={t('list.images')} className="num" data-testid="specimen-image-count">
                      {s.images.length}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}

      <Pagination offset={offset} shown={items.length} total={total} pageSize={PAGE_SIZE} loading={loading} onPage={goToPage} />
    </section>
  );
}
