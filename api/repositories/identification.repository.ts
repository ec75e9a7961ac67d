import { sql, type Expression, type RawBuilder, type Transaction } from 'kysely';
import type { Db } from '../db/database.js';
import type { Database } from '../db/schema.js';
import type {
  AiAnswer,
  ExpertIdentification,
  IdentificationHistoryEntry,
  ImageAnswer,
  IdentificationTimings,
  LevelAnswers,
  SpecimenIdentification,
  TaxonProbability,
} from '../domain/identification.js';
import type { IdentificationSource, IdentificationStatus } from '../domain/vocabulary.js';
import { lockSpecimenRow, type IdentificationRequestRepository } from './identification-request.repository.js';

/** One finished AI run over a specimen, as the job handler records it. */
export interface AiRun {
  /** Every model version consulted, sorted and joined: with the specimen, what makes a run unique. */
  modelKey: string;
  answer: AiAnswer;
  timings: IdentificationTimings;
  images: ImageAnswer[];
  shadow?: { modelKey: string; answer: AiAnswer } | undefined;
}

/** The identifications of specimens: AI answers (primary and shadow) and experts' answers, and what specimens show of them. */
export class IdentificationRepository {
  constructor(
    private readonly db: Db,
    private readonly requests: IdentificationRequestRepository,
  ) {}

  /**
   * Stores a run and completes the request, in one transaction with `onRecorded` (triage). A run already stored for the
   * same specimen and model versions (a retried or duplicated job) adds nothing: returns false.
   */
  async recordRun(specimenId: string, run: AiRun, onRecorded: (trx: Transaction<Database>) => Promise<void>): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      await lockSpecimenRow(trx, specimenId);
      const inserted = await insertAnswer(trx, specimenId, 'primary', run.modelKey, run.answer, run.timings, run.images);
      if (inserted) {
        for (const image of run.images) {
          const { imageId, ...result } = image;
          await trx
            .insertInto('image_identifications')
            .values({ identification_id: inserted, specimen_image_id: imageId, result: JSON.stringify(result) })
            .execute();
        }
      }
      if (run.shadow) await insertAnswer(trx, specimenId, 'shadow', run.shadow.modelKey, run.shadow.answer, null, []);
      await this.requests.markDone(trx, specimenId);
      if (inserted !== undefined) await onRecorded(trx);
      return inserted !== undefined;
    });
  }

  /**
   * The request and latest primary AI answer (with its per-image answers) of the specimen whose id `specimenId` refers
   * to, as one JSON value of a query over specimens: a page of specimens is one query, not one per part (ADR 0039).
   * Null when it has no request (specimens stored before identification existed). Read it with {@link identificationOf}.
   */
  currentOf(specimenId: Expression<string>): RawBuilder<IdentificationJson | null> {
    return sql<IdentificationJson | null>`(
      select json_build_object(
        'status', r.status, 'requestedAt', r.requested_at, 'completedAt', r.completed_at, 'error', r.error,
        'answer', (
          select json_build_object(
            'group', a."group", 'lifeStage', a.life_stage, 'taxon', a.taxon, 'confidence', a.confidence,
            'rejected', a.rejected, 'committedLevel', a.committed_level, 'levels', a.levels, 'topK', a.top_k,
            'model', a.model, 'modelKey', a.model_key, 'timings', a.timings,
            'images', (
              select coalesce(json_agg(json_build_object('imageId', ii.specimen_image_id, 'result', ii.result)
                order by si.position), '[]'::json)
              from image_identifications ii
              join specimen_images si on si.id = ii.specimen_image_id
              where ii.identification_id = a.id))
          from identifications a
          where a.specimen_id = r.specimen_id and a.source = 'ai' and a.role = 'primary'
          order by a.created_at desc
          limit 1))
      from identification_requests r
      where r.specimen_id = ${specimenId})`;
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
      const id = await this.insertExpert(trx, specimenId, authorId, roomId, identification);
      await afterInsert(trx, id);
      return id;
    });
  }

  /** An expert's identification, inside the caller's transaction (a review decision); returns its id. */
  async insertExpert(
    trx: Transaction<Database>,
    specimenId: string,
    authorId: string,
    roomId: string | null,
    identification: ExpertIdentification,
  ): Promise<string> {
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
    return id;
  }

  /**
   * The identification history of the specimen whose id `specimenId` refers to, newest first: primary AI answers and
   * experts' answers (never shadows), as one JSON value of a query over specimens. Read it with {@link historyOf}.
   */
  historyOf(specimenId: Expression<string>): RawBuilder<HistoryEntryJson[]> {
    return sql<HistoryEntryJson[]>`(
      select coalesce(json_agg(json_build_object(
          'id', i.id, 'source', i.source, 'group', i."group", 'lifeStage', i.life_stage, 'taxon', i.taxon,
          'confidence', i.confidence, 'rejected', i.rejected, 'committedLevel', i.committed_level, 'model', i.model,
          'roomId', i.room_id, 'notes', i.notes, 'createdAt', i.created_at,
          'authorId', author.id, 'authorUsername', author.username, 'authorDisplayName', author.display_name)
        order by i.created_at desc, i.id desc), '[]'::json)
      from identifications i
      left join users author on author.id = i.author_id
      where i.specimen_id = ${specimenId} and i.role = 'primary')`;
  }
}

/** What every identification answer says, as the JSON sub-queries spell it. */
type AnswerJson = Pick<IdentificationHistoryEntry, 'group' | 'lifeStage' | 'taxon' | 'confidence' | 'rejected' | 'committedLevel'>;

/** A specimen's identification request and latest primary AI answer, as {@link IdentificationRepository.currentOf} selects it. */
export interface IdentificationJson {
  status: IdentificationStatus;
  requestedAt: string;
  completedAt: string | null;
  error: string | null;
  answer:
    | (AnswerJson & {
        levels: LevelAnswers | null;
        topK: TaxonProbability[];
        model: string | null;
        modelKey: string | null;
        timings: IdentificationTimings | null;
        images: { imageId: string; result: Record<string, unknown> }[];
      })
    | null;
}

/** One entry of a specimen's identification history, as {@link IdentificationRepository.historyOf} selects it. */
export interface HistoryEntryJson extends AnswerJson {
  id: string;
  source: IdentificationSource;
  model: string | null;
  roomId: string | null;
  notes: string | null;
  createdAt: string;
  authorId: string | null;
  authorUsername: string | null;
  authorDisplayName: string | null;
}

/** A specimen's automatic identification from {@link IdentificationRepository.currentOf}'s JSON. */
export function identificationOf(json: IdentificationJson | null): SpecimenIdentification | null {
  if (json === null) return null;
  const { answer } = json;
  return {
    status: json.status,
    requestedAt: new Date(json.requestedAt),
    completedAt: json.completedAt === null ? null : new Date(json.completedAt),
    error: json.error,
    result: answer
      ? {
          group: answer.group,
          lifeStage: answer.lifeStage,
          taxon: answer.taxon,
          confidence: answer.confidence ?? 0,
          rejected: answer.rejected,
          committedLevel: answer.committedLevel,
          levels: answer.levels,
          topK: answer.topK,
          model: answer.model ?? '',
          models: (answer.modelKey ?? '').split(',').filter(Boolean),
          timings: answer.timings,
          // Per-image answers stored before levels were recorded (migration 0020) have none.
          images: answer.images.map(({ imageId, result }) => ({ imageId, committedLevel: null, levels: null, ...result }) as ImageAnswer),
        }
      : null,
  };
}

/** A specimen's identification history from {@link IdentificationRepository.historyOf}'s JSON. */
export function historyOf(json: readonly HistoryEntryJson[]): IdentificationHistoryEntry[] {
  return json.map((row) => ({
    id: row.id,
    source: row.source,
    group: row.group,
    lifeStage: row.lifeStage,
    taxon: row.taxon,
    confidence: row.confidence,
    rejected: row.rejected,
    committedLevel: row.committedLevel,
    model: row.model,
    author:
      row.authorId && row.authorUsername && row.authorDisplayName
        ? { id: row.authorId, username: row.authorUsername, displayName: row.authorDisplayName }
        : null,
    roomId: row.roomId,
    notes: row.notes,
    createdAt: new Date(row.createdAt),
  }));
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
      committed_level: answer.committedLevel,
      levels: answer.levels ? JSON.stringify(answer.levels) : null,
      top_k: JSON.stringify(answer.topK),
      timings: timings ? JSON.stringify(timings) : null,
      failed_images: JSON.stringify(failed),
    })
    .onConflict((oc) => oc.columns(['specimen_id', 'model_key', 'role']).where('source', '=', 'ai').doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id;
}
