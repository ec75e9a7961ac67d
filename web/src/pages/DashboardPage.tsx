import { useQuery } from '@tanstack/react-query';
import { getRouteApi } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { usePorts } from '../api/queries';
import { dashboardQueries } from '../api/stats-queries';
import { PortMapPanel, PositiveRatePanel, TaxaPanel, TimeSeriesPanel, TurnaroundPanel } from '../components/DashboardCharts';
import { ErrorMessage } from '../components/ErrorMessage';
import { DateRangeFields } from '../components/DateRangeFields';
import { listSearchFor } from '../dashboard/click-through';
import { dashboardFilters, type DashboardSearch } from '../dashboard/search';
import type { FilterSearch } from '../specimen-search';

const route = getRouteApi('/signed-in/dashboard');

function Tile({ label, value, testId, note }: { label: string; value: number | undefined; testId: string; note?: string }) {
  return (
    <div className="card dashboard-tile" data-testid={testId}>
      <span className="dashboard-tile-label">{label}</span>
      <span className="dashboard-tile-value" data-testid={`${testId}-value`}>
        {value ?? '…'}
      </span>
      {note && <span className="muted small">{note}</span>}
    </div>
  );
}

/**
 * The surveillance dashboard: today's figures, the specimens over time, by taxon and by port on the map, and how long
 * each step took; its period is the URL's, and a click on any chart opens the matching specimens.
 */
export function DashboardPage() {
  const { t } = useTranslation();
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const { ports } = usePorts();
  const queries = dashboardQueries(search);
  const { data: overview, error } = useQuery(queries.overview);

  function setSearch(changed: Partial<DashboardSearch>): void {
    void navigate({ search: (previous) => ({ ...previous, ...changed }) });
  }

  function openList(clicked: FilterSearch): void {
    void navigate({ to: '/specimens', search: listSearchFor(dashboardFilters(search), clicked) });
  }

  return (
    <section className="page dashboard">
      <div className="page-head">
        <h1 className="page-title">{t('dashboard.title')}</h1>
      </div>

      <form className="card filters" aria-label={t('dashboard.filters')} onSubmit={(e) => e.preventDefault()}>
        <DateRangeFields
          from={search.from}
          to={search.to}
          labels={{ from: t('dashboard.from'), to: t('dashboard.to') }}
          onChange={setSearch}
          testIdPrefix="dashboard"
        />
      </form>

      <ErrorMessage error={error} />
      <div className="dashboard-tiles">
        <Tile label={t('dashboard.submittedToday')} value={overview?.submittedToday} testId="tile-submitted-today" />
        <Tile label={t('dashboard.pendingReviews')} value={overview?.pendingReviews} testId="tile-pending-reviews" />
        <Tile label={t('dashboard.openAlerts')} value={overview?.openAlerts} testId="tile-open-alerts" />
        <Tile
          label={t('dashboard.specimens')}
          value={overview?.specimens}
          testId="tile-specimens"
          note={
            overview &&
            `${t('dashboard.identifiedByAi', { count: overview.identifiedByAi })} · ${t('dashboard.identifiedByExperts', { count: overview.identifiedByExperts })}`
          }
        />
      </div>

      <p className="muted small">{t('dashboard.clickHint')}</p>
      <div className="dashboard-charts">
        <TimeSeriesPanel
          queries={queries}
          openList={openList}
          interval={search.interval ?? 'month'}
          onInterval={(interval) => setSearch({ interval: interval === 'month' ? undefined : interval })}
        />
        <TaxaPanel queries={queries} openList={openList} />
        <PortMapPanel queries={queries} openList={openList} ports={ports} />
        <PositiveRatePanel queries={queries} openList={openList} />
        <TurnaroundPanel
          queries={queries}
          openList={openList}
          by={search.turnaroundBy ?? 'port'}
          onBy={(by) => setSearch({ turnaroundBy: by === 'port' ? undefined : by })}
        />
      </div>
    </section>
  );
}
