import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import type { SiteType, Specimen, SpecimenListQuery, SpecimenStatus } from '@contract';
import { getSession } from '../api/session';
import { ErrorMessage } from '../components/ErrorMessage';
import { Field } from '../components/Field';
import { EnumSelect, PortSelect } from '../components/Select';
import { IdentificationBadge } from '../components/IdentificationBadge';
import { StatusBadge } from '../components/StatusBadge';
import { useEnumLabel } from '../enums';
import { dateToIso, formatDateTime, portName } from '../format';
import { usePorts } from '../hooks';
import { useLanguage } from '../i18n';
import { mergeSpecimen } from '../identification';
import { useLiveEvent } from '../live';
import { navigate, specimenHref } from '../router';

const PAGE_SIZE = 50;

interface Filters {
  portCode: string;
  status: SpecimenStatus | '';
  siteType: SiteType | '';
  from: string; // yyyy-mm-dd (local)
  to: string; // yyyy-mm-dd (local, inclusive)
  mine: boolean; // only specimens I submitted
}

const EMPTY_FILTERS: Filters = { portCode: '', status: '', siteType: '', from: '', to: '', mine: false };

function toQuery(filters: Filters, offset: number): SpecimenListQuery {
  const q: SpecimenListQuery = { limit: PAGE_SIZE, offset };
  if (filters.portCode) q.portCode = filters.portCode;
  if (filters.status) q.status = filters.status;
  if (filters.siteType) q.siteType = filters.siteType;
  const from = dateToIso(filters.from, false);
  const to = dateToIso(filters.to, true);
  if (from) q.from = from;
  if (to) q.to = to;
  if (filters.mine) q.mine = true;
  return q;
}

/** Whether a live-pushed specimen belongs in the currently filtered list. */
function matches(s: Specimen, filters: Filters): boolean {
  if (filters.mine && s.createdBy.id !== getSession()?.user.id) return false;
  if (filters.portCode && s.port.code !== filters.portCode) return false;
  if (filters.status && s.status !== filters.status) return false;
  if (filters.siteType && s.siteType !== filters.siteType) return false;
  const at = Date.parse(s.collectedAt);
  const from = dateToIso(filters.from, false);
  const to = dateToIso(filters.to, true);
  if (from && at < Date.parse(from)) return false;
  if (to && at > Date.parse(to)) return false;
  return true;
}

interface ListState {
  items: Specimen[];
  total: number;
}

export function MySpecimensPage() {
  const { t } = useTranslation();
  const lng = useLanguage();
  const enumLabel = useEnumLabel();
  const { ports } = usePorts();
  const [filters, setFilters] = useState<Filters>(EMPTY_FILTERS);
  const [offset, setOffset] = useState(0);
  const [reloadKey, setReloadKey] = useState(0);
  const [data, setData] = useState<ListState | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    const controller = new AbortController();
    setLoading(true);
    setError(null);
    api.listSpecimens({ query: toQuery(filters, offset) }, { signal: controller.signal }).then(
      (r) => {
        // Keep identifications that a push finished while this request was under way.
        setData((prev) => ({
          items: r.items.map((item) => mergeSpecimen(prev?.items.find((s) => s.id === item.id), item)),
          total: r.total,
        }));
        setLoading(false);
      },
      (err: unknown) => {
        if (controller.signal.aborted) return;
        setError(err);
        setLoading(false);
      },
    );
    return () => controller.abort();
  }, [filters, offset, reloadKey]);

  useLiveEvent('specimen.created', ({ specimen }) => {
    if (offset !== 0 || !matches(specimen, filters)) return;
    setData((prev) => {
      if (!prev || prev.items.some((s) => s.id === specimen.id)) return prev;
      return { items: [specimen, ...prev.items].slice(0, PAGE_SIZE), total: prev.total + 1 };
    });
  });

  const applyUpdate = ({ specimen }: { specimen: Specimen }) => {
    setData((prev) => {
      if (!prev || !prev.items.some((s) => s.id === specimen.id)) return prev;
      return { ...prev, items: prev.items.map((s) => (s.id === specimen.id ? mergeSpecimen(s, specimen) : s)) };
    });
  };
  useLiveEvent('specimen.updated', applyUpdate);
  useLiveEvent('identification.completed', applyUpdate);

  const setFilter = useCallback(<K extends keyof Filters>(key: K, value: Filters[K]) => {
    setFilters((f) => ({ ...f, [key]: value }));
    setOffset(0);
  }, []);

  const hasFilters = Object.values(filters).some(Boolean);
  const items = data?.items ?? [];
  const total = data?.total ?? 0;

  return (
    <section className="page">
      <div className="page-head">
        <h1 className="page-title">{t('list.title')}</h1>
        <a className="btn btn-primary" href="#/submit">
          {t('list.newSpecimen')}
        </a>
      </div>

      <form className="card filters" aria-label={t('list.filters')} onSubmit={(e) => e.preventDefault()}>
        <Field label={t('list.port')}>
          <PortSelect
            ports={ports}
            value={filters.portCode}
            placeholder={t('common.any')}
            onChange={(v) => setFilter('portCode', v)}
            testId="filter-port"
          />
        </Field>
        <Field label={t('list.status')}>
          <EnumSelect
            kind="status"
            value={filters.status}
            placeholder={t('common.any')}
            onChange={(v) => setFilter('status', v)}
            testId="filter-status"
          />
        </Field>
        <Field label={t('list.siteType')}>
          <EnumSelect
            kind="siteType"
            value={filters.siteType}
            placeholder={t('common.any')}
            onChange={(v) => setFilter('siteType', v)}
            testId="filter-site-type"
          />
        </Field>
        <Field label={t('list.from')}>
          <input
            type="date"
            value={filters.from}
            max={filters.to || undefined}
            onChange={(e) => setFilter('from', e.target.value)}
            data-testid="filter-from"
          />
        </Field>
        <Field label={t('list.to')}>
          <input
            type="date"
            value={filters.to}
            min={filters.from || undefined}
            onChange={(e) => setFilter('to', e.target.value)}
            data-testid="filter-to"
          />
        </Field>
        <div className="filters-footer">
          <label className="field-check">
            <input
              type="checkbox"
              checked={filters.mine}
              onChange={(e) => setFilter('mine', e.target.checked)}
              data-testid="filter-mine"
            />
            <span>{t('list.onlyMine')}</span>
          </label>
          <div className="filters-actions">
            <button
              type="button"
              className="btn btn-ghost"
              disabled={!hasFilters}
              onClick={() => {
                setFilters(EMPTY_FILTERS);
                setOffset(0);
              }}
            >
              {t('list.clearFilters')}
            </button>
          </div>
        </div>
      </form>

      <ErrorMessage error={error} onRetry={() => setReloadKey((k) => k + 1)} />

      {loading && !data ? (
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
                const href = specimenHref(s.id);
                return (
                  <tr
                    key={s.id}
                    className="specimen-row"
                    data-testid="specimen-row"
                    data-specimen-id={s.id}
                    onClick={(e) => {
                      if (!(e.target as HTMLElement).closest('a')) navigate(href);
                    }}
                  >
                    <td className="cell-thumb">
                      <a href={href} aria-label={`${s.port.code} ${formatDateTime(s.collectedAt, lng)}`}>
                        {thumb ? (
                          <img
                            src={thumb}
                            alt=""
                            loading="lazy"
                            className="thumb"
                            data-testid="specimen-thumbnail"
                          />
                        ) : (
                          <span className="thumb thumb-empty">{t('list.noImage')}</span>
                        )}
                      </a>
                    </td>
                    <td data-label={t('list.port')}>
                      <div className="cell-port">
                        <a href={href} className="row-link">
                          <span className="port-code">{s.port.code}</span> {portName(s.port, lng)}
                        </a>
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

      {total > 0 && (
        <nav className="pagination" aria-label="pagination">
          <span className="muted" data-testid="pagination-range">
            {t('list.range', {
              from: Math.min(offset + 1, total),
              to: Math.min(offset + items.length, total),
              total,
            })}
          </span>
          <div className="pagination-buttons">
            <button
              type="button"
              className="btn btn-secondary"
              disabled={offset === 0 || loading}
              onClick={() => setOffset((o) => Math.max(0, o - PAGE_SIZE))}
              data-testid="page-prev"
            >
              {t('list.previous')}
            </button>
            <button
              type="button"
              className="btn btn-secondary"
              disabled={offset + PAGE_SIZE >= total || loading}
              onClick={() => setOffset((o) => o + PAGE_SIZE)}
              data-testid="page-next"
            >
              {t('list.next')}
            </button>
          </div>
        </nav>
      )}
    </section>
  );
}
