import { sql, type Expression, type RawBuilder, type Selectable, type SelectQueryBuilder, type Transaction } from 'kysely';
import type { Scope } from '../domain/access.js';
import type { ClientSubmission, GeoPosition, SpecimenImageRecord, SpecimenRecord } from '../domain/specimen.js';
import type { SpecimenSort } from '../domain/vocabulary.js';
import type { Db } from '../db/database.js';
import type { BlobRow, Database, SpecimenRowUpdate } from '../db/schema.js';
import { historyOf, identificationOf, type IdentificationRepository } from './identification.repository.js';
import { countSpecimens, specimenCount, totalOf, type RollupOptions, type SpecimenCount } from './monthly-rollup.js';
import { reviewStateOf, type ReviewRepository } from './review.repository.js';
import { unitInScope } from './scope-filter.js';
import { matchesSurveillanceFilter, type SurveillanceFilter } from './surveillance-filter.js';

/** The metadata a new specimen row takes; port and creator are given by id, the client's submission id if it sent one. */
export type NewSpecimen = Pick<
  SpecimenRecord,
  | 'unitId'
  | 'siteType'
  | 'locationDetail'
  | 'trapMethod'
  | 'collectedAt'
  | 'collector'
  | 'count'
  | 'lifeStage'
  | 'sex'
  | 'notes'
  | 'position'
> & { portId: string; createdBy: string; submission: ClientSubmission | null };

/** A stored file's facts (its `blobs` row), the name it was uploaded under and the quality gate's findings. */
export type NewSpecimenImage = Omit<BlobRow, 'created_at'> & Pick<SpecimenImageRecord, 'originalFilename' | 'qualityWarnings'>;

export interface Page {
  limit: number;
  offset: number;
}

export interface StoredImageLocation {
  imageId: string;
  sha256: string;
  format: string;
}

type Executor = Db | Transaction<Database>;

export class SpecimenRepository {
  constructor(
    private readonly db: Db,
    private readonly identifications: IdentificationRepository,
    private readonly reviews: ReviewRepository,
    private readonly options: RollupOptions = { rollups: true },
  ) {}

  /**
   * Specimen, its images and their blobs in one transaction; `afterInsert` runs inside it (audit). Undefined, with
   * nothing written, when its creator already has a specimen of the same client submission id (a concurrent request
   * with that id is waited for: the unique index decides).
   */
  async createWithImages(
    specimen: NewSpecimen,
    images: NewSpecimenImage[],
    afterInsert: (trx: Transaction<Database>, specimenId: string) => Promise<void>,
  ): Promise<string | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const inserted = await trx
        .insertInto('specimens')
        .values({
          unit_id: specimen.unitId,
          port_id: specimen.portId,
          site_type: specimen.siteType,
          location_detail: specimen.locationDetail,
          trap_method: specimen.trapMethod,
          collected_at: specimen.collectedAt,
          collector: specimen.collector,
          count: specimen.count,
          life_stage: specimen.lifeStage,
          sex: specimen.sex,
          notes: specimen.notes,
          ...positionColumns(specimen.position),
          created_by: specimen.createdBy,
          client_submission_id: specimen.submission?.id ?? null,
          submission_digest: specimen.submission?.digest ?? null,
        })
        .onConflict((oc) => oc.columns(['created_by', 'client_submission_id']).where('client_submission_id', 'is not', null).doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!inserted) return undefined;
      await insertImages(trx, inserted.id, images, 0);
      await afterInsert(trx, inserted.id);
      return inserted.id;
    });
  }

  /** The specimen `createdBy` submitted under `clientSubmissionId`, whatever scope it is in now, and the digest it was sent with. */
  findSubmission(createdBy: string, clientSubmissionId: string): Promise<{ id: string; digest: string } | undefined> {
    return this.db
      .selectFrom('specimens')
      .select(['id', 'submission_digest as digest'])
      .where('created_by', '=', createdBy)
      .where('client_submission_id', '=', clientSubmissionId)
      .$narrowType<{ digest: string }>()
      .executeTakeFirst();
  }

  /**
   * Images added to an existing specimen, after its last one, in one transaction with `afterInsert` (audit), which
   * gets the new images' ids in order and whether they sent the specimen back to review; returns the ids. Touching the
   * specimen's row first locks it, so concurrent additions to one specimen take their positions one
   * after the other. A specimen an expert asked more photographs of goes back to review with them.
   */
  async addImages(
    specimenId: string,
    images: NewSpecimenImage[],
    afterInsert: (trx: Transaction<Database>, imageIds: string[], backToReview: boolean) => Promise<void>,
  ): Promise<string[]> {
    return this.db.transaction().execute(async (trx) => {
      const { status } = await trx
        .selectFrom('specimens')
        .select('status')
        .where('id', '=', specimenId)
        .forUpdate()
        .executeTakeFirstOrThrow();
      const backToReview = status === 'needs_photos';
      await trx
        .updateTable('specimens')
        .set({ updated_at: new Date(), ...(backToReview ? { status: 'in_review' as const } : {}) })
        .where('id', '=', specimenId)
        .execute();
      const { last } = await trx
        .selectFrom('specimen_images')
        .select((eb) => eb.fn.max<number | null>('position').as('last'))
        .where('specimen_id', '=', specimenId)
        .executeTakeFirstOrThrow();
      const imageIds = await insertImages(trx, specimenId, images, last === null ? 0 : Number(last) + 1);
      await afterInsert(trx, imageIds, backToReview);
      return imageIds;
    });
  }

  async update(id: string, changes: SpecimenRowUpdate, afterUpdate: (trx: Transaction<Database>) => Promise<void>): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('specimens')
        .set({ ...changes, updated_at: new Date() })
        .where('id', '=', id)
        .execute();
      await afterUpdate(trx);
    });
  }

  /** Whether `roomId` is a consultation about this specimen (where its stills come from). */
  async hasConsultation(specimenId: string, roomId: string): Promise<boolean> {
    const room = await this.db
      .selectFrom('rooms')
      .select('id')
      .where('id', '=', roomId)
      .where('specimen_id', '=', specimenId)
      .executeTakeFirst();
    return room !== undefined;
  }

  async findInScope(id: string, scope: Scope, executor: Executor = this.db): Promise<SpecimenRecord | undefined> {
    const { records } = await this.select(executor, scope, (query) => query.where('specimens.id', '=', id));
    return records[0];
  }

  /** The specimens of `ids` in scope, in the order of `ids`. */
  async findManyInScope(ids: readonly string[], scope: Scope): Promise<SpecimenRecord[]> {
    if (ids.length === 0) return [];
    const { records } = await this.select(this.db, scope, (query) => query.where('specimens.id', 'in', [...ids]));
    const byId = new Map(records.map((record) => [record.id, record]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  async listInScope(
    scope: Scope,
    filter: SurveillanceFilter,
    page: Page,
    sort: SpecimenSort = '-createdAt',
  ): Promise<{ items: SpecimenRecord[]; total: number }> {
    const order = orderOf(sort);
    // The total comes with the page, in the same statement: from the monthly rollup where the filters allow, since
    // counting a million specimen rows would cost most of a page's time. A page past the end has no row to carry it.
    const total = specimenCount(scope, filter, this.options);
    const { records, count } = await this.select(this.db, scope, (query) => pageOf(query, filter, order, page), { order, total });
    return { items: records, total: await this.totalOf(count, scope, filter) };
  }

  /**
   * The page {@link listInScope} would answer, as each specimen's id and revision only, with the total and the epoch
   * of the ports, units and people specimens name (migration 0024): what tells a cached answer of a specimen from a
   * stale one (ADR 0040), one index read of the page's rows.
   */
  async listRevisionsInScope(
    scope: Scope,
    filter: SurveillanceFilter,
    page: Page,
    sort: SpecimenSort = '-createdAt',
  ): Promise<{ items: SpecimenRevision[]; total: number; referencesEpoch: string }> {
    const order = orderOf(sort);
    const rows = await pageOf(this.baseQuery(this.db, scope), filter, order, page)
      .select([
        'specimens.id',
        REVISION,
        specimenCount(scope, filter, this.options).as('total'),
        sql<string>`(select epoch::text from specimen_references_epoch where id = 1)`.as('references_epoch'),
      ])
      .execute();
    return {
      items: rows.map(({ id, revision }) => ({ id, revision })),
      total: await this.totalOf(rows[0]?.total, scope, filter),
      referencesEpoch: rows[0]?.references_epoch ?? '',
    };
  }

  private async totalOf(count: SpecimenCount | undefined, scope: Scope, filter: SurveillanceFilter): Promise<number> {
    return count === undefined ? countSpecimens(this.db, scope, filter, this.options) : totalOf(count);
  }

  /** Which stored file an image id refers to, if the image belongs to a specimen in scope. */
  findImageInScope(imageId: string, scope: Scope): Promise<StoredImageLocation | undefined> {
    return this.db
      .selectFrom('specimen_images')
      .innerJoin('specimens', 'specimens.id', 'specimen_images.specimen_id')
      .innerJoin('blobs', 'blobs.sha256', 'specimen_images.blob_sha256')
      .select(['specimen_images.id as imageId', 'blobs.sha256', 'blobs.format'])
      .where('specimen_images.id', '=', imageId)
      .where((eb) => unitInScope(eb, eb.ref('specimens.unit_id'), scope))
      .executeTakeFirst();
  }

  async isBlobReferenced(sha256: string): Promise<boolean> {
    const row = await this.db.selectFrom('blobs').select('sha256').where('sha256', '=', sha256).executeTakeFirst();
    return row !== undefined;
  }

  private baseQuery(executor: Executor, scope: Scope) {
    return executor.selectFrom('specimens').where((eb) => unitInScope(eb, eb.ref('specimens.unit_id'), scope));
  }

  /**
   * The specimens `refine` picks (in scope by construction), whole, in one query (ADR 0039): the page's rows first —
   * filtered, ordered and cut in an inner query, so nothing below is computed for rows an offset skips — then each
   * row's port, unit and creator joined, and its images, identification, history, review and detection as JSON
   * sub-selects, which the specimen's own indexes answer. A list page gives its order, which orders the outer query too,
   * and its total, a scalar sub-select each row carries (`count`: undefined when there is no row).
   */
  private async select(
    executor: Executor,
    scope: Scope,
    refine: (query: FilterableQuery) => FilterableQuery,
    page?: { order: ListOrder; total: RawBuilder<SpecimenCount> },
  ): Promise<{ records: SpecimenRecord[]; count?: SpecimenCount }> {
    const inner = refine(this.baseQuery(executor, scope)).select([...SPECIMEN_COLUMNS, REVISION]);
    const query = executor
      .selectFrom(inner.as('specimens'))
      .innerJoin('ports', 'ports.id', 'specimens.port_id')
      .innerJoin('units', 'units.id', 'specimens.unit_id')
      .innerJoin('users', 'users.id', 'specimens.created_by')
      .selectAll('specimens')
      .select((eb) => [
        'units.path as unit_path',
        'ports.code as port_code',
        'ports.name_zh as port_name_zh',
        'ports.name_en as port_name_en',
        'ports.type as port_type',
        'users.username as creator_username',
        'users.display_name as creator_display_name',
        imagesOf(eb.ref('specimens.id')).as('images'),
        this.identifications.currentOf(eb.ref('specimens.id')).as('identification'),
        this.identifications.historyOf(eb.ref('specimens.id')).as('history'),
        this.reviews.reviewUnitOf(eb.ref('specimens.review_unit_id')).as('review_unit'),
        this.reviews.decisionsOf(eb.ref('specimens.id')).as('review_decisions'),
        sql<string | null>`(select detections.id from detections where detections.specimen_id = ${eb.ref('specimens.id')})`.as(
          'detection_id',
        ),
        (page?.total ?? sql<SpecimenCount>`null`).as('total'),
      ]);
    const rows = await (page ? ordered(query, page.order) : query).execute();
    const records = rows.map((row) => ({
      id: row.id,
      revision: row.revision,
      unitId: row.unit_id,
      unitPath: row.unit_path,
      port: { id: row.port_id, code: row.port_code, nameZh: row.port_name_zh, nameEn: row.port_name_en, type: row.port_type },
      siteType: row.site_type,
      locationDetail: row.location_detail,
      trapMethod: row.trap_method,
      collectedAt: row.collected_at,
      collector: row.collector,
      count: row.count,
      lifeStage: row.life_stage,
      sex: row.sex,
      notes: row.notes,
      position: positionOf(row),
      status: row.status,
      createdBy: { id: row.created_by, username: row.creator_username, displayName: row.creator_display_name },
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      images: row.images,
      identification: identificationOf(row.identification),
      identifications: historyOf(row.history),
      triage:
        row.triage_queue && row.triaged_at ? { queue: row.triage_queue, reasons: row.triage_reasons, triagedAt: row.triaged_at } : null,
      review: reviewStateOf(row),
      detectionId: row.detection_id,
    }));
    return { records, count: rows[0]?.total };
  }
}

type FilterableQuery = ReturnType<SpecimenRepository['baseQuery']>;

/** A specimen's id and the revision its answer is at (migration 0024). */
export interface SpecimenRevision {
  id: string;
  revision: string;
}

/** bigint, which the drivers do not all read alike: compared, never ordered. */
const REVISION = sql<string>`specimens.revision::text`.as('revision');

/** The specimens of one list page: filtered, ordered, cut. */
function pageOf(query: FilterableQuery, filter: SurveillanceFilter, order: ListOrder, page: Page): FilterableQuery {
  return ordered(
    query.where((eb) => matchesSurveillanceFilter(eb, filter)),
    order,
  )
    .limit(page.limit)
    .offset(page.offset);
}

/** A position as the row's columns: both coordinates or neither (a check constraint holds them to it). */
export function positionColumns(position: GeoPosition | null): Pick<SpecimenRowUpdate, 'latitude' | 'longitude' | 'position_accuracy_m'> {
  return {
    latitude: position?.latitude ?? null,
    longitude: position?.longitude ?? null,
    position_accuracy_m: position?.accuracyMetres ?? null,
  };
}

function positionOf(row: { latitude: number | null; longitude: number | null; position_accuracy_m: number | null }): GeoPosition | null {
  if (row.latitude === null || row.longitude === null) return null;
  return {
    latitude: row.latitude,
    longitude: row.longitude,
    ...(row.position_accuracy_m === null ? {} : { accuracyMetres: row.position_accuracy_m }),
  };
}

/** The columns of a specimen row its record needs; the inner query of {@link SpecimenRepository.select} picks them. */
const SPECIMEN_COLUMNS = [
  'specimens.id',
  'specimens.unit_id',
  'specimens.port_id',
  'specimens.site_type',
  'specimens.location_detail',
  'specimens.trap_method',
  'specimens.collected_at',
  'specimens.collector',
  'specimens.count',
  'specimens.life_stage',
  'specimens.sex',
  'specimens.notes',
  'specimens.latitude',
  'specimens.longitude',
  'specimens.position_accuracy_m',
  'specimens.status',
  'specimens.created_by',
  'specimens.created_at',
  'specimens.updated_at',
  'specimens.triage_queue',
  'specimens.triage_reasons',
  'specimens.triaged_at',
  'specimens.review_unit_id',
  'specimens.review_round',
  'specimens.ai_confidence',
] as const;

const SORT_COLUMNS = {
  createdAt: { name: 'specimens.created_at', nullable: false },
  collectedAt: { name: 'specimens.collected_at', nullable: false },
  confidence: { name: 'specimens.ai_confidence', nullable: true },
} as const;

/** A list's order: one sort column, one direction, the id breaking ties. */
interface ListOrder {
  column: (typeof SORT_COLUMNS)[keyof typeof SORT_COLUMNS];
  direction: 'asc' | 'desc';
}

function orderOf(sort: SpecimenSort): ListOrder {
  return {
    column: SORT_COLUMNS[sort.replace(/^-/, '') as keyof typeof SORT_COLUMNS],
    direction: sort.startsWith('-') ? 'desc' : 'asc',
  };
}

/**
 * In one direction throughout, and `nulls last` only where a column has nulls: an index on (column, id) then reads the
 * first page instead of a sort of everything that matches (ADR 0039).
 */
function ordered<Query extends OrderableQuery>(query: Query, { column, direction }: ListOrder): Query {
  return query
    .orderBy(column.name, (order) => {
      const sorted = direction === 'desc' ? order.desc() : order.asc();
      return column.nullable ? sorted.nullsLast() : sorted;
    })
    .orderBy('specimens.id', direction) as Query;
}

/** A query over `specimens` (or a page of them aliased so) that can be ordered by its sort columns. */
type OrderableQuery = SelectQueryBuilder<
  Database & { specimens: Pick<Selectable<Database['specimens']>, 'id' | 'created_at' | 'collected_at' | 'ai_confidence'> },
  'specimens',
  object
>;

/** The images of the specimen whose id `specimenId` refers to, in order, with their blobs' facts, as JSON. */
function imagesOf(specimenId: Expression<string>): RawBuilder<SpecimenImageRecord[]> {
  return sql<SpecimenImageRecord[]>`(
    select coalesce(json_agg(json_build_object(
        'id', si.id, 'sha256', b.sha256, 'width', b.width, 'height', b.height, 'format', b.format, 'bytes', b.bytes,
        'originalFilename', si.original_filename, 'position', si.position, 'qualityWarnings', si.quality_warnings)
      order by si.position), '[]'::json)
    from specimen_images si
    join blobs b on b.sha256 = si.blob_sha256
    where si.specimen_id = ${specimenId})`;
}

/** Each image's blob (once per content) and its `specimen_images` row, at positions from `firstPosition` on; returns their ids. */
async function insertImages(
  trx: Transaction<Database>,
  specimenId: string,
  images: NewSpecimenImage[],
  firstPosition: number,
): Promise<string[]> {
  const ids: string[] = [];
  for (const [index, image] of images.entries()) {
    await trx
      .insertInto('blobs')
      .values({
        sha256: image.sha256,
        format: image.format,
        width: image.width,
        height: image.height,
        bytes: image.bytes,
        orientation: image.orientation,
      })
      .onConflict((oc) => oc.column('sha256').doNothing())
      .execute();
    const { id } = await trx
      .insertInto('specimen_images')
      .values({
        specimen_id: specimenId,
        blob_sha256: image.sha256,
        position: firstPosition + index,
        original_filename: image.originalFilename,
        quality_warnings: JSON.stringify(image.qualityWarnings),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    ids.push(id);
  }
  return ids;
}
