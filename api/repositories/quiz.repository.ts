import { sql, type Selectable, type Transaction } from 'kysely';
import type { Db } from '../db/database.js';
import type { Database, RoomQuizzesTable } from '../db/schema.js';
import type { QuizAnswerRecord, QuizRecord, QuizTaxon } from '../domain/quiz.js';
import { answerKeysOf, type AnswerKey } from './answer-keys.js';

export interface NewQuiz {
  id: string;
  roomId: string;
  specimenId: string;
  imageId: string;
  taxonId: string;
  lifeStage: string | null;
  notes: string | null;
  /** Taxon ids in the order they are shown. */
  options: string[];
  launchedBy: string;
  seconds: number;
}

/** What a confirmed specimen teaches, and whether it is hidden from teaching. */
export interface SpecimenLesson extends AnswerKey {
  hidden: boolean;
}

export type AnswerOutcome = { stored: true; answeredAt: Date } | { stored: false; reason: 'already_answered' | 'quiz_closed' };

type QuizRow = Selectable<RoomQuizzesTable> & { username: string; display_name: string };

/**
 * Questions launched in classes and the trainees' answers (ADR 0029). Times are the database's: a question closes at
 * `closes_at` by the same clock that stamps the answers, so a late answer is refused whichever api process takes it.
 * Callers have already checked that the room is one the person may see.
 */
export class QuizRepository {
  constructor(private readonly db: Db) {}

  /** What a specimen teaches (its answer key), and whether it is hidden from teaching; undefined before it is confirmed. */
  async lessonOf(specimenId: string): Promise<SpecimenLesson | undefined> {
    const key = (await answerKeysOf(this.db, [specimenId])).get(specimenId);
    if (!key) return undefined;
    const mark = await this.db
      .selectFrom('specimen_teaching_marks')
      .select('mark')
      .where('specimen_id', '=', specimenId)
      .executeTakeFirst();
    return { ...key, hidden: mark?.mark === 'hidden' };
  }

  /** The question, unless the room already has one open (the partial unique index); `afterInsert` runs in its transaction. */
  async launch(quiz: NewQuiz, afterInsert: (trx: Transaction<Database>) => Promise<void>): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const inserted = await trx
        .insertInto('room_quizzes')
        .values({
          id: quiz.id,
          room_id: quiz.roomId,
          specimen_id: quiz.specimenId,
          image_id: quiz.imageId,
          taxon_id: quiz.taxonId,
          life_stage: quiz.lifeStage,
          notes: quiz.notes,
          options: JSON.stringify(quiz.options),
          launched_by: quiz.launchedBy,
          closes_at: sql<Date>`now() + make_interval(secs => ${quiz.seconds})`,
        })
        .onConflict((oc) => oc.column('room_id').where('revealed_at', 'is', null).doNothing())
        .returning('id')
        .executeTakeFirst();
      if (inserted) await afterInsert(trx);
      return inserted !== undefined;
    });
  }

  async find(roomId: string, quizId: string): Promise<QuizRecord | undefined> {
    const [row] = await this.quizRows(roomId).where('q.id', '=', quizId).execute();
    return row && (await this.records([row]))[0];
  }

  /** The room's open question, else the last one revealed. */
  async current(roomId: string): Promise<QuizRecord | undefined> {
    const [row] = await this.quizRows(roomId)
      .orderBy(sql`q.revealed_at is null`, 'desc')
      .orderBy('q.launched_at', 'desc')
      .limit(1)
      .execute();
    return row && (await this.records([row]))[0];
  }

  /** Every question of the room, oldest first. */
  async list(roomId: string): Promise<QuizRecord[]> {
    return this.records(await this.quizRows(roomId).orderBy('q.launched_at').orderBy('q.id').execute());
  }

  /**
   * Stores a trainee's answer once: only while the question is open (not revealed, before `closes_at`), and only the
   * first (the primary key). A refusal says which of the two it was.
   */
  async answer(quizId: string, userId: string, taxonId: string, correct: boolean): Promise<AnswerOutcome> {
    const stored = await this.db
      .insertInto('room_quiz_answers')
      .columns(['quiz_id', 'user_id', 'taxon_id', 'correct'])
      .expression((eb) =>
        eb
          .selectFrom('room_quizzes')
          .select([
            'id',
            sql<string>`cast(${userId} as uuid)`.as('user_id'),
            sql<string>`cast(${taxonId} as text)`.as('taxon_id'),
            sql<boolean>`cast(${correct} as boolean)`.as('correct'),
          ])
          .where('id', '=', quizId)
          .where('revealed_at', 'is', null)
          .where('closes_at', '>', sql<Date>`now()`),
      )
      .onConflict((oc) => oc.columns(['quiz_id', 'user_id']).doNothing())
      .returning('answered_at')
      .executeTakeFirst();
    if (stored) return { stored: true, answeredAt: stored.answered_at };
    return { stored: false, reason: (await this.answerOf(quizId, userId)) ? 'already_answered' : 'quiz_closed' };
  }

  async answerOf(quizId: string, userId: string): Promise<{ taxonId: string; answeredAt: Date } | undefined> {
    const row = await this.db
      .selectFrom('room_quiz_answers')
      .select(['taxon_id', 'answered_at'])
      .where('quiz_id', '=', quizId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row && { taxonId: row.taxon_id, answeredAt: row.answered_at };
  }

  /** Answers per chosen taxon, and how many of them were right. */
  async counts(quizId: string): Promise<{ taxonId: string; count: number; correct: number }[]> {
    const rows = await this.db
      .selectFrom('room_quiz_answers')
      .select((eb) => [
        'taxon_id',
        eb.fn.countAll<string | number>().as('count'),
        eb.fn.count<string | number>(sql`case when correct then 1 end`).as('correct'),
      ])
      .where('quiz_id', '=', quizId)
      .groupBy('taxon_id')
      .execute();
    return rows.map((row) => ({ taxonId: row.taxon_id, count: Number(row.count), correct: Number(row.correct) }));
  }

  /** The answers to these questions (only `userId`'s when given), oldest first. */
  async answers(quizIds: readonly string[], userId?: string): Promise<QuizAnswerRecord[]> {
    if (quizIds.length === 0) return [];
    let query = this.db
      .selectFrom('room_quiz_answers as a')
      .innerJoin('users as u', 'u.id', 'a.user_id')
      .select(['a.quiz_id', 'a.taxon_id', 'a.correct', 'a.answered_at', 'u.id', 'u.username', 'u.display_name'])
      .where('a.quiz_id', 'in', quizIds);
    if (userId !== undefined) query = query.where('a.user_id', '=', userId);
    const rows = await query.orderBy('a.answered_at').orderBy('u.username').execute();
    return rows.map((row) => ({
      quizId: row.quiz_id,
      user: { id: row.id, username: row.username, displayName: row.display_name },
      taxonId: row.taxon_id,
      correct: row.correct,
      answeredAt: row.answered_at,
    }));
  }

  /** Closes and reveals the question; undefined when it was revealed already. `afterUpdate` runs in its transaction. */
  async reveal(quizId: string, afterUpdate: (trx: Transaction<Database>) => Promise<void>): Promise<Date | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .updateTable('room_quizzes')
        .set({ revealed_at: sql<Date>`now()` })
        .where('id', '=', quizId)
        .where('revealed_at', 'is', null)
        .returning('revealed_at')
        .executeTakeFirst();
      if (!row?.revealed_at) return undefined;
      await afterUpdate(trx);
      return row.revealed_at;
    });
  }

  private quizRows(roomId: string) {
    return this.db
      .selectFrom('room_quizzes as q')
      .innerJoin('users as u', 'u.id', 'q.launched_by')
      .select([
        'q.id',
        'q.room_id',
        'q.specimen_id',
        'q.image_id',
        'q.taxon_id',
        'q.life_stage',
        'q.notes',
        'q.options',
        'q.launched_by',
        'q.launched_at',
        'q.closes_at',
        'q.revealed_at',
        'u.username',
        'u.display_name',
      ])
      .where('q.room_id', '=', roomId);
  }

  private async records(rows: QuizRow[]): Promise<QuizRecord[]> {
    const names = await this.taxa(rows.flatMap((row) => [row.taxon_id, ...row.options]));
    const named = (taxonId: string): QuizTaxon => names.get(taxonId) ?? { taxonId, nameZh: taxonId, nameEn: taxonId };
    return rows.map((row) => ({
      id: row.id,
      roomId: row.room_id,
      specimenId: row.specimen_id,
      imageId: row.image_id,
      answer: { ...named(row.taxon_id), lifeStage: row.life_stage, notes: row.notes },
      options: row.options.map(named),
      launchedBy: { id: row.launched_by, username: row.username, displayName: row.display_name },
      launchedAt: row.launched_at,
      closesAt: row.closes_at,
      revealedAt: row.revealed_at,
    }));
  }

  /** The names of these taxa in both languages. */
  async taxa(taxonIds: readonly string[]): Promise<Map<string, QuizTaxon>> {
    if (taxonIds.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('taxa')
      .select(['id', 'name_zh', 'name_en'])
      .where('id', 'in', [...new Set(taxonIds)])
      .execute();
    return new Map(rows.map((row) => [row.id, { taxonId: row.id, nameZh: row.name_zh, nameEn: row.name_en }]));
  }
}
