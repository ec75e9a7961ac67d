import { sql, type Kysely, type Transaction } from 'kysely';
import type { ProvenanceSummary } from '../../datasets/snapshot.js';
import type { LabelSplitCount } from '../../datasets/stats.js';
import type { SnapshotFilters } from '../contract/datasets.js';
import type { Database } from '../db/schema.js';
import type { Scope } from '../domain/access.js';
import { confirmedInScope } from './specimen-bank.repository.js';
import { escapeLike } from './scope-filter.js';

/** A confirmed specimen as a snapshot takes it: its detection's taxon and life stage, where from, who confirmed it, its photos. */
export interface SnapshotSource {
  specimenId: string;
  taxonId: string;
  lifeStage: string | null;
  unitCode: string;
  portCode: string;
  confirmedBy: string | null;
  confirmedAt: Date;
  photos: { sha256: string; format: string }[];
}

export interface SnapshotSelection {
  /** The units' subtrees the specimens were submitted in (`{ all: true }`: everywhere). */
  units: Scope;
  /** Lineages (`/Culicidae/Aedes/`) the confirmed taxon lies in; undefined: any. */
  lineages?: readonly string[];
  /** Confirmed at or after `from`, before `until`. */
  from?: Date;
  until?: Date;
}

export interface DatasetSnapshotRecord {
  id: string;
  name: string;
  filters: SnapshotFilters;
  createdBy: { id: string; username: string; displayName: string } | null;
  createdAt: Date;
  manifestSha256: string;
  images: number;
  specimens: number;
  statistics: LabelSplitCount[];
  provenance: ProvenanceSummary;
}

export interface NewDatasetSnapshot {
  name: string;
  filters: SnapshotFilters;
  createdBy: string | null;
  manifestSha256: string;
  images: number;
  specimens: number;
  statistics: LabelSplitCount[];
  provenance: ProvenanceSummary;
}

/** Dataset snapshots (ADR 0031): what they are taken from, and the record of each one taken. */
export class DatasetSnapshotRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Confirmed specimens with at least one photo, not hidden by an expert, matching the selection, in specimen order.
   * The confirming expert is the author of the last review decision naming the detection's taxon.
   */
  async sources(selection: SnapshotSelection): Promise<SnapshotSource[]> {
    const { lineages, from, until } = selection;
    const rows = await confirmedInScope(this.db, selection.units, false)
      .innerJoin('units', 'units.id', 'specimens.unit_id')
      .innerJoin('ports', 'ports.id', 'specimens.port_id')
      .select([
        'detections.specimen_id',
        'detections.taxon_id',
        'detections.life_stage',
        'detections.created_at as confirmed_at',
        'units.code as unit_code',
        'ports.code as port_code',
        sql<string | null>`(
          select reviewer.username from reviews join users as reviewer on reviewer.id = reviews.reviewer_id
           where reviews.specimen_id = detections.specimen_id and reviews.decision in ('confirm', 'correct')
             and reviews.taxon_id = detections.taxon_id
           order by reviews.created_at desc, reviews.round desc limit 1)`.as('confirmed_by'),
        sql<{ sha256: string; format: string }[] | null>`(
          select json_agg(json_build_object('sha256', b.sha256, 'format', b.format) order by si.position)
            from specimen_images si join blobs b on b.sha256 = si.blob_sha256
           where si.specimen_id = detections.specimen_id)`.as('photos'),
      ])
      .$if(lineages !== undefined, (query) =>
        query.where((eb) => eb.or(lineages!.map((lineage) => eb('taxa.lineage', 'like', escapeLike(lineage) + '%')))),
      )
      .$if(from !== undefined, (query) => query.where('detections.created_at', '>=', from!))
      .$if(until !== undefined, (query) => query.where('detections.created_at', '<', until!))
      .orderBy('detections.specimen_id')
      .execute();
    return rows
      .filter((row) => row.photos !== null && row.photos.length > 0)
      .map((row) => ({
        specimenId: row.specimen_id,
        taxonId: row.taxon_id,
        lifeStage: row.life_stage,
        unitCode: row.unit_code,
        portCode: row.port_code,
        confirmedBy: row.confirmed_by,
        confirmedAt: row.confirmed_at,
        photos: row.photos!,
      }));
  }

  /** The lineage of each taxon id the taxonomy knows. */
  async lineages(taxonIds: readonly string[]): Promise<Map<string, string>> {
    const rows = await this.db
      .selectFrom('taxa')
      .select(['id', 'lineage'])
      .where('id', 'in', [...taxonIds])
      .execute();
    return new Map(rows.map((row) => [row.id, row.lineage]));
  }

  /** The path of each unit id that exists. */
  async unitPaths(unitIds: readonly string[]): Promise<Map<string, string>> {
    const rows = await this.db
      .selectFrom('units')
      .select(['id', 'path'])
      .where('id', 'in', [...unitIds])
      .execute();
    return new Map(rows.map((row) => [row.id, row.path]));
  }

  async nameTaken(name: string): Promise<boolean> {
    const row = await this.db.selectFrom('dataset_snapshots').select('id').where('name', '=', name).executeTakeFirst();
    return row !== undefined;
  }

  async insert(trx: Transaction<Database>, snapshot: NewDatasetSnapshot): Promise<string> {
    const { id } = await trx
      .insertInto('dataset_snapshots')
      .values({
        name: snapshot.name,
        filters: JSON.stringify(snapshot.filters),
        created_by: snapshot.createdBy,
        manifest_sha256: snapshot.manifestSha256,
        image_count: snapshot.images,
        specimen_count: snapshot.specimens,
        statistics: JSON.stringify(snapshot.statistics),
        provenance: JSON.stringify(snapshot.provenance),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return id;
  }

  async list(): Promise<DatasetSnapshotRecord[]> {
    return this.select((query) => query.orderBy('dataset_snapshots.created_at', 'desc').orderBy('dataset_snapshots.name'));
  }

  async find(id: string, executor: Kysely<Database> | Transaction<Database> = this.db): Promise<DatasetSnapshotRecord | undefined> {
    const [record] = await this.select((query) => query.where('dataset_snapshots.id', '=', id), executor);
    return record;
  }

  private async select(
    refine: (query: SnapshotQuery) => SnapshotQuery,
    executor: Kysely<Database> | Transaction<Database> = this.db,
  ): Promise<DatasetSnapshotRecord[]> {
    const rows = await refine(snapshotQuery(executor)).execute();
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      filters: row.filters,
      createdBy:
        row.creator_id && row.creator_username && row.creator_display_name
          ? { id: row.creator_id, username: row.creator_username, displayName: row.creator_display_name }
          : null,
      createdAt: row.created_at,
      manifestSha256: row.manifest_sha256,
      images: row.image_count,
      specimens: row.specimen_count,
      statistics: row.statistics,
      provenance: row.provenance,
    }));
  }
}

type SnapshotQuery = ReturnType<typeof snapshotQuery>;

function snapshotQuery(executor: Kysely<Database> | Transaction<Database>) {
  return executor
    .selectFrom('dataset_snapshots')
    .leftJoin('users as creator', 'creator.id', 'dataset_snapshots.created_by')
    .selectAll('dataset_snapshots')
    .select(['creator.id as creator_id', 'creator.username as creator_username', 'creator.display_name as creator_display_name']);
}
