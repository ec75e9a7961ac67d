import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import type { Scope } from '../domain/access.js';
import {
  annotatedStills,
  type BankListing,
  type BankTaxonRecord,
  type BankTaxonRefRecord,
  type ConsultationStillRecord,
  type TeachingMarkRecord,
  type TeachingSpecimen,
} from '../domain/specimen-bank.js';
import type { SpecimenImageRecord } from '../domain/specimen.js';
import type { SpecimenStatus, TeachingMark, VectorGroup } from '../domain/vocabulary.js';
import { toEvent } from './room.repository.js';
import { escapeLike, unitInScope } from './scope-filter.js';

type Executor = Kysely<Database> | Transaction<Database>;

export interface TeachingSpecimenOptions {
  /** Only specimens confirmed as one of these taxa. */
  taxa?: readonly string[];
  /** Only specimens of taxa in these vector groups. */
  groups?: readonly VectorGroup[];
  /** At most this many of each taxon. */
  perTaxon?: number;
  limit: number;
}

/**
 * Confirmed specimens in `scope` fit to teach with: a taxon and at least one photo, not hidden by an expert; examples
 * first, then the most recently confirmed. For the bank's look-alikes, practice sets and class quizzes alike.
 */
export async function usableTeachingSpecimens(db: Executor, scope: Scope, options: TeachingSpecimenOptions): Promise<TeachingSpecimen[]> {
  const { taxa, groups, perTaxon, limit } = options;
  if (taxa?.length === 0 || groups?.length === 0) return [];
  const example = sql<boolean>`coalesce(marks.mark = 'example', false)`;
  const ranked = confirmedInScope(db, scope, false)
    .select([
      'detections.specimen_id',
      'detections.taxon_id',
      'detections.created_at as confirmed_at',
      'specimens.life_stage',
      'specimens.collected_at',
      example.as('example'),
      sql<number>`row_number() over (partition by detections.taxon_id
        order by ${example} desc, detections.created_at desc, detections.specimen_id)`.as('rank_in_taxon'),
    ])
    .where(({ exists, selectFrom }) =>
      exists(selectFrom('specimen_images as photo').select('photo.id').whereRef('photo.specimen_id', '=', 'detections.specimen_id')),
    )
    .$if(taxa !== undefined, (query) => query.where('detections.taxon_id', 'in', [...taxa!]))
    .$if(groups !== undefined, (query) => query.where('taxa.group', 'in', [...groups!]));
  // The photos are gathered in the outer query, so only for the specimens chosen.
  const rows = await db
    .selectFrom(ranked.as('ranked'))
    .selectAll()
    .select(
      sql<SpecimenImageRecord[]>`(
        select json_agg(json_build_object('id', si.id, 'sha256', b.sha256, 'width', b.width, 'height', b.height,
          'format', b.format, 'bytes', b.bytes, 'originalFilename', si.original_filename, 'position', si.position,
          'qualityWarnings', si.quality_warnings) order by si.position)
          from specimen_images si join blobs b on b.sha256 = si.blob_sha256
         where si.specimen_id = ranked.specimen_id)`.as('images'),
    )
    .$if(perTaxon !== undefined, (query) => query.where('rank_in_taxon', '<=', perTaxon!))
    .orderBy('example', 'desc')
    .orderBy('confirmed_at', 'desc')
    .orderBy('specimen_id')
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    specimenId: row.specimen_id,
    taxonId: row.taxon_id,
    example: row.example,
    lifeStage: row.life_stage,
    collectedAt: row.collected_at,
    images: row.images,
  }));
}

/**
 * Confirmed specimens (each with its detection's taxon and its teaching mark, if any) of units in scope, without the
 * hidden ones unless `includeHidden`: what the bank shows and practice sets are drawn from.
 */
export function confirmedInScope(db: Executor, scope: Scope, includeHidden: boolean) {
  return db
    .selectFrom('detections')
    .innerJoin('specimens', 'specimens.id', 'detections.specimen_id')
    .innerJoin('taxa', 'taxa.id', 'detections.taxon_id')
    .leftJoin('specimen_teaching_marks as marks', 'marks.specimen_id', 'detections.specimen_id')
    .leftJoin('users as marker', 'marker.id', 'marks.marked_by')
    .where('specimens.status', '=', 'confirmed')
    .where((eb) => unitInScope(eb, eb.ref('specimens.unit_id'), scope))
    .$if(!includeHidden, (query) => query.where((eb) => eb.or([eb('marks.mark', 'is', null), eb('marks.mark', '<>', 'hidden')])));
}

const TAXON_REF_COLUMNS = ['taxa.id', 'taxa.rank', 'taxa.group', 'taxa.name_zh', 'taxa.name_en', 'taxa.watch_list'] as const;

function taxonRef(row: {
  id: string;
  rank: BankTaxonRefRecord['rank'];
  group: BankTaxonRefRecord['group'];
  name_zh: string;
  name_en: string;
  watch_list: boolean;
}): BankTaxonRefRecord {
  return { id: row.id, rank: row.rank, group: row.group, nameZh: row.name_zh, nameEn: row.name_en, watchList: row.watch_list };
}

/** Experts' teaching marks on specimens, and the specimen bank they shape: confirmed specimens browsed by taxon (ADR 0027). */
export class SpecimenBankRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * The taxa with confirmed specimens in scope, each with how many and how many examples, in taxonomic order
   * (each taxon after its parent). `includeHidden`: count the hidden ones too.
   */
  async taxa(
    scope: Scope,
    filter: { group?: VectorGroup | undefined; text?: string | undefined; ids?: readonly string[] | undefined; includeHidden: boolean },
  ): Promise<BankTaxonRecord[]> {
    if (filter.ids?.length === 0) return [];
    const rows = await confirmedInScope(this.db, scope, filter.includeHidden)
      .select([...TAXON_REF_COLUMNS, 'taxa.lineage'])
      .select((eb) => [
        eb.fn.countAll<string | number>().as('specimens'),
        sql<string | number>`count(*) filter (where marks.mark = 'example')`.as('examples'),
      ])
      .$if(filter.group !== undefined, (query) => query.where('taxa.group', '=', filter.group!))
      .$if(!!filter.text, (query) => query.where('taxa.search_text', 'like', `%${escapeLike(filter.text!)}%`))
      .$if(filter.ids !== undefined, (query) => query.where('taxa.id', 'in', [...filter.ids!]))
      .groupBy([...TAXON_REF_COLUMNS, 'taxa.lineage'])
      .orderBy(sql`taxa.lineage collate "C"`)
      .execute();
    return rows.map((row) => ({ taxon: taxonRef(row), specimens: Number(row.specimens), examples: Number(row.examples) }));
  }

  /** The taxa of `ids` the taxonomy knows, by id. */
  async taxonRefs(ids: readonly string[]): Promise<Map<string, BankTaxonRefRecord>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('taxa')
      .select(TAXON_REF_COLUMNS)
      .where('taxa.id', 'in', [...ids])
      .execute();
    return new Map(rows.map((row) => [row.id, taxonRef(row)]));
  }

  /** A page of one taxon's confirmed specimens in scope: examples first, then the most recently collected; hidden ones last. */
  async listings(
    scope: Scope,
    taxonId: string,
    includeHidden: boolean,
    page: { limit: number; offset: number },
  ): Promise<{ items: BankListing[]; total: number }> {
    const base = confirmedInScope(this.db, scope, includeHidden).where('detections.taxon_id', '=', taxonId);
    const { total } = await base.select((eb) => eb.fn.countAll<string | number>().as('total')).executeTakeFirstOrThrow();
    const rows = await base
      .select([...MARK_COLUMNS, 'detections.specimen_id', 'detections.taxon_id', 'detections.created_at as confirmed_at'])
      .orderBy(sql`case marks.mark when 'example' then 0 when 'hidden' then 2 else 1 end`)
      .orderBy('specimens.collected_at', 'desc')
      .orderBy('specimens.id')
      .limit(page.limit)
      .offset(page.offset)
      .execute();
    return {
      items: rows.map((row) => ({
        specimenId: row.specimen_id,
        taxonId: row.taxon_id,
        confirmedAt: row.confirmed_at,
        mark: markOfRow(row),
      })),
      total: Number(total),
    };
  }

  /**
   * The stills of consultations about each specimen that show one of its own photos, oldest first, each with the
   * annotations left on it.
   */
  async stillsOf(specimenIds: readonly string[]): Promise<Map<string, ConsultationStillRecord[]>> {
    const result = new Map<string, ConsultationStillRecord[]>(specimenIds.map((id) => [id, []]));
    if (specimenIds.length === 0) return result;
    const rows = await this.db
      .selectFrom('room_events')
      .innerJoin('rooms', 'rooms.id', 'room_events.room_id')
      .leftJoin('specimen_images as still_image', (join) =>
        join
          .on(sql<boolean>`still_image.id::text = room_events.payload ->> 'imageId'`)
          .onRef('still_image.specimen_id', '=', 'rooms.specimen_id'),
      )
      .selectAll('room_events')
      .select(['rooms.specimen_id', 'rooms.title as room_title', 'still_image.id as still_image_id'])
      .where('rooms.kind', '=', 'consultation')
      .where('rooms.specimen_id', 'in', [...specimenIds])
      .where('room_events.kind', 'in', ['still', 'annotation', 'annotations-cleared'])
      // Marks over live video are not on the still.
      .where(sql<boolean>`room_events.payload -> 'target' is null`)
      .orderBy('room_events.seq')
      .execute();
    const byRoom = new Map<string, typeof rows>();
    for (const row of rows) byRoom.set(row.room_id, [...(byRoom.get(row.room_id) ?? []), row]);
    for (const events of byRoom.values()) {
      const stillImages = new Map(events.map((row) => [row.id, row.still_image_id]));
      const { specimen_id: specimenId, room_title: roomTitle } = events[0]!;
      for (const { still, annotations } of annotatedStills(events.map(toEvent))) {
        const imageId = stillImages.get(still.id);
        if (!imageId || !specimenId) continue;
        result.get(specimenId)!.push({
          roomId: events[0]!.room_id,
          roomTitle,
          imageId,
          sharedBy: still.displayName,
          sharedAt: still.at,
          annotations,
        });
      }
    }
    for (const stills of result.values()) stills.sort((a, b) => a.sharedAt.getTime() - b.sharedAt.getTime());
    return result;
  }

  /** The specimen's status if it is in scope, its row locked until the transaction ends (marks on it are set one at a time). */
  async lockInScope(trx: Transaction<Database>, specimenId: string, scope: Scope): Promise<SpecimenStatus | undefined> {
    const row = await trx
      .selectFrom('specimens')
      .select('specimens.status')
      .where('specimens.id', '=', specimenId)
      .where((eb) => unitInScope(eb, eb.ref('specimens.unit_id'), scope))
      .forUpdate()
      .executeTakeFirst();
    return row?.status;
  }

  async markOf(executor: Executor, specimenId: string): Promise<TeachingMarkRecord | null> {
    const row = await executor
      .selectFrom('specimen_teaching_marks as marks')
      .innerJoin('users as marker', 'marker.id', 'marks.marked_by')
      .select(MARK_COLUMNS)
      .where('marks.specimen_id', '=', specimenId)
      .executeTakeFirst();
    return row ? markOfRow(row) : null;
  }

  async setMark(
    trx: Transaction<Database>,
    specimenId: string,
    mark: { mark: TeachingMark; note: string | null; markedBy: string },
  ): Promise<TeachingMarkRecord> {
    const values = { mark: mark.mark, note: mark.note, marked_by: mark.markedBy, marked_at: sql<Date>`now()` };
    await trx
      .insertInto('specimen_teaching_marks')
      .values({ specimen_id: specimenId, ...values })
      .onConflict((oc) => oc.column('specimen_id').doUpdateSet(values))
      .execute();
    return (await this.markOf(trx, specimenId))!;
  }

  /** Removes the mark; whether there was one. */
  async clearMark(trx: Transaction<Database>, specimenId: string): Promise<boolean> {
    const deleted = await trx.deleteFrom('specimen_teaching_marks').where('specimen_id', '=', specimenId).executeTakeFirst();
    return Number(deleted.numDeletedRows) > 0;
  }

  /** See {@link usableTeachingSpecimens}. */
  teachingSpecimens(scope: Scope, options: TeachingSpecimenOptions): Promise<TeachingSpecimen[]> {
    return usableTeachingSpecimens(this.db, scope, options);
  }
}

const MARK_COLUMNS = [
  'marks.mark',
  'marks.note',
  'marks.marked_at',
  'marker.id as marker_id',
  'marker.username as marker_username',
  'marker.display_name as marker_display_name',
] as const;

function markOfRow(row: {
  mark: TeachingMark | null;
  note: string | null;
  marked_at: Date | null;
  marker_id: string | null;
  marker_username: string | null;
  marker_display_name: string | null;
}): TeachingMarkRecord | null {
  if (!row.mark || !row.marked_at || !row.marker_id || !row.marker_username || !row.marker_display_name) return null;
  return {
    mark: row.mark,
    note: row.note,
    markedBy: { id: row.marker_id, username: row.marker_username, displayName: row.marker_display_name },
    markedAt: row.marked_at,
  };
}
