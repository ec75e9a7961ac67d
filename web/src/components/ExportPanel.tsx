import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { EXPORT_FORMATS, type ExportFormat, type ExportJob, type SurveillanceFilters } from '@contract';
import { api } from '../api/client';
import { queryKeys } from '../api/query-keys';
import { useEnumLabel } from '../enums';
import { formatDateTime } from '../format';
import { useLanguage } from '../i18n';
import { ErrorMessage } from './ErrorMessage';
import { ProgressBar } from './ProgressBar';
import { Select } from './Select';

/** While an export is being written, its progress is asked for this often. */
const PROGRESS_POLL_MS = 1000;

const isPending = (job: ExportJob) => job.status === 'queued' || job.status === 'running';

const exportsQuery = queryOptions({
  queryKey: queryKeys.exports,
  queryFn: ({ signal }) => api.listExports({}, { signal }),
  refetchInterval: (query) => (query.state.data?.items.some(isPending) ? PROGRESS_POLL_MS : false),
});

/**
 * Exports what the list's filters find (ADR 0021): a format, a button, and the person's exports with their progress
 * and, once written, a download link (the session cookie authorises it, as for recordings).
 */
export function ExportPanel({ filters }: { filters: SurveillanceFilters }) {
  const { t } = useTranslation();
  const lng = useLanguage();
  const enumLabel = useEnumLabel();
  const queryClient = useQueryClient();
  const [format, setFormat] = useState<ExportFormat>('csv');
  const [open, setOpen] = useState(false);
  const { data, error } = useQuery({ ...exportsQuery, enabled: open });
  const start = useMutation({
    mutationFn: () => api.createExport({ body: { format, filters } }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.exports }),
  });
  const jobs = data?.items ?? [];

  return (
    <details className="card export-panel" data-testid="export-panel" onToggle={(event) => setOpen(event.currentTarget.open)}>
      <summary>{t('exports.title')}</summary>
      <div className="export-start">
        <Select
          value={format}
          options={EXPORT_FORMATS.map((value) => ({ value, label: enumLabel('exportFormat', value) }))}
          onChange={setFormat}
          ariaLabel={t('exports.format')}
          testId="export-format"
        />
        <button
          type="button"
          className="btn btn-primary"
          disabled={start.isPending}
          onClick={() => start.mutate()}
          data-testid="export-start"
        >
          {start.isPending ? t('exports.starting') : t('exports.start')}
        </button>
      </div>
      <ErrorMessage error={start.error ?? error} />
      <h3>{t('exports.recent')}</h3>
      {jobs.length === 0 ? (
        <p className="muted">{t('exports.none')}</p>
      ) : (
        <ul className="export-list">
          {jobs.map((job) => (
            <li key={job.id} data-testid="export-job" data-status={job.status}>
              <span>{enumLabel('exportFormat', job.format)}</span>
              <span className="muted small">{formatDateTime(job.createdAt, lng)}</span>
              <span data-testid="export-status">{enumLabel('exportStatus', job.status)}</span>
              {isPending(job) && <ProgressBar value={job.progress * 100} label={t('exports.progress')} />}
              {job.rows !== null && <span className="muted small">{t('exports.rows', { count: job.rows })}</span>}
              {job.fileUrl && (
                <a href={job.fileUrl} download data-testid="export-download">
                  {t('exports.download')}
                </a>
              )}
              {job.status === 'failed' && <span className="error-text">{job.error}</span>}
              {job.status === 'expired' && <span className="muted small">{t('exports.expiredNote')}</span>}
            </li>
          ))}
        </ul>
      )}
    </details>
  );
}
