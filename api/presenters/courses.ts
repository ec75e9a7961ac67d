import type { Course, CourseAssignment, CourseDetail, CourseMember, CourseProgress } from '../contract/index.js';
import type { AssignmentRecord, CourseMemberRecord, CourseRecord } from '../domain/course.js';
import type { CourseDetail as CourseDetailRecord, CourseProgressTable } from '../services/course.service.js';

const iso = (date: Date | null) => date?.toISOString() ?? null;

export function presentCourse(course: CourseRecord): Course {
  return {
    id: course.id,
    unitId: course.unitId,
    title: course.title,
    description: course.description,
    createdBy: course.createdBy,
    createdAt: course.createdAt.toISOString(),
    archived: course.archivedAt !== null,
    archivedAt: iso(course.archivedAt),
    members: course.members,
    assignments: course.assignments,
  };
}

export function presentCourseMember(member: CourseMemberRecord): CourseMember {
  return { user: member.user, addedAt: member.addedAt.toISOString() };
}

export function presentAssignment(assignment: AssignmentRecord): CourseAssignment {
  const base = {
    id: assignment.id,
    courseId: assignment.courseId,
    title: assignment.title,
    dueAt: assignment.dueAt.toISOString(),
    createdBy: assignment.createdBy,
    createdAt: assignment.createdAt.toISOString(),
  };
  if (assignment.kind === 'practice')
    return { ...base, kind: 'practice', size: assignment.size, groups: assignment.groups, taxa: assignment.taxa };
  const { room } = assignment;
  return {
    ...base,
    kind: 'class',
    room: { id: room.id, title: room.title, scheduledAt: iso(room.scheduledAt), endedAt: iso(room.endedAt) },
  };
}

export function presentCourseDetail(detail: CourseDetailRecord): CourseDetail {
  return {
    course: presentCourse(detail.course),
    members: detail.members.map(presentCourseMember),
    assignments: detail.assignments.map(presentAssignment),
    canManage: detail.canManage,
  };
}

export function presentCourseProgress(table: CourseProgressTable): CourseProgress {
  return {
    course: presentCourse(table.course),
    assignments: table.columns.map(presentAssignment),
    trainees: table.trainees,
    assignmentTotals: table.assignments,
    totals: table.totals,
    at: table.at.toISOString(),
  };
}
