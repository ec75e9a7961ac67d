import { useQuery } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { TURNAROUND_DIMENSIONS, type Port, type Turnaround, type TurnaroundDimension } from '@contract';
import { Link } from '@tanstack/react-router';
import type { DashboardQueries } from '../api/stats-queries';
import { useTaxa } from '../api/taxa-queries';
import {
  hours,
  PERCENTILES,
  positiveRateChart,
  taxonChart,
  timeSeriesChart,
  turnaroundChart,
  type DrawnChart,
  type Percentile,
} from '../dashboard/charts';
import { baseMapQuery, portMapChart } from '../dashboard/port-map';
import { INTERVALS, type Interval } from '../dashboard/search';
import { useEnumLabel, type EnumValue } from '../enums';
import { formatDateTime, portLabel } from '../format';
import { useLanguage } from '../i18n';
import { UNKNOWN_TAXON } from '../identification';
import type { FilterSearch } from '../specimen-search';
import { Chart } from './Chart';
import { ErrorMessage } from './ErrorMessage';
import { Select } from './Select';

/** What every panel is drawn with, and where a click leads. */
interface PanelProps {
  queries: DashboardQueries;
  /** Opens the specimen list with these filters on top of the dashboard's. */
  openList: (clicked: FilterSearch) => void;
}

interface PanelFrameProps {
  title: string;
  testId: string;
  controls?: ReactNode;
  error: Error | null;
  /** Nothing to draw: says so instead of an empty chart. */
  empty: boolean;
  /** Not ready to draw yet (the map's base map is loading). */
  loading?: boolean;
  drawn: DrawnChart;
  openList: (clicked: FilterSearch) => void;
  /** Shown under the chart. */
  footer?: ReactNode;
}

function Panel({ title, testId, controls, error, empty, loading = false, drawn, openList, footer }: PanelFrameProps) {
  const { t } = useTranslation();
  return (
    <section className="card dashboard-panel" data-testid={`${testId}-panel`}>
      <div className="dashboard-panel-head">
        <h2>{title}</h2>
        {controls}
      </div>
      <ErrorMessage error={error} />
      {loading ? (
        <p className="muted">{t('common.loading')}</p>
      ) : empty ? (
        <p className="empty">{t('dashboard.noData')}</p>
      ) : (
        <Chart
          option={drawn.option}
          label={title}
          testId={testId}
          onClick={(event) => {
            const clicked = drawn.filterAt(event);
            if (clicked) openList(clicked);
          }}
        />
      )}
      {footer}
    </section>
  );
}

export function TimeSeriesPanel({
  queries,
  openList,
  interval,
  onInterval,
}: PanelProps & { interval: Interval; onInterval: (interval: Interval) => void }) {
  const { t } = useTranslation();
  const enumLabel = useEnumLabel();
  const { data, error } = useQuery(queries.overTime);
  const rows = data?.items;
  const drawn = timeSeriesChart(rows ?? [], interval, (group) =>
    group ? enumLabel('group', group as EnumValue<'group'>) : t('dashboard.noGroup'),
  );
  const controls = (
    <Select
      value={interval}
      options={INTERVALS.map((value) => ({ value, label: t(`dashboard.${value}`) }))}
      onChange={onInterval}
      ariaLabel={t('dashboard.interval')}
      testId="dashboard-interval"
    />
  );
  return (
    <Panel
      title={t('dashboard.overTime')}
      testId="chart-time"
      controls={controls}
      error={error}
      empty={rows?.length === 0}
      drawn={drawn}
      openList={openList}
    />
  );
}

export function TaxaPanel({ queries, openList }: PanelProps) {
  const { t } = useTranslation();
  const lng = useLanguage();
  const { data, error } = useQuery(queries.taxa);
  const rows = data?.items;
  const taxa = useTaxa((rows ?? []).flatMap((row) => (row.taxon ? [row.taxon] : [])));
  const drawn = taxonChart(rows ?? [], (id) => {
    if (id === null) return t('dashboard.unidentified');
    if (id === UNKNOWN_TAXON) return t('identification.unknownShort');
    const taxon = taxa.get(id);
    return (taxon && (lng === 'zh' ? taxon.nameZh : taxon.nameEn)) || id;
  });
  return (
    <Panel title={t('dashboard.taxa')} testId="chart-taxa" error={error} empty={rows?.length === 0} drawn={drawn} openList={openList} />
  );
}

export function PortMapPanel({ queries, openList, ports }: PanelProps & { ports: readonly Port[] }) {
  const { t } = useTranslation();
  const lng = useLanguage();
  const { data, error } = useQuery(queries.ports);
  const baseMap = useQuery(baseMapQuery);
  const rows = data?.items;
  const byCode = new Map(ports.map((port) => [port.code, port]));
  const label = (code: string) => {
    const port = byCode.get(code);
    return port ? portLabel(port, lng) : code;
  };
  const drawn = portMapChart(rows ?? [], label, t('dashboard.detections'));
  // The base map is worth showing without any port on it.
  return (
    <Panel
      title={t('dashboard.map')}
      testId="chart-map"
      error={error ?? baseMap.error}
      empty={false}
      loading={baseMap.isPending}
      drawn={drawn}
      openList={openList}
    />
  );
}

export function TurnaroundPanel({
  queries,
  openList,
  by,
  onBy,
}: PanelProps & { by: TurnaroundDimension; onBy: (by: TurnaroundDimension) => void }) {
  const { t } = useTranslation();
  const [percentile, setPercentile] = useState<Percentile>('p50');
  const { data, error } = useQuery(queries.turnaround);
  const drawn = turnaroundChart(data ?? { items: [], slowest: [] }, percentile, (step) => t(`dashboard.steps.${step}`));
  const controls = (
    <div className="dashboard-panel-controls">
      <Select
        value={by}
        options={TURNAROUND_DIMENSIONS.map((value) => ({ value, label: t(value === 'port' ? 'dashboard.byPort' : 'dashboard.byMonth') }))}
        onChange={onBy}
        ariaLabel={t('dashboard.turnaroundBy')}
        testId="turnaround-by"
      />
      <Select
        value={percentile}
        options={PERCENTILES.map((value) => ({ value, label: value }))}
        onChange={setPercentile}
        ariaLabel={t('dashboard.percentile')}
        testId="turnaround-percentile"
      />
    </div>
  );
  return (
    <Panel
      title={`${t('dashboard.turnaround')} (${t('dashboard.hours')})`}
      testId="chart-turnaround"
      controls={controls}
      error={error}
      empty={data?.items.length === 0}
      drawn={drawn}
      openList={openList}
      footer={data && data.slowest.length > 0 && <SlowestCases slowest={data.slowest} />}
    />
  );
}

/** The specimens that took longest from collection to the last step they reached, each a link to its page. */
function SlowestCases({ slowest }: { slowest: Turnaround['slowest'] }) {
  const { t } = useTranslation();
  const lng = useLanguage();
  return (
    <details className="dashboard-slowest" data-testid="turnaround-slowest">
      <summary>{t('dashboard.slowest', { count: slowest.length })}</summary>
      <table className="data-table">
        <thead>
          <tr>
            <th>{t('dashboard.slowestSpecimen')}</th>
            <th>{t('dashboard.slowestCollected')}</th>
            <th className="num">
              {t('dashboard.steps.total')} ({t('dashboard.hours')})
            </th>
          </tr>
        </thead>
        <tbody>
          {slowest.map((slow) => (
            <tr key={slow.specimenId}>
              <td>
                <Link to="/specimens/$id" params={{ id: slow.specimenId }}>
                  {slow.port} · {slow.specimenId.slice(0, 8)}
                </Link>
              </td>
              <td>{formatDateTime(slow.collectedAt, lng)}</td>
              <td className="num">{hours(slow.totalSeconds)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

export function PositiveRatePanel({ queries, openList }: PanelProps) {
  const { t } = useTranslation();
  const enumLabel = useEnumLabel();
  const { data, error } = useQuery(queries.positiveRates);
  const rows = data?.items;
  const drawn = positiveRateChart(rows ?? [], (siteType) => enumLabel('siteType', siteType));
  return (
    <Panel
      title={t('dashboard.positiveRate')}
      testId="chart-positive-rate"
      error={error}
      empty={rows?.length === 0}
      drawn={drawn}
      openList={openList}
    />
  );
}
