import { sql } from 'kysely';
import type { Db } from '../db/database.js';

export interface CardRecord {
  taxonId: string;
  box: number;
  dueAt: Date;
  answered: number;
  correct: number;
}

export interface ConfusionRecord {
  week: string;
  taxonId: string;
  takenForId: string;
  count: number;
}

export interface PracticeTotals {
  sessions: number;
  finishedSessions: number;
  answered: number;
  correct: number;
}

/**
 * What a trainee's practice adds up to (ADR 0028): their spaced-repetition cards, their totals and the taxa they took
 * for others, week by week. Read only, and only ever for the trainee asking.
 */
export class PracticeProgressRepository {
  constructor(private readonly db: Db) {}

  /** The trainee's cards, the soonest due first. */
  async cards(traineeId: string): Promise<CardRecord[]> {
    const rows = await this.db
      .selectFrom('practice_cards')
      .select(['taxon_id', 'box', 'due_at', 'answered', 'correct'])
      .where('trainee_id', '=', traineeId)
      .orderBy('due_at')
      .orderBy('taxon_id')
      .execute();
    return rows.map((row) => ({ taxonId: row.taxon_id, box: row.box, dueAt: row.due_at, answered: row.answered, correct: row.correct }));
  }

  async totals(traineeId: string): Promise<PracticeTotals> {
    const row = await this.db
      .selectFrom('practice_sessions')
      .leftJoin('practice_questions', 'practice_questions.session_id', 'practice_sessions.id')
      .select([
        sql<string>`count(distinct practice_sessions.id)`.as('sessions'),
        sql<string>`count(distinct practice_sessions.id) filter (where practice_sessions.finished_at is not null)`.as('finished'),
        sql<string>`count(practice_questions.answered_at)`.as('answered'),
        sql<string>`count(*) filter (where practice_questions.correct)`.as('correct'),
      ])
      .where('practice_sessions.trainee_id', '=', traineeId)
      .executeTakeFirstOrThrow();
    return {
      sessions: Number(row.sessions),
      finishedSessions: Number(row.finished),
      answered: Number(row.answered),
      correct: Number(row.correct),
    };
  }

  /** The trainee's wrong answers per week (UTC, weeks starting on Monday): which taxon they took for which. */
  async confusions(traineeId: string): Promise<ConfusionRecord[]> {
    const week = sql<string>`to_char(date_trunc('week', practice_questions.answered_at at time zone 'UTC'), 'YYYY-MM-DD')`;
    const rows = await this.db
      .selectFrom('practice_questions')
      .innerJoin('practice_sessions', 'practice_sessions.id', 'practice_questions.session_id')
      .select([week.as('week'), 'practice_questions.taxon_id', 'practice_questions.answered_taxon_id', sql<string>`count(*)`.as('count')])
      .where('practice_sessions.trainee_id', '=', traineeId)
      .where('practice_questions.correct', '=', false)
      .groupBy([week, 'practice_questions.taxon_id', 'practice_questions.answered_taxon_id'])
      .orderBy(week)
      .orderBy(sql`count(*)`, 'desc')
      .orderBy('practice_questions.taxon_id')
      .execute();
    return rows.map((row) => ({ week: row.week, taxonId: row.taxon_id, takenForId: row.answered_taxon_id!, count: Number(row.count) }));
  }
}
