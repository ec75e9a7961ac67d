// The dashboard's address (`#/dashboard?from=2026-01-01&interval=week`): the surveillance filters every chart is
// drawn with (the same as the specimen list's), how time is cut and how turnaround is broken down.
import type { SurveillanceFilters, TurnaroundDimension } from '@contract';
import { parseFilterSearch, surveillanceFiltersFor, type FilterSearch } from '../specimen-search';

export const INTERVALS = ['month', 'week'] as const;
export type Interval = (typeof INTERVALS)[number];

export interface DashboardSearch extends FilterSearch {
  /** Absent: by month. */
  interval?: Interval | undefined;
  /** Absent: by port. */
  turnaroundBy?: TurnaroundDimension | undefined;
}

/** The route's `validateSearch` (every key answered, invalid values dropped: see specimen-search.ts). */
export function parseDashboardSearch(raw: Record<string, unknown>): DashboardSearch {
  return {
    ...parseFilterSearch(raw),
    interval: raw.interval === 'week' ? 'week' : undefined,
    turnaroundBy: raw.turnaroundBy === 'month' ? 'month' : undefined,
  };
}

/** The dashboard's filters alone, as the specimen list takes them (what a click-through starts from). */
export const dashboardFilters = (search: DashboardSearch): FilterSearch => parseFilterSearch({ ...search });

/** The filters every statistic of the dashboard is asked with. */
export const statsFiltersFor = (search: DashboardSearch): SurveillanceFilters => surveillanceFiltersFor(dashboardFilters(search));
