// What a click on a chart opens: the specimen list filtered by what was clicked, within the dashboard's own filters.
import type { FilterSearch } from '../specimen-search';

const DAY_MS = 86_400_000;

function isoDay(time: number): string {
  return new Date(time).toISOString().slice(0, 10);
}

/**
 * The days of a period the statistics count by: a month `2026-11` or an ISO week `2026-W47` (Monday to Sunday; week 1
 * holds 4 January). Undefined for anything else.
 */
export function periodDays(period: string): { from: string; to: string } | undefined {
  const month = /^(\d{4})-(\d{2})$/.exec(period);
  if (month) {
    const [year, index] = [Number(month[1]), Number(month[2]) - 1];
    if (index < 0 || index > 11) return undefined;
    return { from: isoDay(Date.UTC(year, index, 1)), to: isoDay(Date.UTC(year, index + 1, 0)) };
  }
  const week = /^(\d{4})-W(\d{2})$/.exec(period);
  if (week) {
    const [year, number] = [Number(week[1]), Number(week[2])];
    if (number < 1 || number > 53) return undefined;
    const january4 = Date.UTC(year, 0, 4);
    const firstMonday = january4 - ((new Date(january4).getUTCDay() + 6) % 7) * DAY_MS;
    const monday = firstMonday + (number - 1) * 7 * DAY_MS;
    return { from: isoDay(monday), to: isoDay(monday + 6 * DAY_MS) };
  }
  return undefined;
}

/**
 * The list's filters for a click: the dashboard's, with what was clicked on top; the days of a clicked period are
 * narrowed to the dashboard's own dates (its charts counted nothing outside them).
 */
export function listSearchFor(dashboard: FilterSearch, clicked: FilterSearch): FilterSearch {
  const search = { ...dashboard, ...clicked };
  if (dashboard.from && clicked.from && dashboard.from > clicked.from) search.from = dashboard.from;
  if (dashboard.to && clicked.to && dashboard.to < clicked.to) search.to = dashboard.to;
  return search;
}
