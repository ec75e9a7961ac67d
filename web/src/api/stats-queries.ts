// The surveillance statistics the dashboard draws (`api.statsOverview`, `statCounts`, `portDensity`, `positiveRates`,
// `turnaround`).
// Nothing pushes them: a dashboard opened again, or left open a minute, asks again. The dashboard's route starts them
// all with its code, so none is cancelled by the page mounting while they load.
import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import type { StatCountsQuery, SurveillanceFilters, TurnaroundQuery } from '@contract';
import { statsFiltersFor, type DashboardSearch } from '../dashboard/search';
import { api } from './client';
import { queryKeys } from './query-keys';

const STATS_STALE_MS = 60_000;

function statsQuery<Q extends object, A>(
  kind: Parameters<typeof queryKeys.stats>[0],
  query: Q,
  fetch: (query: Q, signal: AbortSignal) => Promise<A>,
) {
  return queryOptions({
    queryKey: queryKeys.stats(kind, query),
    queryFn: ({ signal }) => fetch(query, signal),
    // Other filters keep the charts of the last ones in view until the new figures arrive.
    placeholderData: keepPreviousData,
    staleTime: STATS_STALE_MS,
  });
}

export const statsOverviewQuery = (query: SurveillanceFilters) =>
  statsQuery('overview', query, (q, signal) => api.statsOverview({ query: q }, { signal }));

export const statCountsQuery = (query: StatCountsQuery) =>
  statsQuery('counts', query, (q, signal) => api.statCounts({ query: q }, { signal }));

export const portDensityQuery = (query: SurveillanceFilters) =>
  statsQuery('density', query, (q, signal) => api.portDensity({ query: q }, { signal }));

export const positiveRatesQuery = (query: SurveillanceFilters) =>
  statsQuery('positiveRates', query, (q, signal) => api.positiveRates({ query: q }, { signal }));

export const turnaroundQuery = (query: TurnaroundQuery) =>
  statsQuery('turnaround', query, (q, signal) => api.turnaround({ query: q }, { signal }));

/** Every statistic the dashboard shows for its address, as its route prefetches them and its panels read them. */
export function dashboardQueries(search: DashboardSearch) {
  const filters = statsFiltersFor(search);
  return {
    overview: statsOverviewQuery(filters),
    overTime: statCountsQuery({ by: `${search.interval ?? 'month'},group`, ...filters }),
    taxa: statCountsQuery({ by: 'taxon', ...filters }),
    ports: portDensityQuery(filters),
    positiveRates: positiveRatesQuery(filters),
    turnaround: turnaroundQuery({ by: search.turnaroundBy ?? 'port', ...filters }),
  };
}

export type DashboardQueries = ReturnType<typeof dashboardQueries>;
