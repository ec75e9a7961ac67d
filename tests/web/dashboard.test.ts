// The dashboard's pure parts: its address, the days of a clicked period, and what a click on each chart filters the
// specimen list by.
import { describe, expect, it } from 'vitest';
import type { PortDensity, PositiveRate, StatCount, StepTimes, Turnaround } from '@contract';
import { positiveRateChart, taxonChart, timeSeriesChart, turnaroundChart, type ChartClick } from '../../web/src/dashboard/charts';
import { listSearchFor, periodDays } from '../../web/src/dashboard/click-through';
import { portMapChart, symbolSize } from '../../web/src/dashboard/port-map';
import { dashboardFilters, parseDashboardSearch, statsFiltersFor } from '../../web/src/dashboard/search';
import { dateToIso } from '../../web/src/format';

const bar = (dataIndex: number, seriesIndex = 0): ChartClick => ({ componentType: 'series', seriesIndex, dataIndex });
const count = (cell: Partial<StatCount>): StatCount => ({ count: 1, individuals: 1, ...cell });

describe('the dashboard address', () => {
  it('keeps the surveillance filters, a weekly interval and turnaround by month; drops the rest', () => {
    const search = parseDashboardSearch({ from: '2026-01-01', group: 'tick', interval: 'week', turnaroundBy: 'month', sort: 'x' });
    expect(search).toMatchObject({ from: '2026-01-01', group: 'tick', interval: 'week', turnaroundBy: 'month' });
    expect(parseDashboardSearch({ interval: 'day', turnaroundBy: 'port' })).toMatchObject({ interval: undefined, turnaroundBy: undefined });
    expect(dashboardFilters(search)).not.toHaveProperty('interval');
    expect(statsFiltersFor(search)).toEqual({ from: dateToIso('2026-01-01', false), group: 'tick' });
  });
});

describe('the days of a period', () => {
  it('spans a month, leap years included', () => {
    expect(periodDays('2026-11')).toEqual({ from: '2026-11-01', to: '2026-11-30' });
    expect(periodDays('2028-02')).toEqual({ from: '2028-02-01', to: '2028-02-29' });
    expect(periodDays('2026-12')).toEqual({ from: '2026-12-01', to: '2026-12-31' });
  });

  it('spans an ISO week, Monday to Sunday, across the turn of a year', () => {
    expect(periodDays('2026-W01')).toEqual({ from: '2025-12-29', to: '2026-01-04' });
    expect(periodDays('2026-W47')).toEqual({ from: '2026-11-16', to: '2026-11-22' });
    expect(periodDays('2020-W53')).toEqual({ from: '2020-12-28', to: '2021-01-03' });
  });

  it('is nothing for what is no period', () => {
    for (const period of ['2026-13', '2026-W00', '2026-W54', 'mosquito', '']) expect(periodDays(period)).toBeUndefined();
  });
});

describe('a click-through', () => {
  it('adds what was clicked to the dashboard filters, a period narrowed to the dashboard dates', () => {
    expect(listSearchFor({ from: '2026-11-10', portCode: 'CNNGB-BL' }, { from: '2026-11-01', to: '2026-11-30', group: 'flea' })).toEqual({
      from: '2026-11-10',
      to: '2026-11-30',
      portCode: 'CNNGB-BL',
      group: 'flea',
    });
    expect(listSearchFor({ taxon: 'Culex' }, { taxon: 'Culex pipiens' })).toEqual({ taxon: 'Culex pipiens' });
  });

  it('from the time series opens the period of the bar and its vector group', () => {
    const rows = [
      count({ month: '2026-11', group: 'mosquito' }),
      count({ month: '2026-10', group: 'tick' }),
      count({ month: '2026-10', group: null }),
    ];
    const chart = timeSeriesChart(rows, 'month', (group) => group ?? 'none');
    // Periods in order; series by group, the group-less last.
    expect(chart.option.xAxis).toMatchObject({ data: ['2026-10', '2026-11'] });
    expect(chart.filterAt(bar(1, 0))).toEqual({ from: '2026-11-01', to: '2026-11-30', group: 'mosquito' });
    expect(chart.filterAt(bar(0, 1))).toEqual({ from: '2026-10-01', to: '2026-10-31', group: 'tick' });
    expect(chart.filterAt(bar(0, 2))).toEqual({ from: '2026-10-01', to: '2026-10-31' });
    expect(chart.filterAt({ componentType: 'legend', dataIndex: 0 })).toBeUndefined();
  });

  it('from the taxa opens the taxon of the bar, most counted drawn on top', () => {
    const chart = taxonChart(
      [count({ taxon: 'Culex', count: 2 }), count({ taxon: 'Aedes albopictus', count: 5 }), count({ taxon: null, count: 1 })],
      (taxon) => taxon ?? 'none',
    );
    expect(chart.option.yAxis).toMatchObject({ data: ['none', 'Culex', 'Aedes albopictus'] });
    expect(chart.filterAt(bar(2))).toEqual({ taxon: 'Aedes albopictus' });
    expect(chart.filterAt(bar(0))).toBeUndefined();
  });

  it('from the map opens the port of the point, sized by its detections', () => {
    const port = (code: string, detections: number): PortDensity => ({
      port: code,
      longitude: 121.8,
      latitude: 29.9,
      specimens: 1,
      individuals: 1,
      detections,
      months: 1,
      individualsPerMonth: 1,
    });
    const chart = portMapChart([port('CNNGB-BL', 9), port('CNNGB-LS', 0)], (code) => code, 'Detections');
    expect(chart.filterAt(bar(1))).toEqual({ portCode: 'CNNGB-LS' });
    expect(chart.filterAt({ componentType: 'geo', dataIndex: 0 })).toBeUndefined();
    expect(symbolSize(9, 9)).toBeGreaterThan(symbolSize(1, 9));
    expect(symbolSize(0, 0)).toBeGreaterThan(0);
  });

  it('from the positive rates opens the site type of the bar, highest rate first, in percent', () => {
    const rate = (siteType: PositiveRate['siteType'], positives: number, specimens: number): PositiveRate => ({
      siteType,
      specimens,
      positives,
      rate: positives / specimens,
    });
    const chart = positiveRateChart([rate('ship', 1, 4), rate('aircraft', 2, 3)], (siteType) => siteType);
    expect(chart.option.xAxis).toMatchObject({ data: ['aircraft', 'ship'] });
    expect(chart.option.series).toEqual([expect.objectContaining({ data: [66.7, 25] })]);
    expect(chart.filterAt(bar(1))).toEqual({ siteType: 'ship' });
    expect(chart.filterAt(bar(2))).toBeUndefined();
  });

  it('from turnaround opens the port or the month of the column', () => {
    const step: StepTimes = { p50: 7200, p90: 36_000, n: 2 };
    const steps = { collectedToSubmitted: step, submittedToAi: step, aiToDecision: step, decisionToAcknowledged: step, total: step };
    const byMonth: Turnaround = { items: [{ month: '2026-10', ...steps }], slowest: [] };
    expect(turnaroundChart(byMonth, 'p50', (s) => s).filterAt(bar(0))).toEqual({ from: '2026-10-01', to: '2026-10-31' });
    const byPort: Turnaround = { items: [{ port: 'CNNGB-BL', ...steps }], slowest: [] };
    const chart = turnaroundChart(byPort, 'p90', (s) => s);
    expect(chart.filterAt(bar(0, 3))).toEqual({ portCode: 'CNNGB-BL' });
    expect(chart.option.series).toContainEqual(expect.objectContaining({ type: 'line', data: [10] }));
  });
});
