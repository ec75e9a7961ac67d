import type { Transaction } from 'kysely';
import type { Db } from '../db/database.js';
import type { Database } from '../db/schema.js';
import type {
  AiAnswer,
  ExpertIdentification,
  IdentificationHistoryEntry,
  ImageAnswer,
  IdentificationTimings,
  SpecimenIdentification,
} from '../domain/identification.js';
import { lockSpecimenRow, type IdentificationRequestRepository } from './identification-request.repository.js';

type Executor = Db | Transaction<Database>;

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
          .where(
            'image_identifications.identification_id',
            'in',
            [...latest.values()].map((answer) => answer.id),
          )
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
              committedLevel: answer.committed_level,
              levels: answer.levels,
              topK: answer.top_k,
              model: answer.model ?? '',
              models: (answer.model_key ?? '').split(',').filter(Boolean),
              timings: answer.timings as IdentificationTimings | null,
              images: imageRows
                .filter((row) => row.identification_id === answer.id)
                // Per-image answers stored before levels were recorded (migration 0020) have none.
                .map((row) => ({ imageId: row.specimen_image_id, committedLevel: null, levels: null, ...row.result }) as ImageAnswer),
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
        'identifications.committed_level',
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
        committedLevel: row.committed_level,
        model: row.model,
        author:
          row.author_id && row.author_username && row.author_display_name
            ? { id: row.author_id, username: row.author_username, displayName: row.author_display_name }
            : null,
        roomId: row.room_id,
        notes: row.notes,
        createdAt: row.created_at,
      });
      result.set(row.specimen_id, list);
    }
    return result;
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
