import type { Transaction } from 'kysely';
import type { CoursePatch, NewCourse, NewCourseAssignment } from '../contract/index.js';
import type { Database } from '../db/schema.js';
import { isUnitPathInScope, scopeOf, type Actor } from '../domain/access.js';
import {
  assignmentProgress,
  groupProgress,
  totalsOf,
  type AssignmentProgress,
  type AssignmentRecord,
  type CourseMemberRecord,
  type CourseRecord,
  type GroupProgress,
  type ProgressTotals,
} from '../domain/course.js';
import { conflict, forbidden, notFound, unprocessable } from '../domain/errors.js';
import type { Role } from '../domain/vocabulary.js';
import { recordAudit } from '../repositories/audit.repository.js';
import type { AssignmentContent, CourseRepository, CourseViewer } from '../repositories/course.repository.js';
import { enrolInRoom, type RoomRepository } from '../repositories/room.repository.js';
import type { Transactions } from '../repositories/transactions.js';
import { requireActiveTrainees } from './trainees.js';

export interface CourseDetail {
  course: CourseRecord;
  members: CourseMemberRecord[];
  assignments: AssignmentRecord[];
  canManage: boolean;
}

export interface CourseProgressTable extends GroupProgress {
  course: CourseRecord;
  columns: AssignmentRecord[];
  at: Date;
}

export interface MyAssignment {
  course: CourseRecord;
  assignment: AssignmentRecord;
  progress: AssignmentProgress;
}

/** Instructors: the people who run courses. */
const isInstructor = (role: Role) => role === 'expert' || role === 'admin';

/**
 * Courses (ADR 0030): instructors group trainees of their scope, give them practice sets and classes to do by due dates,
 * and follow the group's progress; trainees see their own assignments. A course belongs to its creator's unit and is run
 * by the experts and administrators whose scope holds that unit; out of scope answers 404 like a missing id. Every change
 * is one transaction that locks the course and writes its audit entry; a refused change writes nothing.
 */
export class CourseService {
  constructor(
    private readonly transactions: Transactions,
    private readonly courses: CourseRepository,
    private readonly rooms: RoomRepository,
  ) {}

  async create(actor: Actor, body: NewCourse): Promise<CourseDetail> {
    if (!isInstructor(actor.role)) throw forbidden('Only experts and administrators run courses');
    const trainees = body.trainees ?? [];
    await requireActiveTrainees(this.rooms, scopeOf(actor), trainees, 'courses');
    const title = body.title.trim();
    const description = body.description?.trim() || null;
    const id = await this.transactions.run(async (trx) => {
      const courseId = await this.courses.insertCourse(trx, { unitId: actor.unit.id, title, description, createdBy: actor.id });
      await this.courses.addMembers(trx, courseId, trainees);
      await recordAudit(trx, {
        userId: actor.id,
        action: 'course.create',
        entityType: 'course',
        entityId: courseId,
        before: null,
        after: { title, description, unitId: actor.unit.id, trainees },
      });
      return courseId;
    });
    return this.get(actor, id);
  }

  list(actor: Actor): Promise<CourseRecord[]> {
    return this.courses.listVisible(viewerOf(actor));
  }

  async get(actor: Actor, id: string): Promise<CourseDetail> {
    const course = await this.visible(actor, id);
    const [members, assignments] = await Promise.all([this.courses.members(course.id), this.courses.assignments([course.id])]);
    return { course, members, assignments, canManage: runs(actor, course) };
  }

  async update(actor: Actor, id: string, patch: CoursePatch): Promise<CourseDetail> {
    await this.change(
      actor,
      id,
      async (trx, course) => {
        const archived = patch.archived ?? course.archivedAt !== null;
        // Restoring an archived course may come with other changes; anything else waits until it is restored.
        if (course.archivedAt && archived) throw archivedCourse();
        const title = patch.title?.trim() ?? course.title;
        const description = patch.description === undefined ? course.description : patch.description?.trim() || null;
        await this.courses.updateCourse(trx, course.id, { title, description, archived });
        return {
          action: 'course.update',
          before: { title: course.title, description: course.description, archived: course.archivedAt !== null },
          after: { title, description, archived },
        };
      },
      { archivedAllowed: true },
    );
    return this.get(actor, id);
  }

  /** Adds a trainee and enrols them in the course's classes that have not ended; `created` is false for a member already. */
  async addMember(actor: Actor, id: string, userId: string): Promise<{ member: CourseMemberRecord; created: boolean }> {
    const [person] = await this.rooms.peopleInScope([userId], scopeOf(actor));
    let created = false;
    await this.change(actor, id, async (trx, course) => {
      if (!person) throw notFound('User');
      if (person.disabled) throw unprocessable('user_disabled', 'This account is disabled', { userId });
      if (person.role !== 'trainee')
        throw unprocessable('not_a_trainee', 'Only people with the trainee role are course members', { userId });
      created = (await this.courses.addMembers(trx, course.id, [userId])).length > 0;
      if (!created) return null;
      const rooms = await this.courses.openClassRooms(trx, course.id);
      for (const roomId of rooms) await enrolInRoom(trx, roomId, [{ userId, role: 'trainee' }]);
      return { action: 'course.member.add', before: null, after: { userId, enrolledInRooms: rooms } };
    });
    const member = (await this.courses.members(id)).find((candidate) => candidate.user.id === userId);
    if (!member) throw new Error(`member ${userId} of course ${id} vanished`);
    return { member, created };
  }

  async removeMember(actor: Actor, id: string, userId: string): Promise<void> {
    await this.change(actor, id, async (trx, course) => {
      if (!(await this.courses.removeMember(trx, course.id, userId))) throw notFound('Member');
      return { action: 'course.member.remove', before: { userId }, after: null };
    });
  }

  async addAssignment(actor: Actor, id: string, body: NewCourseAssignment): Promise<AssignmentRecord> {
    const dueAt = new Date(body.dueAt);
    if (dueAt.getTime() <= Date.now()) throw unprocessable('due_in_past', 'The due date has passed', { dueAt: body.dueAt });
    const what = body.kind === 'practice' ? await this.practiceSet(body) : await this.classToAttend(actor, body);
    let assignmentId = '';
    await this.change(actor, id, async (trx, course) => {
      if (what.kind === 'class' && (await this.courses.assignsRoom(trx, course.id, what.roomId)))
        throw conflict('already_assigned', 'This class is assigned to the course already', { roomId: what.roomId });
      assignmentId = await this.courses.insertAssignment(trx, { ...what, courseId: course.id, dueAt, createdBy: actor.id });
      if (what.kind === 'class') {
        const members = await this.courses.members(course.id, trx);
        await enrolInRoom(
          trx,
          what.roomId,
          members.map((member) => ({ userId: member.user.id, role: 'trainee' as const })),
        );
      }
      return { action: 'course.assignment.add', before: null, after: { assignmentId, ...what, dueAt: body.dueAt } };
    });
    const assignment = (await this.courses.assignments([id])).find((candidate) => candidate.id === assignmentId);
    if (!assignment) throw new Error(`assignment ${assignmentId} vanished right after it was created`);
    return assignment;
  }

  async removeAssignment(actor: Actor, id: string, assignmentId: string): Promise<void> {
    await this.change(actor, id, async (trx, course) => {
      const removed = await this.courses.deleteAssignment(trx, course.id, assignmentId);
      if (!removed) throw notFound('Assignment');
      return { action: 'course.assignment.remove', before: { assignmentId, ...removed }, after: null };
    });
  }

  /** The group's table, for the course's instructors. */
  async progress(actor: Actor, id: string): Promise<CourseProgressTable> {
    const course = await this.visible(actor, id);
    if (!runs(actor, course)) throw forbidden("Only the course's instructors see the group's progress");
    const [members, assignments] = await Promise.all([this.courses.members(course.id), this.courses.assignments([course.id])]);
    const trainees = members.map((member) => member.user);
    const facts = await this.courses.progressFacts(
      assignments,
      trainees.map((trainee) => trainee.id),
    );
    const at = new Date();
    return { course, columns: assignments, at, ...groupProgress(assignments, trainees, facts, at) };
  }

  /** The caller's assignments in the courses they are a member of (archived ones aside), earliest due first. */
  async mine(actor: Actor): Promise<{ items: MyAssignment[]; totals: ProgressTotals; at: Date }> {
    const courses = await this.courses.activeCoursesOf(actor.id);
    const byId = new Map(courses.map((course) => [course.id, course]));
    const assignments = await this.courses.assignments([...byId.keys()]);
    const facts = await this.courses.progressFacts(assignments, [actor.id]);
    const at = new Date();
    const items = assignments.map((assignment) => ({
      course: byId.get(assignment.courseId)!,
      assignment,
      progress: assignmentProgress(assignment, actor.id, facts, at),
    }));
    return { items, totals: totalsOf(items.map((item) => item.progress)), at };
  }

  /**
   * One change to a course the actor runs: locks it (404 when they cannot see it, 403 when they only attend it, 409 when
   * it is archived), runs `work`, and records the audit entry it returns (none: nothing changed).
   */
  private async change(
    actor: Actor,
    id: string,
    work: (
      trx: Transaction<Database>,
      course: CourseRecord,
    ) => Promise<{ action: string; before: Record<string, unknown> | null; after: Record<string, unknown> | null } | null>,
    options: { archivedAllowed?: boolean } = {},
  ): Promise<void> {
    await this.transactions.run(async (trx) => {
      const course = await this.courses.lockVisible(trx, id, viewerOf(actor));
      if (!course) throw notFound('Course');
      if (!runs(actor, course)) throw forbidden("Only the course's instructors change it");
      if (course.archivedAt && !options.archivedAllowed) throw archivedCourse();
      const entry = await work(trx, course);
      if (entry) await recordAudit(trx, { userId: actor.id, entityType: 'course', entityId: course.id, ...entry });
    });
  }

  private async practiceSet(body: Extract<NewCourseAssignment, { kind: 'practice' }>): Promise<AssignmentContent> {
    const taxa = body.taxa ?? [];
    const known = await this.courses.knownTaxa(taxa);
    const unknown = taxa.filter((taxon) => !known.has(taxon));
    if (unknown.length > 0) throw unprocessable('unknown_taxon', 'These taxa are not in the taxonomy', { taxa: unknown });
    return { kind: 'practice', title: body.title.trim(), size: body.size, groups: body.groups ?? [], taxa };
  }

  /** A class of the actor's scope that has not ended. */
  private async classToAttend(actor: Actor, body: Extract<NewCourseAssignment, { kind: 'class' }>): Promise<AssignmentContent> {
    const scope = scopeOf(actor);
    const room = await this.rooms.findVisible(body.roomId, { scope, userId: actor.id });
    if (!room || !isUnitPathInScope(scope, room.unitPath)) throw notFound('Room');
    if (room.kind !== 'class')
      throw unprocessable('not_a_class', 'Courses assign classes; a consultation is about one specimen', { roomId: room.id });
    if (room.endedAt) throw conflict('room_ended', 'This class has ended', { roomId: room.id });
    return { kind: 'class', title: body.title?.trim() ?? room.title, roomId: room.id };
  }

  private async visible(actor: Actor, id: string): Promise<CourseRecord> {
    const course = await this.courses.findVisible(id, viewerOf(actor));
    if (!course) throw notFound('Course');
    return course;
  }
}

function viewerOf(actor: Actor): CourseViewer {
  return { scope: scopeOf(actor), userId: actor.id, instructor: isInstructor(actor.role) };
}

/** Whether the actor runs the course: an instructor whose scope holds its unit. */
function runs(actor: Actor, course: CourseRecord): boolean {
  return isInstructor(actor.role) && isUnitPathInScope(scopeOf(actor), course.unitPath);
}

const archivedCourse = () => conflict('course_archived', 'This course is archived: restore it to change it');
