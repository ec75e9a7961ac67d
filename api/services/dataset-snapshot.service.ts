import path from 'node:path';
import { removeSnapshotFolder, SNAPSHOT_FILES, SnapshotExists, writeSnapshot } from '../../datasets/snapshot.js';
import { MANIFEST_LIFE_STAGES, type ManifestLifeStage } from '../../datasets/manifest.js';
import { DataProblems } from '../../datasets/validation.js';
import type { CreateSnapshot, SnapshotFilters } from '../contract/datasets.js';
import { permissions, type Actor } from '../domain/access.js';
import { badRequest, conflict, forbidden, notFound, unprocessable } from '../domain/errors.js';
import type { StoredFile } from '../domain/stored-file.js';
import { recordAudit } from '../repositories/audit.repository.js';
import type { AppConfig } from '../config.js';
import type { Db } from '../db/database.js';
import {
  DatasetSnapshotRepository,
  type DatasetSnapshotRecord,
  type SnapshotSelection,
} from '../repositories/dataset-snapshot.repository.js';
import { Transactions } from '../repositories/transactions.js';
import { ImageStore } from '../storage/image-store.js';

export interface DatasetSnapshotOptions {
  /** `<dir>/<name>/` holds each snapshot. */
  snapshotsDir: string;
  licence: string;
  /** Where the original of a stored image is. */
  originalPath: (sha256: string) => string;
}

const DAY_MS = 24 * 3600_000;

/** The service as the api process and `npm run datasets:export` both build it. */
export function datasetSnapshotService(db: Db, config: Pick<AppConfig, 'datasets' | 'storageDir'>): DatasetSnapshotService {
  const store = new ImageStore(config.storageDir);
  return new DatasetSnapshotService(new Transactions(db), new DatasetSnapshotRepository(db), {
    snapshotsDir: config.datasets.snapshotsDir,
    licence: config.datasets.licence,
    originalPath: (sha256) => store.originalPath(sha256),
  });
}

/**
 * Dataset snapshots of confirmed specimens (ADR 0031): taken by administrators (or `npm run datasets:export`), written
 * once as read-only folders, recorded with their manifest's sha256 and audited.
 */
export class DatasetSnapshotService {
  constructor(
    private readonly transactions: Transactions,
    private readonly snapshots: DatasetSnapshotRepository,
    private readonly options: DatasetSnapshotOptions,
  ) {}

  /** Takes a snapshot for an administrator. */
  create(actor: Actor, request: CreateSnapshot): Promise<DatasetSnapshotRecord> {
    this.authorise(actor);
    return this.take(request, actor.id);
  }

  /**
   * Selects, writes and records a snapshot; `createdBy` null for the command line. The folder is written before the
   * row, and removed again if the row cannot be written, so a row always names a complete folder.
   */
  async take(request: CreateSnapshot, createdBy: string | null): Promise<DatasetSnapshotRecord> {
    const { name, filters } = request;
    if (await this.snapshots.nameTaken(name)) throw taken(name);
    const sources = await this.snapshots.sources(await this.selection(filters));
    if (sources.length === 0) throw unprocessable('empty_snapshot', 'No confirmed specimen with photos matches these filters', { filters });
    let written;
    try {
      written = await writeSnapshot({
        name,
        snapshotsDir: this.options.snapshotsDir,
        licence: this.options.licence,
        filters,
        createdBy,
        specimens: sources.map((source) => ({
          specimenId: source.specimenId,
          taxon: source.taxonId,
          lifeStage: manifestLifeStage(source.lifeStage),
          unit: source.unitCode,
          port: source.portCode,
          confirmedBy: source.confirmedBy,
          confirmedAt: source.confirmedAt.toISOString(),
          photos: source.photos.map((photo) => ({ ...photo, file: this.options.originalPath(photo.sha256) })),
        })),
      });
    } catch (error) {
      if (error instanceof SnapshotExists) throw taken(name);
      if (error instanceof DataProblems)
        throw unprocessable('snapshot_data_problems', 'Some confirmed specimens cannot be snapshot', error.problems);
      throw error;
    }
    try {
      return await this.transactions.run(async (trx) => {
        const id = await this.snapshots.insert(trx, {
          name,
          filters,
          createdBy,
          manifestSha256: written.summary.manifestSha256,
          images: written.summary.images,
          specimens: written.summary.specimens,
          statistics: written.statistics,
          provenance: written.provenance,
        });
        await recordAudit(trx, {
          userId: createdBy,
          action: 'dataset_snapshot.create',
          entityType: 'dataset_snapshot',
          entityId: id,
          before: null,
          after: {
            name,
            filters,
            manifestSha256: written.summary.manifestSha256,
            images: written.summary.images,
            specimens: written.summary.specimens,
          },
        });
        return (await this.snapshots.find(id, trx))!;
      });
    } catch (error) {
      await removeSnapshotFolder(written.folder);
      throw error;
    }
  }

  async list(actor: Actor): Promise<DatasetSnapshotRecord[]> {
    this.authorise(actor);
    return this.snapshots.list();
  }

  async get(actor: Actor, id: string): Promise<DatasetSnapshotRecord> {
    this.authorise(actor);
    const record = await this.snapshots.find(id);
    if (!record) throw notFound('Dataset snapshot');
    return record;
  }

  async manifest(actor: Actor, id: string): Promise<StoredFile> {
    const record = await this.get(actor, id);
    return {
      path: path.join(this.folderOf(record), SNAPSHOT_FILES.manifest),
      mediaType: 'application/json',
      downloadName: `${record.name}-manifest.json`,
    };
  }

  folderOf(record: Pick<DatasetSnapshotRecord, 'name'>): string {
    return path.join(this.options.snapshotsDir, record.name);
  }

  /** The filters as a query: taxa as lineages, units as their subtrees, days as instants; filters that cannot match are 400s. */
  private async selection(filters: SnapshotFilters): Promise<SnapshotSelection> {
    const selection: SnapshotSelection = { units: { all: true } };
    if (filters.taxa) {
      const lineages = await this.snapshots.lineages(filters.taxa);
      const unknown = filters.taxa.filter((taxon) => !lineages.has(taxon));
      if (unknown.length > 0) throw badRequest('unknown_taxa', `Not in the taxonomy: ${unknown.join(', ')}`, { taxa: unknown });
      selection.lineages = [...lineages.values()];
    }
    if (filters.units) {
      const paths = await this.snapshots.unitPaths(filters.units);
      const unknown = filters.units.filter((unit) => !paths.has(unit));
      if (unknown.length > 0) throw badRequest('unknown_units', `No such units: ${unknown.join(', ')}`, { units: unknown });
      selection.units = { all: false, unitPaths: [...paths.values()] };
    }
    if (filters.from) selection.from = new Date(`${filters.from}T00:00:00Z`);
    if (filters.to) selection.until = new Date(new Date(`${filters.to}T00:00:00Z`).getTime() + DAY_MS);
    if (selection.from && selection.until && selection.from >= selection.until)
      throw badRequest('bad_date_range', `from (${filters.from}) is after to (${filters.to})`);
    return selection;
  }

  private authorise(actor: Actor): void {
    if (!permissions.administerDatasets(actor.role)) throw forbidden('Only administrators take and read dataset snapshots');
  }
}

function taken(name: string) {
  return conflict('snapshot_exists', `A dataset snapshot named ${name} exists already; names are never reused`, { name });
}

function manifestLifeStage(stage: string | null): ManifestLifeStage | null {
  return MANIFEST_LIFE_STAGES.find((known) => known === stage) ?? null;
}
