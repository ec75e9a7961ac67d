// The practice progress page's figures, as pure functions of the progress the server sends.
import type { PracticeConfusion, PracticeTaxonProgress } from '@contract';
import type { ChartOption } from './dashboard/echarts';

/** Confusions per week, stacked by pair (a taxon and what it was taken for), the most frequent pairs named in the legend. */
export function confusionChartOption(
  confusions: readonly PracticeConfusion[],
  pairLabel: (confusion: PracticeConfusion) => string,
): ChartOption {
  const weeks = [...new Set(confusions.map((confusion) => confusion.week))].sort();
  const pairKey = (confusion: PracticeConfusion) => `${confusion.taxon}|${confusion.takenFor}`;
  const totals = new Map<string, { label: string; count: number }>();
  for (const confusion of confusions) {
    const entry = totals.get(pairKey(confusion)) ?? { label: pairLabel(confusion), count: 0 };
    totals.set(pairKey(confusion), { ...entry, count: entry.count + confusion.count });
  }
  const pairs = [...totals.entries()].sort((a, b) => b[1].count - a[1].count);
  const counts = new Map(confusions.map((confusion) => [`${confusion.week}|${pairKey(confusion)}`, confusion.count]));
  return {
    tooltip: { trigger: 'axis' },
    legend: { top: 0, type: 'scroll' },
    grid: { left: 40, right: 16, top: 48, bottom: 32, containLabel: true },
    xAxis: { type: 'category', data: weeks },
    yAxis: { type: 'value', minInterval: 1 },
    series: pairs.map(([key, { label }]) => ({
      type: 'bar',
      stack: 'confusions',
      name: label,
      barMaxWidth: 48,
      data: weeks.map((week) => counts.get(`${week}|${key}`) ?? 0),
    })),
  };
}

/** Cards due by `now`, the longest overdue first (the server sends them soonest due first). */
export function dueCards(cards: readonly PracticeTaxonProgress[], now: Date): PracticeTaxonProgress[] {
  return cards.filter((card) => new Date(card.dueAt).getTime() <= now.getTime());
}

/** A share as a whole percentage ("75 %"), or a dash where nothing was answered. */
export function percent(share: number | null): string {
  return share === null ? '-' : `${Math.round(share * 100)} %`;
}
