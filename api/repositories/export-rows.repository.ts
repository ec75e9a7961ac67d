import { sql, type SqlBool, type Transaction } from 'kysely';
import type { Db } from '../db/database.js';
import type { Database } from '../db/schema.js';
import type { Scope } from '../domain/access.js';
import type { PortExportRow, SpecimenExportRow } from '../domain/export-formats.js';
import { lineageIds } from '../domain/taxon.js';
import type { IdentificationSource, TaxonRank } from '../domain/vocabulary.js';
import { unitInScope } from './scope-filter.js';
import { matchesSurveillanceFilter, type SurveillanceFilter } from './surveillance-filter.js';

/**
 * What exports read: the specimens a query finds in a scope, a batch at a time in (collected_at, id) order, and their
 * counts per port. Keyset pagination keeps each batch as cheap as the first, however deep into a million rows.
 */
export class ExportRowsRepository {
  constructor(private readonly db: Db) {}

  async countSpecimens(scope: Scope, filter: SurveillanceFilter): Promise<number> {
    const { total } = await this.specimensIn(scope, filter)
      .select((eb) => eb.fn.countAll<string | number>().as('total'))
      .executeTakeFirstOrThrow();
    return Number(total);
  }

  /** The specimens in batches of `batchSize`, oldest collection first; only one batch is held at a time. */
  async *specimenBatches(scope: Scope, filter: SurveillanceFilter, batchSize: number): AsyncGenerator<SpecimenExportRow[]> {
    const ranks = await this.taxonRanks();
    let after: Cursor | undefined;
    for (;;) {
      const rows = await this.db.transaction().execute(async (trx) => {
        // Compiling a 2,000-row batch costs PostgreSQL's JIT more than it saves (measured: 700 ms a batch with it, 90 without).
        await sql`set local jit = off`.execute(trx);
        return this.specimenBatch(trx, scope, filter, batchSize, after).execute();
      });
      if (rows.length === 0) return;
      yield rows.map(({ portCode, portNameZh, portNameEn, portType, longitude, latitude, ...row }) => {
        const { taxonId, taxonRank, taxonGroup, taxonLineage, detectedAt, confirmedBy, latest, cursorAt: _cursorAt, ...specimen } = row;
        return {
          ...specimen,
          port: { code: portCode, nameZh: portNameZh, nameEn: portNameEn, type: portType, longitude, latitude },
          taxon:
            taxonId && taxonRank && taxonGroup && taxonLineage
              ? { id: taxonId, rank: taxonRank, group: taxonGroup, ranks: ranksOf(taxonLineage, ranks) }
              : null,
          identification: {
            confirmed: detectedAt !== null,
            experts: confirmedBy ?? (latest?.source === 'expert' && latest.author ? [latest.author] : []),
            model: latest?.model ?? null,
            at: detectedAt ?? (latest ? new Date(latest.at) : null),
          },
        };
      });
      const last = rows.at(-1)!;
      after = { collectedAt: last.cursorAt, id: last.id };
    }
  }

  /** Every port where the query finds specimens, with their specimens, individuals and detections. */
  async portCounts(scope: Scope, filter: SurveillanceFilter): Promise<PortExportRow[]> {
    const rows = await this.specimensIn(scope, filter)
      .innerJoin('ports', 'ports.id', 'specimens.port_id')
      .leftJoin('detections', 'detections.specimen_id', 'specimens.id')
      .groupBy(['ports.id', 'ports.code', 'ports.name_zh', 'ports.name_en', 'ports.type', 'ports.longitude', 'ports.latitude'])
      .select((eb) => [
        'ports.code',
        'ports.name_zh',
        'ports.name_en',
        'ports.type',
        'ports.longitude',
        'ports.latitude',
        eb.fn.count<string | number>('specimens.id').as('specimens'),
        eb.fn.sum<string | number>('specimens.count').as('individuals'),
        eb.fn.count<string | number>('detections.id').as('detections'),
      ])
      .orderBy('ports.code')
      .execute();
    return rows.map((row) => ({
      port: { code: row.code, nameZh: row.name_zh, nameEn: row.name_en, type: row.type, longitude: row.longitude, latitude: row.latitude },
      specimens: Number(row.specimens),
      individuals: Number(row.individuals),
      detections: Number(row.detections),
    }));
  }

  private specimensIn(scope: Scope, filter: SurveillanceFilter, executor: Executor = this.db) {
    return executor
      .selectFrom('specimens')
      .where((eb) => unitInScope(eb, eb.ref('specimens.unit_id'), scope))
      .where((eb) => matchesSurveillanceFilter(eb, filter));
  }

  /**
   * One batch: its ids first, walking the (collected_at, id) index from the cursor, and only then their ports, taxa
   * and identifications, so that each batch costs the same however many rows follow it.
   */
  private specimenBatch(executor: Executor, scope: Scope, filter: SurveillanceFilter, limit: number, after: Cursor | undefined) {
    const page = this.specimensIn(scope, filter, executor)
      .select('specimens.id')
      .$if(after !== undefined, (query) =>
        query.where(sql<SqlBool>`(specimens.collected_at, specimens.id) > (${after!.collectedAt}::timestamptz, ${after!.id}::uuid)`),
      )
      .orderBy('specimens.collected_at')
      .orderBy('specimens.id')
      .limit(limit);
    return (
      executor
        // A subquery with a limit stays one: the batch is chosen before anything is joined to it.
        .selectFrom(page.as('page'))
        .innerJoin('specimens', 'specimens.id', 'page.id')
        .innerJoin('ports', 'ports.id', 'specimens.port_id')
        .innerJoin('units', 'units.id', 'specimens.unit_id')
        .innerJoin('users as creators', 'creators.id', 'specimens.created_by')
        .leftJoin('taxa', 'taxa.id', 'specimens.taxon_id')
        .leftJoin('detections', 'detections.specimen_id', 'specimens.id')
        // The latest primary answer: the model that gave it, or the expert who did.
        .leftJoinLateral(
          (eb) =>
            eb
              .selectFrom('identifications')
              .leftJoin('users as authors', 'authors.id', 'identifications.author_id')
              .select(
                sql<LatestAnswer>`json_build_object('source', identifications.source, 'model', identifications.model, 'at', identifications.created_at, 'author', authors.display_name)`.as(
                  'latest',
                ),
              )
              .whereRef('identifications.specimen_id', '=', 'specimens.id')
              .where('identifications.role', '=', 'primary')
              .orderBy('identifications.created_at', 'desc')
              .orderBy('identifications.id', 'desc')
              .limit(1)
              .as('latest'),
          (join) => join.onTrue(),
        )
        // The experts whose decisions in the last round named the detected taxon.
        .leftJoinLateral(
          (eb) =>
            eb
              .selectFrom('reviews')
              .innerJoin('users as reviewers', 'reviewers.id', 'reviews.reviewer_id')
              .select(sql<string[] | null>`json_agg(reviewers.display_name order by reviews.created_at)`.as('confirmedBy'))
              .whereRef('reviews.specimen_id', '=', 'specimens.id')
              .whereRef('reviews.round', '=', 'specimens.review_round')
              .whereRef('reviews.taxon_id', '=', 'detections.taxon_id')
              .where('detections.identified_by', '=', 'expert')
              .as('confirmers'),
          (join) => join.onTrue(),
        )
        .select([
          'specimens.id',
          // In the database's own text: a timestamp passed back exactly, microseconds and all.
          sql<string>`specimens.collected_at::text`.as('cursorAt'),
          'specimens.site_type as siteType',
          'specimens.location_detail as locationDetail',
          'specimens.trap_method as trapMethod',
          'specimens.collected_at as collectedAt',
          'specimens.collector',
          'specimens.count',
          'specimens.life_stage as lifeStage',
          'specimens.sex',
          'specimens.notes',
          'specimens.status',
          'specimens.created_at as createdAt',
          'creators.username as createdBy',
          'units.code as unitCode',
          'specimens.taxon_id as taxonId',
          'specimens.identified_by as identifiedBy',
          'specimens.ai_confidence as aiConfidence',
          'specimens.triage_queue as triageQueue',
          'ports.code as portCode',
          'ports.name_zh as portNameZh',
          'ports.name_en as portNameEn',
          'ports.type as portType',
          'ports.longitude',
          'ports.latitude',
          'taxa.rank as taxonRank',
          'taxa.group as taxonGroup',
          'taxa.lineage as taxonLineage',
          'detections.created_at as detectedAt',
          'latest.latest',
          'confirmers.confirmedBy',
        ])
        .orderBy('specimens.collected_at')
        .orderBy('specimens.id')
        .limit(limit)
    );
  }

  /** The rank of every taxon id (hundreds): what places a lineage's ids as order, family, genus. */
  private async taxonRanks(): Promise<Map<string, TaxonRank>> {
    const rows = await this.db.selectFrom('taxa').select(['id', 'rank']).execute();
    return new Map(rows.map((row) => [row.id, row.rank]));
  }
}

type Executor = Db | Transaction<Database>;

/** Where the next batch starts: after this row, in (collected_at, id) order. */
interface Cursor {
  collectedAt: string;
  id: string;
}

/** The latest primary answer about a specimen, as JSON (`at` an ISO timestamp). */
interface LatestAnswer {
  source: IdentificationSource;
  model: string | null;
  at: string;
  author: string | null;
}

/** A lineage's ids by rank: `{ family: 'Culicidae', genus: 'Aedes', species: 'Aedes albopictus' }`. */
function ranksOf(lineage: string, ranks: ReadonlyMap<string, TaxonRank>): Partial<Record<TaxonRank, string>> {
  return Object.fromEntries(lineageIds(lineage).flatMap((id) => (ranks.has(id) ? [[ranks.get(id), id]] : [])));
}
