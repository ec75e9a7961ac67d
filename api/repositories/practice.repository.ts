import { sql, type Transaction } from 'kysely';
import type { Db } from '../db/database.js';
import type { Database } from '../db/schema.js';
import type { Scope } from '../domain/access.js';
import { nextCard, type PracticeCandidate } from '../domain/practice.js';
import type { LifeStage, PracticeDifficulty, VectorGroup } from '../domain/vocabulary.js';
import type { AnswerKey } from './answer-keys.js';
import { escapeLike } from './scope-filter.js';
import { confirmedInScope } from './specimen-bank.repository.js';

/** The most specimens a set is drawn from: those of the priority taxa first, then a random sample of the rest. */
const CANDIDATE_LIMIT = 2000;

export interface CandidateFilter {
  groups: readonly VectorGroup[];
  /** Lineage paths of the chosen taxa: a specimen of any of them or of a taxon below one. */
  lineages: readonly string[];
}

export interface DrawnCandidate extends PracticeCandidate {
  imageId: string;
}

export interface PracticeSessionRecord {
  id: string;
  traineeId: string;
  size: number;
  difficulty: PracticeDifficulty;
  groups: VectorGroup[];
  taxa: string[];
  assignmentId: string | null;
  createdAt: Date;
  finishedAt: Date | null;
  answered: number;
  correct: number;
}

export interface PracticeQuestionRecord extends AnswerKey {
  id: string;
  position: number;
  answeredTaxonId: string | null;
  correct: boolean | null;
  answeredAt: Date | null;
}

export interface NewPracticeSession {
  traineeId: string;
  size: number;
  difficulty: PracticeDifficulty;
  groups: readonly VectorGroup[];
  taxa: readonly string[];
  assignmentId: string | null;
}

export interface PracticeAssignment {
  kind: 'practice' | 'class';
  size: number | null;
  groups: VectorGroup[];
  taxa: string[];
}

const sessionColumns = [
  'practice_sessions.id',
  'practice_sessions.trainee_id',
  'practice_sessions.size',
  'practice_sessions.difficulty',
  'practice_sessions.groups',
  'practice_sessions.taxa',
  'practice_sessions.assignment_id',
  'practice_sessions.created_at',
  'practice_sessions.finished_at',
] as const;

/**
 * Trainees' practice sets (ADR 0028): the specimens a set may be drawn from, the sets and their questions with the
 * answer as it stood when drawn, the one conditional update that takes an answer, and the spaced-repetition cards.
 * Every read of a set or question is by its trainee: someone else's is not found.
 */
export class PracticeRepository {
  constructor(private readonly db: Db) {}

  /**
   * Confirmed specimens in `scope` with a taxon and a photo, not hidden from teaching, matching `filter`: those of
   * `priorityTaxa` first, the rest in random order, each with its first photo.
   */
  async candidates(scope: Scope, filter: CandidateFilter, priorityTaxa: readonly string[]): Promise<DrawnCandidate[]> {
    let query = confirmedInScope(this.db, scope, false)
      .innerJoinLateral(
        (eb) =>
          eb
            .selectFrom('specimen_images')
            .select('specimen_images.id')
            .whereRef('specimen_images.specimen_id', '=', 'detections.specimen_id')
            .orderBy('specimen_images.position')
            .limit(1)
            .as('photo'),
        (join) => join.onTrue(),
      )
      .select([
        'detections.specimen_id as specimenId',
        'detections.taxon_id as taxonId',
        'photo.id as imageId',
        sql<boolean>`coalesce(marks.mark = 'example', false)`.as('example'),
      ]);
    if (filter.groups.length > 0) query = query.where('taxa.group', 'in', [...filter.groups]);
    if (filter.lineages.length > 0)
      query = query.where((eb) => eb.or(filter.lineages.map((lineage) => eb('taxa.lineage', 'like', escapeLike(lineage) + '%'))));
    if (priorityTaxa.length > 0) query = query.orderBy(sql`case when taxa.id in (${sql.join([...priorityTaxa])}) then 0 else 1 end`);
    return query
      .orderBy(sql`random()`)
      .limit(CANDIDATE_LIMIT)
      .execute();
  }

  /** The taxa of the trainee's cards due by `now`, and the taxa they answered wrongly or took others for. */
  async traineeRecord(traineeId: string, now: Date): Promise<{ dueTaxa: string[]; confusedTaxa: string[] }> {
    const due = await this.db
      .selectFrom('practice_cards')
      .select('taxon_id')
      .where('trainee_id', '=', traineeId)
      .where('due_at', '<=', now)
      .execute();
    const confused = await this.db
      .selectFrom('practice_questions')
      .innerJoin('practice_sessions', 'practice_sessions.id', 'practice_questions.session_id')
      .select(['practice_questions.taxon_id', 'practice_questions.answered_taxon_id'])
      .where('practice_sessions.trainee_id', '=', traineeId)
      .where('practice_questions.correct', '=', false)
      .distinct()
      .execute();
    return {
      dueTaxa: due.map((row) => row.taxon_id),
      confusedTaxa: [...new Set(confused.flatMap((row) => [row.taxon_id, row.answered_taxon_id!]))],
    };
  }

  /** A practice assignment of a course the trainee is a member of; undefined for any other. */
  async assignmentOfMember(assignmentId: string, traineeId: string): Promise<PracticeAssignment | undefined> {
    const row = await this.db
      .selectFrom('course_assignments')
      .innerJoin('course_members', 'course_members.course_id', 'course_assignments.course_id')
      .select([
        'course_assignments.kind',
        'course_assignments.practice_size',
        'course_assignments.practice_groups',
        'course_assignments.practice_taxa',
      ])
      .where('course_assignments.id', '=', assignmentId)
      .where('course_members.user_id', '=', traineeId)
      .executeTakeFirst();
    return row && { kind: row.kind, size: row.practice_size, groups: row.practice_groups, taxa: row.practice_taxa };
  }

  /** Stores a set and its questions in the order given; its id and the questions' ids in that order. */
  async createSession(
    trx: Transaction<Database>,
    session: NewPracticeSession,
    questions: readonly (AnswerKey & { specimenId: string; imageId: string })[],
  ): Promise<{ id: string; questionIds: string[] }> {
    const { id } = await trx
      .insertInto('practice_sessions')
      .values({
        trainee_id: session.traineeId,
        size: session.size,
        difficulty: session.difficulty,
        groups: JSON.stringify(session.groups),
        taxa: JSON.stringify(session.taxa),
        assignment_id: session.assignmentId,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const inserted = await trx
      .insertInto('practice_questions')
      .values(
        questions.map((question, position) => ({
          session_id: id,
          position,
          specimen_id: question.specimenId,
          image_id: question.imageId,
          taxon_id: question.taxonId,
          life_stage: question.lifeStage,
          notes: question.notes,
        })),
      )
      .returning(['id', 'position'])
      .execute();
    return { id, questionIds: inserted.sort((a, b) => a.position - b.position).map((row) => row.id) };
  }

  /** The trainee's sets with their scores, newest first. */
  async listSessions(traineeId: string, limit: number): Promise<PracticeSessionRecord[]> {
    const rows = await this.scoredSessions()
      .where('practice_sessions.trainee_id', '=', traineeId)
      .orderBy('practice_sessions.created_at', 'desc')
      .limit(limit)
      .execute();
    return rows.map(sessionOfRow);
  }

  async findSession(id: string, traineeId: string): Promise<PracticeSessionRecord | undefined> {
    const row = await this.scoredSessions()
      .where('practice_sessions.id', '=', id)
      .where('practice_sessions.trainee_id', '=', traineeId)
      .executeTakeFirst();
    return row && sessionOfRow(row);
  }

  async questionsOf(sessionId: string): Promise<PracticeQuestionRecord[]> {
    const rows = await this.db
      .selectFrom('practice_questions')
      .select(['id', 'position', 'taxon_id', 'life_stage', 'notes', 'answered_taxon_id', 'correct', 'answered_at'])
      .where('session_id', '=', sessionId)
      .orderBy('position')
      .execute();
    return rows.map((row) => ({
      id: row.id,
      position: row.position,
      taxonId: row.taxon_id,
      lifeStage: row.life_stage as LifeStage | null,
      notes: row.notes,
      answeredTaxonId: row.answered_taxon_id,
      correct: row.correct,
      answeredAt: row.answered_at,
    }));
  }

  /**
   * Takes the trainee's answer if the question is theirs and still unanswered — one conditional update, so of answers
   * sent at once exactly one is taken. The question's answer key and session when taken; undefined otherwise.
   */
  async takeAnswer(
    trx: Transaction<Database>,
    questionId: string,
    traineeId: string,
    taxonId: string,
  ): Promise<(AnswerKey & { sessionId: string; correct: boolean }) | undefined> {
    const row = await trx
      .updateTable('practice_questions')
      .set({ answered_taxon_id: taxonId, correct: sql<boolean>`taxon_id = ${taxonId}`, answered_at: sql`now()` })
      .where('id', '=', questionId)
      .where('answered_at', 'is', null)
      .where('session_id', 'in', (eb) => eb.selectFrom('practice_sessions').select('id').where('trainee_id', '=', traineeId))
      .returning(['session_id', 'taxon_id', 'life_stage', 'notes', 'correct'])
      .executeTakeFirst();
    return (
      row && {
        sessionId: row.session_id,
        taxonId: row.taxon_id,
        lifeStage: row.life_stage as LifeStage | null,
        notes: row.notes,
        correct: row.correct!,
      }
    );
  }

  /** Whether the question belongs to one of the trainee's sets. */
  async isQuestionOf(questionId: string, traineeId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('practice_questions')
      .innerJoin('practice_sessions', 'practice_sessions.id', 'practice_questions.session_id')
      .select('practice_questions.id')
      .where('practice_questions.id', '=', questionId)
      .where('practice_sessions.trainee_id', '=', traineeId)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Moves the trainee's card for the taxon by one answer (created at box 1 on the first), locked while it moves. */
  async moveCard(trx: Transaction<Database>, traineeId: string, taxonId: string, correct: boolean, now: Date): Promise<void> {
    await trx
      .insertInto('practice_cards')
      .values({ trainee_id: traineeId, taxon_id: taxonId, box: 1, due_at: now, answered: 0, correct: 0, last_answered_at: now })
      .onConflict((oc) => oc.columns(['trainee_id', 'taxon_id']).doNothing())
      .execute();
    const card = await trx
      .selectFrom('practice_cards')
      .select(['box', 'answered', 'correct'])
      .where('trainee_id', '=', traineeId)
      .where('taxon_id', '=', taxonId)
      .forUpdate()
      .executeTakeFirstOrThrow();
    const next = nextCard(card, correct, now);
    await trx
      .updateTable('practice_cards')
      .set({ box: next.box, due_at: next.dueAt, answered: next.answered, correct: next.correct, last_answered_at: now })
      .where('trainee_id', '=', traineeId)
      .where('taxon_id', '=', taxonId)
      .execute();
  }

  /**
   * Marks the set finished once none of its questions is left unanswered; whether it is finished now. The set is locked
   * first, so of its last two questions answered at once the second to commit sees the first's answer.
   */
  async finishIfAnswered(trx: Transaction<Database>, sessionId: string): Promise<boolean> {
    await trx.selectFrom('practice_sessions').select('id').where('id', '=', sessionId).forUpdate().execute();
    await trx
      .updateTable('practice_sessions')
      .set({ finished_at: sql`now()` })
      .where('id', '=', sessionId)
      .where('finished_at', 'is', null)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('practice_questions')
              .select('practice_questions.id')
              .where('practice_questions.session_id', '=', sessionId)
              .where('practice_questions.answered_at', 'is', null),
          ),
        ),
      )
      .execute();
    const row = await trx.selectFrom('practice_sessions').select('finished_at').where('id', '=', sessionId).executeTakeFirstOrThrow();
    return row.finished_at !== null;
  }

  /** The stored photo of one of the trainee's questions. */
  questionPhoto(questionId: string, traineeId: string): Promise<{ sha256: string; width: number; height: number } | undefined> {
    return this.db
      .selectFrom('practice_questions')
      .innerJoin('practice_sessions', 'practice_sessions.id', 'practice_questions.session_id')
      .innerJoin('specimen_images', 'specimen_images.id', 'practice_questions.image_id')
      .innerJoin('blobs', 'blobs.sha256', 'specimen_images.blob_sha256')
      .select(['blobs.sha256', 'blobs.width', 'blobs.height'])
      .where('practice_questions.id', '=', questionId)
      .where('practice_sessions.trainee_id', '=', traineeId)
      .executeTakeFirst();
  }

  private scoredSessions() {
    return this.db
      .selectFrom('practice_sessions')
      .select(sessionColumns)
      .select((eb) => [
        eb
          .selectFrom('practice_questions')
          .select(sql<string>`count(answered_at)`.as('n'))
          .whereRef('practice_questions.session_id', '=', 'practice_sessions.id')
          .as('answered'),
        eb
          .selectFrom('practice_questions')
          .select(sql<string>`count(*) filter (where correct)`.as('n'))
          .whereRef('practice_questions.session_id', '=', 'practice_sessions.id')
          .as('correct'),
      ]);
  }
}

type SessionRow = Awaited<ReturnType<ReturnType<PracticeRepository['scoredSessions']>['executeTakeFirstOrThrow']>>;

function sessionOfRow(row: SessionRow): PracticeSessionRecord {
  return {
    id: row.id,
    traineeId: row.trainee_id,
    size: row.size,
    difficulty: row.difficulty,
    groups: row.groups,
    taxa: row.taxa,
    assignmentId: row.assignment_id,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
    answered: Number(row.answered),
    correct: Number(row.correct),
  };
}
