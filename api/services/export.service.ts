import type { FastifyBaseLogger } from 'fastify';
import type { ExportRequest } from '../contract/index.js';
import { permissions, scopeOf, type Actor } from '../domain/access.js';
import { conflict, forbidden, gone, notFound } from '../domain/errors.js';
import {
  darwinCoreWriter,
  EXPORT_EXTENSIONS,
  EXPORT_MEDIA_TYPES,
  exportDownloadName,
  portGeoJsonWriter,
  specimenCsvWriter,
  type ExportWriter,
} from '../domain/export-formats.js';
import type { JobHandler, JobPayloads, OutboxFeeder } from '../jobs/index.js';
import type { ExportRowsRepository } from '../repositories/export-rows.repository.js';
import type { ExportRecord, ExportRepository } from '../repositories/export.repository.js';
import type { SurveillanceFilter } from '../repositories/surveillance-filter.js';
import type { ExportFileWriter, ExportStore } from '../storage/export-store.js';
import type { SurveillanceFilterResolver } from './surveillance-filters.js';

export interface ExportServiceOptions {
  /** Specimens read and written per batch: what an export holds in memory at once. */
  batchSize: number;
  /** Tries per export job, the first included (the queue's `attempts`): the last failure marks the export `failed`. */
  attempts: number;
}

/** How many of a person's exports the list shows. */
const LISTED_EXPORTS = 50;

/** A finished export's file, for the route to stream. */
export interface ExportFile {
  path: string;
  mediaType: string;
  downloadName: string;
}

/**
 * Exports of what a surveillance query finds (ADR 0021): a request stores the export with its requester's scope and
 * filters (the outbox) and hands it to the `export` queue; the job streams the rows, batch by batch, through the
 * format's writer into a file under storage, recording its progress as it goes.
 */
export class ExportService {
  constructor(
    private readonly exports: ExportRepository,
    private readonly rows: ExportRowsRepository,
    private readonly filters: SurveillanceFilterResolver,
    private readonly store: ExportStore,
    /** Hands stored exports to the `export` queue (and sweeps what it could not hand over). */
    private readonly outbox: Pick<OutboxFeeder<JobPayloads['export']>, 'handOver'>,
    private readonly log: FastifyBaseLogger,
    private readonly options: ExportServiceOptions,
  ) {}

  /** Stores an export of what `request.filters` find in the actor's scope (as it is now) and queues it; its id. */
  async request(actor: Actor, request: ExportRequest): Promise<string> {
    if (!permissions.exportSpecimens(actor.role)) throw forbidden('Trainees do not export data');
    const filters = request.filters ?? {};
    // Refuses a taxon or district that names nothing now, rather than as a failed export later.
    await this.filters.resolve(filters);
    const id = await this.exports.create({ requestedBy: actor.id, scope: scopeOf(actor), format: request.format, filters });
    await this.outbox.handOver([id]);
    return id;
  }

  /** The actor's own latest exports, newest first. */
  list(actor: Actor): Promise<ExportRecord[]> {
    return this.exports.listOwn(actor.id, LISTED_EXPORTS);
  }

  async get(actor: Actor, id: string): Promise<ExportRecord> {
    const record = await this.exports.findOwn(id, actor.id);
    if (!record) throw notFound('Export');
    return record;
  }

  async file(actor: Actor, id: string): Promise<ExportFile> {
    const record = await this.get(actor, id);
    if (record.status === 'failed') throw conflict('export_failed', `This export failed: ${record.error ?? 'no reason recorded'}`);
    if (record.status === 'expired')
      throw gone('export_expired', 'This export was deleted after its retention; ask for it again: POST /api/v1/exports');
    if (record.status !== 'done' || !record.fileName)
      throw conflict('export_not_ready', `This export is ${record.status}; its file is not ready`);
    return {
      path: this.store.pathOf(record.fileName),
      mediaType: EXPORT_MEDIA_TYPES[record.format],
      downloadName: exportDownloadName(record.format, record.createdAt),
    };
  }

  /** The `export` job's handler, for a process that consumes jobs. */
  jobHandler(): JobHandler<JobPayloads['export']> {
    return (job) => this.run(job.data.exportId, job.attempt);
  }

  /**
   * Writes one export, from the start: a job seen again (a crash, a lost lock) writes it afresh, and one that finds it
   * done or failed leaves it alone. A failure is retried by the queue; the last attempt's marks the export `failed`.
   */
  async run(exportId: string, attempt: number): Promise<void> {
    const record = await this.exports.start(exportId);
    if (!record) return;
    const fileName = `${record.id}.${EXPORT_EXTENSIONS[record.format]}`;
    let file: ExportFileWriter | undefined;
    try {
      const filter = await this.filters.resolve(record.filters);
      file = await this.store.create(fileName);
      const rows = await this.write(record, filter, file);
      const bytes = await file.commit();
      await this.exports.finish(record.id, { fileName, bytes, rows });
    } catch (error) {
      await file?.abort();
      const message = error instanceof Error ? error.message : String(error);
      if (attempt >= this.options.attempts) {
        await this.exports.fail(record.id, message);
        this.log.warn({ exportId, attempts: attempt, err: error }, 'export failed; giving up');
      }
      throw error;
    }
  }

  /** Streams the export's rows into `file`, recording progress after each batch; the number of rows written. */
  private async write(record: ExportRecord, filter: SurveillanceFilter, file: ExportFileWriter): Promise<number> {
    if (record.format === 'geojson') {
      const ports = await this.rows.portCounts(record.scope, filter);
      return this.writeBatches(record.id, file, portGeoJsonWriter, ports.length, [ports]);
    }
    const total = await this.rows.countSpecimens(record.scope, filter);
    const writer = record.format === 'dwc' ? darwinCoreWriter : specimenCsvWriter;
    return this.writeBatches(record.id, file, writer, total, this.rows.specimenBatches(record.scope, filter, this.options.batchSize));
  }

  private async writeBatches<Row>(
    exportId: string,
    file: ExportFileWriter,
    writer: ExportWriter<Row>,
    total: number,
    batches: Iterable<Row[]> | AsyncIterable<Row[]>,
  ): Promise<number> {
    await this.exports.progress(exportId, 0, total);
    await file.write(writer.head);
    let written = 0;
    for await (const batch of batches) {
      let text = '';
      for (const row of batch) text += writer.line(row, written++);
      await file.write(text);
      // Rows committed after the count make the total a floor, not a ceiling.
      await this.exports.progress(exportId, written, Math.max(total, written));
    }
    await file.write(writer.tail);
    return written;
  }
}
