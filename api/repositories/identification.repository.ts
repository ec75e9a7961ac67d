import { sql, type Transaction } from 'kysely';
import type { Db } from '../db/database.js';
import type { Database } from '../db/schema.js';
import type { Scope } from '../domain/access.js';
import type { AiAnswer, ExpertIdentification, IdentificationHistoryEntry, ImageAnswer, IdentificationTimings, SpecimenIdentification } from '../domain/identification.js';
import { unitInScope } from './scope-filter.js';

type Executor = Db | Transaction<Database>;

/** The images an identify job reads, in position order. */
export interface JobImage {
  imageId: string;
  sha256: string;
}

/** One finished AI run over a specimen, as the job handler records it. */
export interface AiRun {
  /** Every model version consulted, sorted and joined: with the specimen, what makes a run unique. */
  modelKey: string;
  answer: AiAnswer;
  timings: IdentificationTimings;
  images: ImageAnswer[];
  shadow?: { modelKey: string; answer: AiAnswer } | undefined;
}

/** Which shadow answers a comparison reads. */
export interface ShadowComparisonFilter {
  /** `name@version`: only shadow runs that consulted this version (one of the names in their `model_key`). */
  shadowModel?: string | undefined;
  /** Only shadow answers recorded at or after this instant. */
  since?: Date | undefined;
  /** At most this many disagreeing specimens per shadow model key, newest first. */
  disagreementLimit: number;
  /** At most this many (primary taxon, shadow taxon) pairs per shadow model key, most frequent first. */
  confusionLimit: number;
}

/** The parts of an AI answer a comparison shows. */
export interface ComparedAnswer {
  group: string;
  taxon: string;
  confidence: number | null;
  rejected: boolean;
}

/** Shadow answers of one shadow `model_key` set against the primary answers of the same specimens. */
export interface ShadowComparison {
  shadowModelKey: string;
  primaryModelKeys: string[];
  specimens: number;
  agreement: { taxon: number; group: number };
  rejected: { primary: number; shadow: number };
  meanConfidence: { primary: number | null; shadow: number | null };
  disagreements: { specimenId: string; primary: ComparedAnswer; shadow: ComparedAnswer }[];
  confusion: { primaryTaxon: string; shadowTaxon: string; count: number }[];
}

export class IdentificationRepository {
  constructor(private readonly db: Db) {}

  /** Called inside the transaction that creates the specimen, so a committed specimen always has its request. */
  async createRequest(trx: Transaction<Database>, specimenId: string): Promise<void> {
    await trx.insertInto('identification_requests').values({ specimen_id: specimenId, status: 'pending' }).execute();
  }

  /** Pending requests never handed to the queue, or handed over longer ago than `staleBefore` (the outbox). */
  async pendingToEnqueue(staleBefore: Date, limit: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('identification_requests')
      .select('specimen_id')
      .where('status', '=', 'pending')
      .where((eb) => eb.or([eb('enqueued_at', 'is', null), eb('enqueued_at', '<', staleBefore)]))
      .orderBy('requested_at')
      .limit(limit)
      .execute();
    return rows.map((row) => row.specimen_id);
  }

  async markEnqueued(specimenIds: string[]): Promise<void> {
    if (specimenIds.length === 0) return;
    await this.db.updateTable('identification_requests').set({ enqueued_at: new Date() }).where('specimen_id', 'in', specimenIds).execute();
  }

  /**
   * The images the specimen's request was made for: those committed with it. Images added to the specimen later
   * (`POST /api/v1/specimens/:id/images`: an annotated still, say) are never identified, even by a job still pending.
   */
  async jobImages(specimenId: string): Promise<JobImage[]> {
    return this.db
      .selectFrom('specimen_images')
      .innerJoin('identification_requests', 'identification_requests.specimen_id', 'specimen_images.specimen_id')
      .select(['specimen_images.id as imageId', 'specimen_images.blob_sha256 as sha256'])
      .where('specimen_images.specimen_id', '=', specimenId)
      // Rows of one transaction share its now(): the specimen's first images and its request.
      .whereRef('specimen_images.created_at', '<=', 'identification_requests.requested_at')
      .orderBy('specimen_images.position')
      .execute();
  }

  async requestStatus(specimenId: string): Promise<SpecimenIdentification['status'] | undefined> {
    const row = await this.db.selectFrom('identification_requests').select('status').where('specimen_id', '=', specimenId).executeTakeFirst();
    return row?.status;
  }

  /**
   * Stores a run and completes the request, in one transaction. A run already stored for the same specimen and
   * model versions (a retried or duplicated job) adds nothing: returns false.
   */
  async recordRun(specimenId: string, run: AiRun): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const inserted = await insertAnswer(trx, specimenId, 'primary', run.modelKey, run.answer, run.timings, run.images);
      if (inserted) {
        for (const image of run.images) {
          const { imageId, ...result } = image;
          await trx.insertInto('image_identifications').values({ identification_id: inserted, specimen_image_id: imageId, result: JSON.stringify(result) }).execute();
        }
      }
      if (run.shadow) await insertAnswer(trx, specimenId, 'shadow', run.shadow.modelKey, run.shadow.answer, null, []);
      await trx
        .updateTable('identification_requests')
        .set((eb) => ({ status: 'done', completed_at: new Date(), error: null, attempts: eb('attempts', '+', 1) }))
        .where('specimen_id', '=', specimenId)
        .execute();
      return inserted !== undefined;
    });
  }

  /** No image of the specimen could be read (or the last retry failed): the request ends as `failed`. */
  async recordFailure(specimenId: string, error: string, final: boolean): Promise<void> {
    await this.db
      .updateTable('identification_requests')
      .set((eb) => ({ attempts: eb('attempts', '+', 1), error, ...(final ? { status: 'failed' as const, completed_at: new Date() } : {}) }))
      .where('specimen_id', '=', specimenId)
      .execute();
  }

  /** The request and latest primary AI answer of each specimen (for the specimen pages and the live push). */
  async identificationsOf(specimenIds: string[], executor: Executor = this.db): Promise<Map<string, SpecimenIdentification>> {
    const result = new Map<string, SpecimenIdentification>();
    if (specimenIds.length === 0) return result;
    const requests = await executor.selectFrom('identification_requests').selectAll().where('specimen_id', 'in', specimenIds).execute();
    const answers = await executor
      .selectFrom('identifications')
      .selectAll()
      .where('specimen_id', 'in', specimenIds)
      .where('source', '=', 'ai')
      .where('role', '=', 'primary')
      .orderBy('created_at', 'desc')
      .execute();
    const latest = new Map<string, (typeof answers)[number]>();
    for (const answer of answers) if (!latest.has(answer.specimen_id)) latest.set(answer.specimen_id, answer);
    const imageRows = latest.size
      ? await executor
          .selectFrom('image_identifications')
          .innerJoin('specimen_images', 'specimen_images.id', 'image_identifications.specimen_image_id')
          .select(['image_identifications.identification_id', 'image_identifications.specimen_image_id', 'image_identifications.result'])
          .where('image_identifications.identification_id', 'in', [...latest.values()].map((answer) => answer.id))
          .orderBy('specimen_images.position')
          .execute()
      : [];
    for (const request of requests) {
      const answer = latest.get(request.specimen_id);
      result.set(request.specimen_id, {
        status: request.status,
        requestedAt: request.requested_at,
        completedAt: request.completed_at,
        error: request.error,
        result: answer
          ? {
              group: answer.group,
              lifeStage: answer.life_stage,
              taxon: answer.taxon,
              confidence: answer.confidence ?? 0,
              rejected: answer.rejected,
              topK: answer.top_k,
              model: answer.model ?? '',
              models: (answer.model_key ?? '').split(',').filter(Boolean),
              timings: answer.timings as IdentificationTimings | null,
              images: imageRows
                .filter((row) => row.identification_id === answer.id)
                .map((row) => ({ imageId: row.specimen_image_id, ...row.result }) as ImageAnswer),
            }
          : null,
      });
    }
    return result;
  }

  /** Records an expert's identification in the same history the AI answers go to; returns its id. */
  async recordExpert(
    specimenId: string,
    authorId: string,
    roomId: string | null,
    identification: ExpertIdentification,
    afterInsert: (trx: Transaction<Database>, identificationId: string) => Promise<void>,
  ): Promise<string> {
    return this.db.transaction().execute(async (trx) => {
      const { id } = await trx
        .insertInto('identifications')
        .values({
          specimen_id: specimenId,
          source: 'expert',
          group: identification.group,
          life_stage: identification.lifeStage,
          taxon: identification.taxon,
          confidence: identification.confidence,
          rejected: false,
          top_k: JSON.stringify([]),
          failed_images: JSON.stringify([]),
          author_id: authorId,
          room_id: roomId,
          notes: identification.notes,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await afterInsert(trx, id);
      return id;
    });
  }

  /** Each specimen's identification history, newest first: primary AI answers and experts' answers (never shadows). */
  async historyOf(specimenIds: string[], executor: Executor = this.db): Promise<Map<string, IdentificationHistoryEntry[]>> {
    const result = new Map<string, IdentificationHistoryEntry[]>();
    if (specimenIds.length === 0) return result;
    const rows = await executor
      .selectFrom('identifications')
      .leftJoin('users as author', 'author.id', 'identifications.author_id')
      .select([
        'identifications.id',
        'identifications.specimen_id',
        'identifications.source',
        'identifications.group',
        'identifications.life_stage',
        'identifications.taxon',
        'identifications.confidence',
        'identifications.rejected',
        'identifications.model',
        'identifications.room_id',
        'identifications.notes',
        'identifications.created_at',
        'author.id as author_id',
        'author.username as author_username',
        'author.display_name as author_display_name',
      ])
      .where('identifications.specimen_id', 'in', specimenIds)
      .where('identifications.role', '=', 'primary')
      .orderBy('identifications.created_at', 'desc')
      .orderBy('identifications.id', 'desc')
      .execute();
    for (const row of rows) {
      const list = result.get(row.specimen_id) ?? [];
      list.push({
        id: row.id,
        source: row.source,
        group: row.group,
        lifeStage: row.life_stage,
        taxon: row.taxon,
        confidence: row.confidence,
        rejected: row.rejected,
        model: row.model,
        author: row.author_id && row.author_username && row.author_display_name ? { id: row.author_id, username: row.author_username, displayName: row.author_display_name } : null,
        roomId: row.room_id,
        notes: row.notes,
        createdAt: row.created_at,
      });
      result.set(row.specimen_id, list);
    }
    return result;
  }

  /**
   * Each shadow AI answer in scope, paired with the primary AI answer of the same specimen from the same run (the
   * latest primary recorded at or before it; if none, the first one after), then summed up per shadow `model_key`:
   * the counts and means, the disagreements (group or taxon differ) and the taxon confusion pairs are computed in SQL.
   */
  async shadowComparison(scope: Scope, filter: ShadowComparisonFilter): Promise<ShadowComparison[]> {
    const { shadowModel, since } = filter;
    const pairs = this.db
      .selectFrom('identifications as s')
      .innerJoin('specimens', 'specimens.id', 's.specimen_id')
      .innerJoinLateral(
        (eb) =>
          eb
            .selectFrom('identifications as p')
            .select(['p.model_key', 'p.group', 'p.taxon', 'p.confidence', 'p.rejected'])
            .whereRef('p.specimen_id', '=', 's.specimen_id')
            .where('p.source', '=', 'ai')
            .where('p.role', '=', 'primary')
            .where('p.model_key', 'is not', null)
            .orderBy(sql`case when p.created_at <= s.created_at then 0 else 1 end`)
            .orderBy(sql`abs(extract(epoch from p.created_at - s.created_at))`)
            .orderBy('p.id')
            .limit(1)
            .as('p'),
        (join) => join.onTrue(),
      )
      .select([
        's.specimen_id as specimen_id',
        's.created_at as created_at',
        sql<string>`s.model_key`.as('shadow_key'),
        sql<string>`p.model_key`.as('primary_key'),
        'p.group as p_group',
        'p.taxon as p_taxon',
        'p.confidence as p_confidence',
        'p.rejected as p_rejected',
        's.group as s_group',
        's.taxon as s_taxon',
        's.confidence as s_confidence',
        's.rejected as s_rejected',
      ])
      .where('s.source', '=', 'ai')
      .where('s.role', '=', 'shadow')
      .where('s.model_key', 'is not', null)
      .where((eb) => unitInScope(eb, eb.ref('specimens.unit_id'), scope))
      .$if(shadowModel !== undefined, (qb) => qb.where(sql<boolean>`${shadowModel ?? ''} = any(string_to_array(s.model_key, ','))`))
      .$if(since !== undefined, (qb) => qb.where('s.created_at', '>=', since ?? new Date(0)));

    // One snapshot for the three queries, so the summary, the disagreements and the confusion pairs agree.
    const { summaries, disagreements, confusion } = await this.db
      .transaction()
      .setIsolationLevel('repeatable read')
      .setAccessMode('read only')
      .execute(async (trx) => {
        const summaries = await trx
          .with('pairs', () => pairs)
          .selectFrom('pairs')
          .select([
            'shadow_key',
            sql<string[]>`array_agg(distinct primary_key order by primary_key)`.as('primary_keys'),
            sql<string | number>`count(*)`.as('specimens'),
            sql<string | number>`count(*) filter (where p_taxon = s_taxon)`.as('taxon_agree'),
            sql<string | number>`count(*) filter (where p_group = s_group)`.as('group_agree'),
            sql<string | number>`count(*) filter (where p_rejected)`.as('p_rejected'),
            sql<string | number>`count(*) filter (where s_rejected)`.as('s_rejected'),
            sql<number | null>`avg(p_confidence)`.as('p_confidence'),
            sql<number | null>`avg(s_confidence)`.as('s_confidence'),
          ])
          .groupBy('shadow_key')
          .orderBy('shadow_key')
          .execute();
        const disagreements = await trx
          .with('pairs', () => pairs)
          .with('ranked', (db) =>
            db
              .selectFrom('pairs')
              .selectAll()
              .select(sql<string | number>`row_number() over (partition by shadow_key order by created_at desc, specimen_id)`.as('rank'))
              .where((eb) => eb.or([eb('p_taxon', '<>', eb.ref('s_taxon')), eb('p_group', '<>', eb.ref('s_group'))])),
          )
          .selectFrom('ranked')
          .selectAll()
          .where('rank', '<=', filter.disagreementLimit)
          .orderBy('shadow_key')
          .orderBy('rank')
          .execute();
        const confusion = await trx
          .with('pairs', () => pairs)
          .with('counted', (db) =>
            db
              .selectFrom('pairs')
              .select(['shadow_key', 'p_taxon', 's_taxon', sql<string | number>`count(*)`.as('n')])
              .where('p_taxon', '<>', (eb) => eb.ref('s_taxon'))
              .groupBy(['shadow_key', 'p_taxon', 's_taxon']),
          )
          .with('ranked', (db) =>
            db
              .selectFrom('counted')
              .selectAll()
              .select(sql<string | number>`row_number() over (partition by shadow_key order by n desc, p_taxon, s_taxon)`.as('rank')),
          )
          .selectFrom('ranked')
          .selectAll()
          .where('rank', '<=', filter.confusionLimit)
          .orderBy('shadow_key')
          .orderBy('rank')
          .execute();
        return { summaries, disagreements, confusion };
      });

    return summaries.map((row) => {
      const specimens = Number(row.specimens);
      return {
        shadowModelKey: row.shadow_key,
        primaryModelKeys: row.primary_keys,
        specimens,
        agreement: { taxon: Number(row.taxon_agree) / specimens, group: Number(row.group_agree) / specimens },
        rejected: { primary: Number(row.p_rejected), shadow: Number(row.s_rejected) },
        meanConfidence: { primary: row.p_confidence === null ? null : Number(row.p_confidence), shadow: row.s_confidence === null ? null : Number(row.s_confidence) },
        disagreements: disagreements
          .filter((pair) => pair.shadow_key === row.shadow_key)
          .map((pair) => ({
            specimenId: pair.specimen_id,
            primary: { group: pair.p_group, taxon: pair.p_taxon, confidence: pair.p_confidence, rejected: pair.p_rejected },
            shadow: { group: pair.s_group, taxon: pair.s_taxon, confidence: pair.s_confidence, rejected: pair.s_rejected },
          })),
        confusion: confusion
          .filter((pair) => pair.shadow_key === row.shadow_key)
          .map((pair) => ({ primaryTaxon: pair.p_taxon, shadowTaxon: pair.s_taxon, count: Number(pair.n) })),
      };
    });
  }

  /** Counts for `/metrics` and `/ready`: requests by status. */
  async requestCounts(): Promise<Record<SpecimenIdentification['status'], number>> {
    const rows = await this.db
      .selectFrom('identification_requests')
      .select(['status', sql<number>`count(*)`.as('n')])
      .groupBy('status')
      .execute();
    const counts = { pending: 0, done: 0, failed: 0 };
    for (const row of rows) counts[row.status] = Number(row.n);
    return counts;
  }
}

async function insertAnswer(
  trx: Transaction<Database>,
  specimenId: string,
  role: 'primary' | 'shadow',
  modelKey: string,
  answer: AiAnswer,
  timings: IdentificationTimings | null,
  images: ImageAnswer[],
): Promise<string | undefined> {
  const failed = images.flatMap((image) => ('error' in image ? [{ imageId: image.imageId, error: image.error }] : []));
  const row = await trx
    .insertInto('identifications')
    .values({
      specimen_id: specimenId,
      source: 'ai',
      role,
      model_key: modelKey,
      model: answer.model,
      group: answer.group,
      life_stage: answer.lifeStage,
      taxon: answer.taxon,
      confidence: answer.confidence,
      rejected: answer.rejected,
      top_k: JSON.stringify(answer.topK),
      timings: timings ? JSON.stringify(timings) : null,
      failed_images: JSON.stringify(failed),
    })
    .onConflict((oc) => oc.columns(['specimen_id', 'model_key', 'role']).where('source', '=', 'ai').doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id;
}
