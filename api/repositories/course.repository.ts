import { sql, type Expression, type ExpressionBuilder, type SqlBool, type Transaction } from 'kysely';
import type { Db } from '../db/database.js';
import type { Database } from '../db/schema.js';
import type { Scope } from '../domain/access.js';
import {
  attendanceKey,
  byName,
  type AssignmentRecord,
  type CourseMemberRecord,
  type CourseRecord,
  type ProgressFacts,
  type Score,
} from '../domain/course.js';
import type { VectorGroup } from '../domain/vocabulary.js';
import { unitInScope } from './scope-filter.js';

/** Who is looking: instructors see the courses of their scope's units, everyone the courses they are a member of. */
export interface CourseViewer {
  scope: Scope;
  userId: string;
  instructor: boolean;
}

/** What an assignment asks for: a practice set, or a class room to attend. */
export type AssignmentContent =
  | { kind: 'practice'; title: string; size: number; groups: VectorGroup[]; taxa: string[] }
  | { kind: 'class'; title: string; roomId: string };

export type NewAssignmentRow = AssignmentContent & { courseId: string; dueAt: Date; createdBy: string };

type Executor = Db | Transaction<Database>;

/**
 * Courses, their members and assignments, and the facts their progress is worked out from: the practice sets started for
 * an assignment, who joined a class room, and the answers to its quizzes. Changes take the caller's transaction.
 */
export class CourseRepository {
  constructor(private readonly db: Db) {}

  async insertCourse(
    trx: Transaction<Database>,
    course: { unitId: string; title: string; description: string | null; createdBy: string },
  ): Promise<string> {
    const { id } = await trx
      .insertInto('courses')
      .values({ unit_id: course.unitId, title: course.title, description: course.description, created_by: course.createdBy })
      .returning('id')
      .executeTakeFirstOrThrow();
    return id;
  }

  async updateCourse(
    trx: Transaction<Database>,
    id: string,
    change: { title: string; description: string | null; archived: boolean },
  ): Promise<void> {
    await trx
      .updateTable('courses')
      .set({
        title: change.title,
        description: change.description,
        // An archived course keeps the moment it was first archived.
        archived_at: change.archived ? sql<Date>`coalesce(archived_at, now())` : null,
      })
      .where('id', '=', id)
      .execute();
  }

  /** The course, when the viewer may see it, with its row locked for the transaction's change. */
  async lockVisible(trx: Transaction<Database>, id: string, viewer: CourseViewer): Promise<CourseRecord | undefined> {
    const locked = await trx
      .selectFrom('courses')
      .select('courses.id')
      .where('courses.id', '=', id)
      .where((eb) => visibleTo(eb, viewer))
      .forUpdate()
      .executeTakeFirst();
    return locked && (await this.select(trx, (query) => query.where('courses.id', '=', id)))[0];
  }

  async findVisible(id: string, viewer: CourseViewer): Promise<CourseRecord | undefined> {
    const [course] = await this.select(this.db, (query) => query.where('courses.id', '=', id).where((eb) => visibleTo(eb, viewer)));
    return course;
  }

  /** Visible courses, the latest first. */
  listVisible(viewer: CourseViewer): Promise<CourseRecord[]> {
    return this.select(this.db, (query) =>
      query
        .where((eb) => visibleTo(eb, viewer))
        .orderBy('courses.created_at', 'desc')
        .orderBy('courses.id'),
    );
  }

  /** The courses `userId` is a member of that are not archived. */
  activeCoursesOf(userId: string): Promise<CourseRecord[]> {
    return this.select(this.db, (query) =>
      query
        .where('courses.archived_at', 'is', null)
        .where((eb) => isMember(eb, userId))
        .orderBy('courses.created_at'),
    );
  }

  async members(courseId: string, executor: Executor = this.db): Promise<CourseMemberRecord[]> {
    const rows = await executor
      .selectFrom('course_members')
      .innerJoin('users', 'users.id', 'course_members.user_id')
      .select(['users.id', 'users.username', 'users.display_name', 'course_members.added_at'])
      .where('course_members.course_id', '=', courseId)
      .execute();
    return rows
      .map((row) => ({ user: { id: row.id, username: row.username, displayName: row.display_name }, addedAt: row.added_at }))
      .sort((a, b) => byName(a.user, b.user));
  }

  /** Adds members; returns the ids that were not members already. */
  async addMembers(trx: Transaction<Database>, courseId: string, userIds: readonly string[]): Promise<string[]> {
    if (userIds.length === 0) return [];
    const rows = await trx
      .insertInto('course_members')
      .values(userIds.map((userId) => ({ course_id: courseId, user_id: userId })))
      .onConflict((oc) => oc.columns(['course_id', 'user_id']).doNothing())
      .returning('user_id')
      .execute();
    return rows.map((row) => row.user_id);
  }

  async removeMember(trx: Transaction<Database>, courseId: string, userId: string): Promise<boolean> {
    const row = await trx
      .deleteFrom('course_members')
      .where('course_id', '=', courseId)
      .where('user_id', '=', userId)
      .returning('user_id')
      .executeTakeFirst();
    return row !== undefined;
  }

  /** The assignments of these courses, the earliest due first. */
  async assignments(courseIds: readonly string[], executor: Executor = this.db): Promise<AssignmentRecord[]> {
    if (courseIds.length === 0) return [];
    const rows = await executor
      .selectFrom('course_assignments')
      .innerJoin('users', 'users.id', 'course_assignments.created_by')
      .leftJoin('rooms', 'rooms.id', 'course_assignments.room_id')
      .selectAll('course_assignments')
      .select([
        'users.username',
        'users.display_name',
        'rooms.title as room_title',
        'rooms.scheduled_at as room_scheduled_at',
        'rooms.ended_at as room_ended_at',
      ])
      .where('course_assignments.course_id', 'in', courseIds)
      .orderBy('course_assignments.due_at')
      .orderBy('course_assignments.created_at')
      .orderBy('course_assignments.id')
      .execute();
    return rows.map((row): AssignmentRecord => {
      const base = {
        id: row.id,
        courseId: row.course_id,
        title: row.title,
        dueAt: row.due_at,
        createdBy: { id: row.created_by, username: row.username, displayName: row.display_name },
        createdAt: row.created_at,
      };
      if (row.kind === 'practice')
        return { ...base, kind: 'practice', size: row.practice_size ?? 0, groups: row.practice_groups, taxa: row.practice_taxa };
      return {
        ...base,
        kind: 'class',
        room: { id: row.room_id!, title: row.room_title!, scheduledAt: row.room_scheduled_at, endedAt: row.room_ended_at },
      };
    });
  }

  async insertAssignment(trx: Transaction<Database>, assignment: NewAssignmentRow): Promise<string> {
    const practice = assignment.kind === 'practice';
    const { id } = await trx
      .insertInto('course_assignments')
      .values({
        course_id: assignment.courseId,
        kind: assignment.kind,
        title: assignment.title,
        due_at: assignment.dueAt,
        created_by: assignment.createdBy,
        room_id: practice ? null : assignment.roomId,
        practice_size: practice ? assignment.size : null,
        practice_groups: JSON.stringify(practice ? assignment.groups : []),
        practice_taxa: JSON.stringify(practice ? assignment.taxa : []),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return id;
  }

  /** Deletes an assignment of the course; returns what it was, or undefined when the course has no such assignment. */
  async deleteAssignment(
    trx: Transaction<Database>,
    courseId: string,
    assignmentId: string,
  ): Promise<{ kind: string; title: string; roomId: string | null } | undefined> {
    return trx
      .deleteFrom('course_assignments')
      .where('id', '=', assignmentId)
      .where('course_id', '=', courseId)
      .returning(['kind', 'title', 'room_id as roomId'])
      .executeTakeFirst();
  }

  /** The class rooms the course assigns that have not ended: where its new members are enrolled. */
  async openClassRooms(trx: Transaction<Database>, courseId: string): Promise<string[]> {
    const rows = await trx
      .selectFrom('course_assignments')
      .innerJoin('rooms', 'rooms.id', 'course_assignments.room_id')
      .select('rooms.id')
      .distinct()
      .where('course_assignments.course_id', '=', courseId)
      .where('rooms.ended_at', 'is', null)
      .execute();
    return rows.map((row) => row.id);
  }

  async assignsRoom(trx: Transaction<Database>, courseId: string, roomId: string): Promise<boolean> {
    const row = await trx
      .selectFrom('course_assignments')
      .select('id')
      .where('course_id', '=', courseId)
      .where('room_id', '=', roomId)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Which of these taxon ids exist. */
  async knownTaxa(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.db.selectFrom('taxa').select('id').where('id', 'in', ids).execute();
    return new Set(rows.map((row) => row.id));
  }

  /** The practice sets, attendance and quiz answers of these trainees for these assignments. */
  async progressFacts(assignments: readonly AssignmentRecord[], traineeIds: readonly string[]): Promise<ProgressFacts> {
    const practiceIds = assignments.filter((assignment) => assignment.kind === 'practice').map((assignment) => assignment.id);
    const roomIds = [...new Set(assignments.flatMap((assignment) => (assignment.kind === 'class' ? [assignment.room.id] : [])))];
    const [practiceSets, attended, quizAnswers, quizzes] = await Promise.all([
      practiceIds.length === 0 || traineeIds.length === 0 ? [] : this.practiceSets(practiceIds, traineeIds),
      roomIds.length === 0 || traineeIds.length === 0 ? new Set<string>() : this.attendance(roomIds, traineeIds),
      roomIds.length === 0 || traineeIds.length === 0 ? new Map<string, Score>() : this.quizAnswers(roomIds, traineeIds),
      roomIds.length === 0 ? new Map<string, number>() : this.quizCounts(roomIds),
    ]);
    return { practiceSets, attended, quizAnswers, quizzes };
  }

  private async practiceSets(assignmentIds: readonly string[], traineeIds: readonly string[]) {
    const rows = await this.db
      .selectFrom('practice_sessions')
      .leftJoin('practice_questions', 'practice_questions.session_id', 'practice_sessions.id')
      .select((eb) => [
        'practice_sessions.assignment_id',
        'practice_sessions.trainee_id',
        'practice_sessions.created_at',
        'practice_sessions.finished_at',
        eb.fn.count<number>('practice_questions.id').as('questions'),
        eb.fn.count<number>('practice_questions.answered_at').as('answered'),
        eb.fn.count<number>(sql`case when practice_questions.correct then 1 end`).as('correct'),
      ])
      .where('practice_sessions.assignment_id', 'in', assignmentIds)
      .where('practice_sessions.trainee_id', 'in', traineeIds)
      .groupBy('practice_sessions.id')
      .execute();
    return rows.map((row) => ({
      assignmentId: row.assignment_id!,
      traineeId: row.trainee_id,
      startedAt: row.created_at,
      finishedAt: row.finished_at,
      questions: Number(row.questions),
      answered: Number(row.answered),
      correct: Number(row.correct),
    }));
  }

  private async attendance(roomIds: readonly string[], userIds: readonly string[]): Promise<Set<string>> {
    const rows = await this.db
      .selectFrom('room_events')
      .select(['room_id', 'user_id'])
      .distinct()
      .where('kind', '=', 'joined')
      .where('room_id', 'in', roomIds)
      .where('user_id', 'in', userIds)
      .execute();
    return new Set(rows.map((row) => attendanceKey(row.room_id, row.user_id)));
  }

  private async quizAnswers(roomIds: readonly string[], userIds: readonly string[]): Promise<Map<string, Score>> {
    const rows = await this.db
      .selectFrom('room_quiz_answers')
      .innerJoin('room_quizzes', 'room_quizzes.id', 'room_quiz_answers.quiz_id')
      .select((eb) => [
        'room_quizzes.room_id',
        'room_quiz_answers.user_id',
        eb.fn.countAll<number>().as('answered'),
        eb.fn.count<number>(sql`case when room_quiz_answers.correct then 1 end`).as('correct'),
      ])
      .where('room_quizzes.room_id', 'in', roomIds)
      .where('room_quiz_answers.user_id', 'in', userIds)
      .groupBy(['room_quizzes.room_id', 'room_quiz_answers.user_id'])
      .execute();
    return new Map(
      rows.map((row) => [attendanceKey(row.room_id, row.user_id), { correct: Number(row.correct), answered: Number(row.answered) }]),
    );
  }

  private async quizCounts(roomIds: readonly string[]): Promise<Map<string, number>> {
    const rows = await this.db
      .selectFrom('room_quizzes')
      .select((eb) => ['room_id', eb.fn.countAll<number>().as('quizzes')])
      .where('room_id', 'in', roomIds)
      .groupBy('room_id')
      .execute();
    return new Map(rows.map((row) => [row.room_id, Number(row.quizzes)]));
  }

  private async select(executor: Executor, refine: (query: CourseQuery) => CourseQuery): Promise<CourseRecord[]> {
    const rows = await refine(baseQuery(executor))
      .selectAll('courses')
      .select((eb) => [
        'units.path as unit_path',
        'users.username as creator_username',
        'users.display_name as creator_display_name',
        eb
          .selectFrom('course_members')
          .select((inner) => inner.fn.countAll<number>().as('n'))
          .whereRef('course_members.course_id', '=', 'courses.id')
          .as('member_count'),
        eb
          .selectFrom('course_assignments')
          .select((inner) => inner.fn.countAll<number>().as('n'))
          .whereRef('course_assignments.course_id', '=', 'courses.id')
          .as('assignment_count'),
      ])
      .execute();
    return rows.map((row) => ({
      id: row.id,
      unitId: row.unit_id,
      unitPath: row.unit_path,
      title: row.title,
      description: row.description,
      createdBy: { id: row.created_by, username: row.creator_username, displayName: row.creator_display_name },
      createdAt: row.created_at,
      archivedAt: row.archived_at,
      members: Number(row.member_count),
      assignments: Number(row.assignment_count),
    }));
  }
}

function baseQuery(executor: Executor) {
  return executor
    .selectFrom('courses')
    .innerJoin('units', 'units.id', 'courses.unit_id')
    .innerJoin('users', 'users.id', 'courses.created_by');
}

type CourseQuery = ReturnType<typeof baseQuery>;

function isMember(eb: ExpressionBuilder<Database, 'courses'>, userId: string): Expression<SqlBool> {
  return eb.exists(
    eb
      .selectFrom('course_members as member')
      .select('member.user_id')
      .whereRef('member.course_id', '=', 'courses.id')
      .where('member.user_id', '=', userId),
  );
}

function visibleTo(eb: ExpressionBuilder<Database, 'courses'>, viewer: CourseViewer): Expression<SqlBool> {
  const member = isMember(eb, viewer.userId);
  return viewer.instructor ? eb.or([unitInScope(eb, eb.ref('courses.unit_id'), viewer.scope), member]) : member;
}
