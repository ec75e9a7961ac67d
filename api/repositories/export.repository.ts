import type { SurveillanceFilters } from '../contract/surveillance.js';
import type { Db } from '../db/database.js';
import { sql, type Selectable } from 'kysely';
import type { ExportsTable } from '../db/schema.js';
import type { Scope } from '../domain/access.js';
import type { ExportFormat, ExportStatus } from '../domain/vocabulary.js';
import { outboxRows } from './outbox-rows.js';

export interface ExportRecord {
  id: string;
  requestedBy: string;
  scope: Scope;
  format: ExportFormat;
  filters: SurveillanceFilters;
  status: ExportStatus;
  rowsWritten: number;
  rowsTotal: number | null;
  error: string | null;
  fileName: string | null;
  createdAt: Date;
  finishedAt: Date | null;
}

export type NewExport = Pick<ExportRecord, 'requestedBy' | 'scope' | 'format' | 'filters'>;

/**
 * Requested exports (`exports`, ADR 0021): the outbox the `export` job queue is fed from, and each export's progress.
 * A row belongs to its requester; the scope it was asked in travels with it.
 */
export class ExportRepository {
  private readonly outbox: ReturnType<typeof outboxRows>;

  constructor(private readonly db: Db) {
    // A running export is pending too: one whose process died is handed over again and written afresh.
    this.outbox = outboxRows(db, 'exports', ['queued', 'running']);
  }

  async create(request: NewExport): Promise<string> {
    const { id } = await this.db
      .insertInto('exports')
      .values({
        requested_by: request.requestedBy,
        scope: JSON.stringify(request.scope),
        format: request.format,
        filters: JSON.stringify(request.filters),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return id;
  }

  /** The export, if `requestedBy` asked for it (someone else's is as missing as no export at all). */
  async findOwn(id: string, requestedBy: string): Promise<ExportRecord | undefined> {
    const row = await this.db
      .selectFrom('exports')
      .selectAll()
      .where('id', '=', id)
      .where('requested_by', '=', requestedBy)
      .executeTakeFirst();
    return row && recordOf(row);
  }

  /** The latest `limit` exports `requestedBy` asked for, newest first. */
  async listOwn(requestedBy: string, limit: number): Promise<ExportRecord[]> {
    const rows = await this.db
      .selectFrom('exports')
      .selectAll()
      .where('requested_by', '=', requestedBy)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map(recordOf);
  }

  /** Queued or running exports never handed to the queue, or handed over before `staleBefore` (the outbox). */
  pendingToEnqueue(staleBefore: Date, limit: number): Promise<string[]> {
    return this.outbox.pendingToEnqueue(staleBefore, limit);
  }

  markEnqueued(ids: string[]): Promise<void> {
    return this.outbox.markEnqueued(ids);
  }

  /**
   * Starts (or, after a crash, restarts) writing an export: `running`, its progress reset. Undefined when it is done or
   * failed already — a job seen again after it finished leaves it alone.
   */
  async start(id: string): Promise<ExportRecord | undefined> {
    const row = await this.db
      .updateTable('exports')
      .set({ status: 'running', started_at: new Date(), rows_written: 0, rows_total: null, error: null })
      .where('id', '=', id)
      .where('status', 'in', ['queued', 'running'])
      .returningAll()
      .executeTakeFirst();
    return row && recordOf(row);
  }

  async progress(id: string, rowsWritten: number, rowsTotal: number): Promise<void> {
    await this.db
      .updateTable('exports')
      .set({ rows_written: rowsWritten, rows_total: rowsTotal })
      .where('id', '=', id)
      .where('status', '=', 'running')
      .execute();
  }

  async finish(id: string, file: { fileName: string; bytes: number; rows: number }): Promise<void> {
    await this.db
      .updateTable('exports')
      .set({ status: 'done', file_name: file.fileName, bytes: file.bytes, rows_written: file.rows, finished_at: new Date() })
      .where('id', '=', id)
      .where('status', '=', 'running')
      .execute();
  }

  /** Done exports finished before `finishedBefore` become `expired`; the names of the files they had. */
  async expire(finishedBefore: Date): Promise<string[]> {
    const { rows } = await sql<{ file_name: string | null }>`
      update exports set status = 'expired', file_name = null
      from (select id, file_name from exports where status = 'done' and finished_at < ${finishedBefore} for update) expiring
      where exports.id = expiring.id
      returning expiring.file_name`.execute(this.db);
    return rows.flatMap((row) => (row.file_name ? [row.file_name] : []));
  }

  /** Which of `fileNames` are the files of done exports. */
  async doneFiles(fileNames: string[]): Promise<string[]> {
    if (fileNames.length === 0) return [];
    const rows = await this.db
      .selectFrom('exports')
      .select('file_name')
      .where('status', '=', 'done')
      .where('file_name', 'in', fileNames)
      .execute();
    return rows.flatMap((row) => (row.file_name ? [row.file_name] : []));
  }

  async fail(id: string, error: string): Promise<void> {
    await this.db
      .updateTable('exports')
      .set({ status: 'failed', error, finished_at: new Date() })
      .where('id', '=', id)
      .where('status', 'in', ['queued', 'running'])
      .execute();
  }
}

function recordOf(row: Selectable<ExportsTable>): ExportRecord {
  return {
    id: row.id,
    requestedBy: row.requested_by,
    scope: row.scope,
    format: row.format,
    filters: row.filters,
    status: row.status,
    rowsWritten: row.rows_written,
    rowsTotal: row.rows_total,
    error: row.error,
    fileName: row.file_name,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
  };
}
