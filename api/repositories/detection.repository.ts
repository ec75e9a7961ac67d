import { sql, type Transaction } from 'kysely';
import type { Db } from '../db/database.js';
import type { Database } from '../db/schema.js';
import type { Scope } from '../domain/access.js';
import type { DetectionRecord, NewDetection } from '../domain/detection.js';
import type { DetectionLevel, LifeStage, Sex } from '../domain/vocabulary.js';
import { countSpecimens, type RollupOptions } from './monthly-rollup.js';
import { escapeLike, unitInScope } from './scope-filter.js';
import { matchesSurveillanceFilter, type SurveillanceFilter } from './surveillance-filter.js';

type Executor = Db | Transaction<Database>;

/** Where a taxon has been detected before: what "first record" is measured against. */
export interface DetectionPlace {
  portId: string;
  /** The specimen's unit path: its district is the unit of level `district` on it. */
  unitPath: string;
}

/** Confirmed records and what they say about where a taxon has been found before. */
export class DetectionRepository {
  constructor(
    private readonly db: Db,
    private readonly options: RollupOptions = { rollups: true },
  ) {}

  /**
   * The levels at which nothing of `taxon` — the taxon or anything below it — has been detected yet: at the port, in
   * the port's district, anywhere. Inside a transaction that goes on to record a detection, call
   * {@link lockFirstRecords} first, so two specimens confirmed at once cannot both be "the first".
   */
  async firstLevels(executor: Executor, taxonLineage: string, place: DetectionPlace): Promise<DetectionLevel[]> {
    const district = await executor
      .selectFrom('units')
      .select('path')
      .where('id', 'in', place.unitPath.split('/').filter(Boolean))
      .where('level', '=', 'district')
      .executeTakeFirst();
    const row = await executor
      .selectFrom('detections')
      .innerJoin('taxa', 'taxa.id', 'detections.taxon_id')
      .innerJoin('units', 'units.id', 'detections.unit_id')
      .select([
        sql<boolean>`coalesce(bool_or(detections.port_id = ${place.portId}), false)`.as('at_port'),
        sql<boolean>`coalesce(bool_or(units.path like ${escapeLike(district?.path ?? '') + '%'}), false)`.as('in_district'),
        sql<boolean>`count(*) > 0`.as('anywhere'),
      ])
      .where('taxa.lineage', 'like', escapeLike(taxonLineage) + '%')
      .executeTakeFirstOrThrow();
    const levels: DetectionLevel[] = [];
    if (!row.at_port) levels.push('port');
    if (district && !row.in_district) levels.push('district');
    if (!row.anywhere) levels.push('national');
    return levels;
  }

  /** Serialises first-record decisions for one vector group until the transaction ends. */
  async lockFirstRecords(trx: Transaction<Database>, group: string): Promise<void> {
    await sql`select pg_advisory_xact_lock(hashtext(${'detections:' + group}))`.execute(trx);
  }

  async create(trx: Transaction<Database>, detection: NewDetection): Promise<string> {
    const { id } = await trx
      .insertInto('detections')
      .values({
        specimen_id: detection.specimenId,
        taxon_id: detection.taxonId,
        port_id: detection.portId,
        unit_id: detection.unitId,
        site_type: detection.siteType,
        collected_at: detection.collectedAt,
        count: detection.count,
        life_stage: detection.lifeStage,
        sex: detection.sex,
        identified_by: detection.identifiedBy,
        first_levels: JSON.stringify(detection.firstLevels),
        watch_list: detection.watchList,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return id;
  }

  async findById(id: string, executor: Executor = this.db): Promise<DetectionRecord | undefined> {
    const [record] = await this.select(executor, { all: true }, (query) => query.where('detections.id', '=', id));
    return record;
  }

  /** A page of detections in scope whose specimens match the filter, newest first. */
  async listInScope(scope: Scope, filter: SurveillanceFilter, page: { limit: number; offset: number }) {
    const restrict = <Q extends DetectionQuery>(query: Q): Q =>
      query.where((eb) =>
        eb(
          'detections.specimen_id',
          'in',
          eb
            .selectFrom('specimens')
            .select('specimens.id')
            .where((inner) => matchesSurveillanceFilter(inner, filter)),
        ),
      ) as Q;
    const total = await countSpecimens(this.db, scope, filter, this.options, 'detections');
    const items = await this.select(this.db, scope, (query) =>
      restrict(query).orderBy('detections.created_at', 'desc').orderBy('detections.id', 'desc').limit(page.limit).offset(page.offset),
    );
    return { items, total };
  }

  /**
   * Confirmed specimens in scope of the given taxa (most likely first), each with its first photograph: reference
   * material next to a specimen under review.
   */
  async similar(scope: Scope, taxa: readonly string[], excludeSpecimenId: string, limit: number) {
    if (taxa.length === 0) return [];
    const rows = await this.baseQuery(this.db, scope)
      .innerJoin('specimen_images', (join) =>
        join.onRef('specimen_images.specimen_id', '=', 'detections.specimen_id').on('specimen_images.position', '=', 0),
      )
      .select([
        'detections.specimen_id',
        'detections.taxon_id',
        'detections.collected_at',
        'specimen_images.id as image_id',
        'ports.id as port_id',
        'ports.code as port_code',
        'ports.name_zh as port_name_zh',
        'ports.name_en as port_name_en',
        'ports.type as port_type',
      ])
      .where('detections.taxon_id', 'in', [...taxa])
      .where('detections.specimen_id', '<>', excludeSpecimenId)
      .orderBy('detections.created_at', 'desc')
      .limit(limit * taxa.length)
      .execute();
    const rank = new Map(taxa.map((taxon, index) => [taxon, index]));
    return rows
      .toSorted((a, b) => rank.get(a.taxon_id)! - rank.get(b.taxon_id)!)
      .slice(0, limit)
      .map((row) => ({
        specimenId: row.specimen_id,
        taxon: row.taxon_id,
        collectedAt: row.collected_at,
        imageId: row.image_id,
        port: { id: row.port_id, code: row.port_code, nameZh: row.port_name_zh, nameEn: row.port_name_en, type: row.port_type },
      }));
  }

  private baseQuery(executor: Executor, scope: Scope) {
    return executor
      .selectFrom('detections')
      .innerJoin('ports', 'ports.id', 'detections.port_id')
      .innerJoin('taxa', 'taxa.id', 'detections.taxon_id')
      .where((eb) => unitInScope(eb, eb.ref('detections.unit_id'), scope));
  }

  private async select(executor: Executor, scope: Scope, refine: (query: DetectionQuery) => DetectionQuery): Promise<DetectionRecord[]> {
    const rows = await refine(this.baseQuery(executor, scope))
      .selectAll('detections')
      .select(['ports.code as port_code', 'ports.name_zh as port_name_zh', 'ports.name_en as port_name_en', 'ports.type as port_type'])
      .execute();
    return rows.map((row) => ({
      id: row.id,
      specimenId: row.specimen_id,
      taxon: row.taxon_id,
      port: { id: row.port_id, code: row.port_code, nameZh: row.port_name_zh, nameEn: row.port_name_en, type: row.port_type },
      unitId: row.unit_id,
      siteType: row.site_type,
      collectedAt: row.collected_at,
      count: row.count,
      lifeStage: row.life_stage as LifeStage | null,
      sex: row.sex as Sex | null,
      identifiedBy: row.identified_by,
      firstLevels: row.first_levels,
      watchList: row.watch_list,
      createdAt: row.created_at,
    }));
  }
}

type DetectionQuery = ReturnType<DetectionRepository['baseQuery']>;
