// The surveillance statistics the dashboard draws (`api.statsOverview`, `statCounts`, `portDensity`, `turnaround`).
// Nothing pushes them: a dashboard opened again, or left open a minute, asks again.
import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import type { StatCountsQuery, SurveillanceFilters, TurnaroundQuery } from '@contract';
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

export const turnaroundQuery = (query: TurnaroundQuery) =>
  statsQuery('turnaround', query, (q, signal) => api.turnaround({ query: q }, { signal }));
