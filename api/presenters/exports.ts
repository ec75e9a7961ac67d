import { endpoints, urlOf, type ExportJob } from '../contract/index.js';
import type { ExportRecord } from '../repositories/export.repository.js';

export function presentExport(record: ExportRecord): ExportJob {
  const { rowsTotal, rowsWritten, status } = record;
  return {
    id: record.id,
    format: record.format,
    filters: record.filters,
    status,
    progress: status === 'done' || status === 'expired' ? 1 : rowsTotal ? Math.min(1, rowsWritten / rowsTotal) : 0,
    rows: status === 'queued' ? null : rowsWritten,
    error: record.error,
    createdAt: record.createdAt.toISOString(),
    finishedAt: record.finishedAt?.toISOString() ?? null,
    fileUrl: status === 'done' ? urlOf(endpoints.exportFile, { params: { id: record.id } }) : null,
  };
}
