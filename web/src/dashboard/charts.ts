// The dashboard's charts as ECharts options, each with what a click on one of its data items filters the specimen
// list by. Pure: the page gives the figures and the words.
import {
  TURNAROUND_STEPS,
  VECTOR_GROUPS,
  type PositiveRate,
  type SiteType,
  type StatCount,
  type Turnaround,
  type TurnaroundStep,
  type VectorGroup,
} from '@contract';
import type { FilterSearch } from '../specimen-search';
import { periodDays } from './click-through';
import type { ChartOption, ECElementEvent } from './echarts';
import type { Interval } from './search';

export type ChartClick = Pick<ECElementEvent, 'componentType' | 'seriesIndex' | 'dataIndex'>;

export interface DrawnChart {
  option: ChartOption;
  /** The list filters of a clicked data item; undefined where it stands for none (no taxon, say). */
  filterAt: (click: ChartClick) => FilterSearch | undefined;
}

const GRID = { left: 8, right: 16, top: 36, bottom: 8, containLabel: true };

function clickedSeries(click: ChartClick): { series: number; index: number } | undefined {
  return click.componentType === 'series' ? { series: click.seriesIndex ?? 0, index: click.dataIndex } : undefined;
}

function groupOf(value: string | null | undefined): VectorGroup | undefined {
  return VECTOR_GROUPS.find((group) => group === value);
}

function rank(group: string | null): number {
  const known = groupOf(group);
  return known ? VECTOR_GROUPS.indexOf(known) : VECTOR_GROUPS.length;
}

/** Specimens per month or ISO week, stacked by vector group; a bar opens that period's specimens of its group. */
export function timeSeriesChart(rows: readonly StatCount[], interval: Interval, groupLabel: (group: string | null) => string): DrawnChart {
  const periodOf = (row: StatCount) => row[interval] ?? '';
  const periods = [...new Set(rows.map(periodOf))].filter(Boolean).sort();
  // Groups in the vocabulary's order, specimens of none last.
  const groups = [...new Set(rows.map((row) => row.group ?? null))].sort((a, b) => rank(a) - rank(b));
  const counts = new Map(rows.map((row) => [`${periodOf(row)}|${row.group ?? ''}`, row.count]));
  return {
    option: {
      tooltip: { trigger: 'axis' },
      legend: { top: 0, type: 'scroll' },
      grid: GRID,
      xAxis: { type: 'category', data: periods },
      yAxis: { type: 'value', minInterval: 1 },
      series: groups.map((group) => ({
        type: 'bar',
        stack: 'specimens',
        name: groupLabel(group),
        data: periods.map((period) => counts.get(`${period}|${group ?? ''}`) ?? 0),
      })),
    },
    filterAt: (click) => {
      const at = clickedSeries(click);
      const days = at && periodDays(periods[at.index] ?? '');
      if (!at || !days) return undefined;
      const group = groupOf(groups[at.series]);
      return group ? { ...days, group } : days;
    },
  };
}

const TOP_TAXA = 12;

/** The most counted taxa, most first; a bar opens that taxon's specimens (and those of the taxa below it). */
export function taxonChart(rows: readonly StatCount[], taxonLabel: (taxon: string | null) => string): DrawnChart {
  const top = rows.toSorted((a, b) => b.count - a.count).slice(0, TOP_TAXA);
  // A horizontal bar chart draws its first category at the bottom.
  const shown = top.toReversed();
  return {
    option: {
      tooltip: { trigger: 'item' },
      grid: { ...GRID, top: 8 },
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: { type: 'category', data: shown.map((row) => taxonLabel(row.taxon ?? null)) },
      series: [{ type: 'bar', data: shown.map((row) => row.count) }],
    },
    filterAt: (click) => {
      const taxon = shown[clickedSeries(click)?.index ?? -1]?.taxon;
      return taxon ? { taxon } : undefined;
    },
  };
}

/**
 * The share of specimens whose identification names a vector, in percent per site type (the counts in the tooltip);
 * a bar opens that site type's specimens.
 */
export function positiveRateChart(rows: readonly PositiveRate[], siteLabel: (siteType: SiteType) => string): DrawnChart {
  const shown = rows.toSorted((a, b) => b.rate - a.rate);
  return {
    option: {
      tooltip: {
        trigger: 'item',
        formatter: (params) => {
          const row = shown[(Array.isArray(params) ? params[0] : params)?.dataIndex ?? -1];
          return row ? `${siteLabel(row.siteType)}: ${row.positives} / ${row.specimens}` : '';
        },
      },
      grid: { ...GRID, top: 8 },
      xAxis: { type: 'category', data: shown.map((row) => siteLabel(row.siteType)) },
      yAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
      series: [{ type: 'bar', data: shown.map((row) => Math.round(row.rate * 1000) / 10) }],
    },
    filterAt: (click) => {
      const siteType = shown[clickedSeries(click)?.index ?? -1]?.siteType;
      return siteType ? { siteType } : undefined;
    },
  };
}

export const PERCENTILES = ['p50', 'p90'] as const;
export type Percentile = (typeof PERCENTILES)[number];

const HOUR_S = 3600;

export function hours(seconds: number | null): number | null {
  return seconds === null ? null : Math.round((seconds / HOUR_S) * 10) / 10;
}

/**
 * Hours each step took (its median or 90th percentile) per port or month, the steps as bars and the whole as a line;
 * a port or month opens its specimens.
 */
export function turnaroundChart(turnaround: Turnaround, percentile: Percentile, stepLabel: (step: TurnaroundStep) => string): DrawnChart {
  const rows = turnaround.items;
  const categoryOf = (row: Turnaround['items'][number]) => row.port ?? row.month ?? '';
  return {
    option: {
      tooltip: { trigger: 'axis' },
      legend: { top: 0, type: 'scroll' },
      grid: GRID,
      xAxis: { type: 'category', data: rows.map(categoryOf) },
      yAxis: { type: 'value' },
      series: TURNAROUND_STEPS.map((step) => ({
        type: step === 'total' ? 'line' : 'bar',
        name: stepLabel(step),
        data: rows.map((row) => hours(row[step][percentile])),
      })),
    },
    filterAt: (click) => {
      const row = rows[clickedSeries(click)?.index ?? -1];
      if (!row) return undefined;
      if (row.port) return { portCode: row.port };
      return row.month ? periodDays(row.month) : undefined;
    },
  };
}
