import { Type, type Static } from 'typebox';
import { ASSIGNMENT_STATUSES, VECTOR_GROUPS } from '../domain/vocabulary.js';
import { DateTime, errorResponses, Items, Nullable, PersonRef, Uuid } from './common.js';
import { endpoint } from './endpoint.js';
import { MAX_PRACTICE_SIZE } from './practice.js';

const Title = Type.String({ minLength: 1, maxLength: 200, pattern: '\\S', description: 'Stored trimmed' });
const Description = Type.String({ maxLength: 2000 });
const DueAt = Type.String({ format: 'date-time', description: 'When it is due: not in the past (`422 due_in_past`)' });

export const Course = Type.Object(
  {
    id: Uuid,
    unitId: Uuid,
    title: Type.String(),
    description: Nullable(Type.String()),
    createdBy: PersonRef,
    createdAt: DateTime,
    archived: Type.Boolean({ description: 'Archived courses are kept for their record and can no longer be changed' }),
    archivedAt: Nullable(DateTime),
    members: Type.Integer({ minimum: 0, description: 'Trainees in the course' }),
    assignments: Type.Integer({ minimum: 0 }),
  },
  { title: 'Course', description: 'A group of trainees with practice sets and classes to do by due dates' },
);

export const CourseMember = Type.Object({ user: PersonRef, addedAt: DateTime }, { title: 'CourseMember' });

const AssignmentBase = {
  id: Uuid,
  courseId: Uuid,
  title: Type.String(),
  dueAt: DateTime,
  createdBy: PersonRef,
  createdAt: DateTime,
};

export const CourseAssignment = Type.Union(
  [
    Type.Object(
      {
        ...AssignmentBase,
        kind: Type.Literal('practice'),
        size: Type.Integer({ minimum: 1, description: 'Questions in each set' }),
        groups: Type.Array(Type.Enum(VECTOR_GROUPS), { description: 'Groups its questions come from; empty: any' }),
        taxa: Type.Array(Type.String(), { description: 'Taxa its questions come from; empty: any' }),
      },
      { description: 'A practice set each member works through (`#/practice/assignments/:id` starts one)' },
    ),
    Type.Object(
      {
        ...AssignmentBase,
        kind: Type.Literal('class'),
        room: Type.Object({ id: Uuid, title: Type.String(), scheduledAt: Nullable(DateTime), endedAt: Nullable(DateTime) }),
      },
      { description: 'A class each member attends; the members are enrolled in it' },
    ),
  ],
  { title: 'CourseAssignment' },
);

export const CourseDetail = Type.Object(
  {
    course: Course,
    members: Type.Array(CourseMember, { description: 'By display name' }),
    assignments: Type.Array(CourseAssignment, { description: 'Earliest due first' }),
    canManage: Type.Boolean({ description: "Whether the caller runs it: an expert or administrator whose scope holds the course's unit" }),
  },
  { title: 'CourseDetail' },
);

export const NewCourse = Type.Object(
  {
    title: Title,
    description: Type.Optional(Description),
    trainees: Type.Optional(
      Type.Array(Uuid, {
        maxItems: 500,
        uniqueItems: true,
        description: 'Active trainees in your scope (else `422 unknown_user`, `not_a_trainee`)',
      }),
    ),
  },
  { title: 'NewCourse', additionalProperties: false },
);

export const CoursePatch = Type.Object(
  {
    title: Type.Optional(Title),
    description: Type.Optional(Nullable(Description)),
    archived: Type.Optional(Type.Boolean()),
  },
  { title: 'CoursePatch', additionalProperties: false, minProperties: 1 },
);

export const NewCourseAssignment = Type.Union(
  [
    Type.Object(
      {
        kind: Type.Literal('practice'),
        title: Title,
        size: Type.Integer({ minimum: 1, maximum: MAX_PRACTICE_SIZE }),
        groups: Type.Optional(Type.Array(Type.Enum(VECTOR_GROUPS), { uniqueItems: true })),
        taxa: Type.Optional(
          Type.Array(Type.String({ minLength: 1, maxLength: 200 }), {
            maxItems: 100,
            uniqueItems: true,
            description: 'Taxon ids (else `422 unknown_taxon`)',
          }),
        ),
        dueAt: DueAt,
      },
      { additionalProperties: false, description: 'A practice set for every member' },
    ),
    Type.Object(
      {
        kind: Type.Literal('class'),
        roomId: Type.String({
          format: 'uuid',
          description: 'A class in your scope that has not ended (`422 not_a_class`, `409 room_ended`)',
        }),
        title: Type.Optional(Title),
        dueAt: DueAt,
      },
      { additionalProperties: false, description: "A class to attend: the course's members, now and later, are enrolled in it" },
    ),
  ],
  { title: 'NewCourseAssignment' },
);

export const AssignmentScore = Type.Object(
  { correct: Type.Integer({ minimum: 0 }), answered: Type.Integer({ minimum: 0 }) },
  { title: 'AssignmentScore', description: 'Right answers out of answers given' },
);

export const AssignmentProgress = Type.Union(
  [
    Type.Object({
      kind: Type.Literal('practice'),
      assignmentId: Uuid,
      status: Type.Enum(ASSIGNMENT_STATUSES),
      setsStarted: Type.Integer({ minimum: 0 }),
      completed: Type.Boolean({ description: 'A set was worked through' }),
      best: Nullable(AssignmentScore, { description: 'The set with the most right answers; null before any' }),
      last: Nullable(AssignmentScore, { description: 'The latest set started' }),
    }),
    Type.Object({
      kind: Type.Literal('class'),
      assignmentId: Uuid,
      status: Type.Enum(ASSIGNMENT_STATUSES),
      attended: Type.Boolean({ description: 'Joined the class room at least once' }),
      quiz: Type.Object(
        { ...AssignmentScore.properties, questions: Type.Integer({ minimum: 0 }) },
        { description: "The trainee's answers to the class's quizzes, and how many were launched" },
      ),
    }),
  ],
  { title: 'AssignmentProgress', description: '`done`: worked through or attended; else `pending` until due, `overdue` after' },
);

export const AssignmentTotals = Type.Object(
  {
    assignments: Type.Integer({ minimum: 0 }),
    done: Type.Integer({ minimum: 0 }),
    pending: Type.Integer({ minimum: 0 }),
    overdue: Type.Integer({ minimum: 0 }),
    percentDone: Type.Integer({ minimum: 0, maximum: 100 }),
  },
  { title: 'AssignmentTotals' },
);

export const CourseProgress = Type.Object(
  {
    course: Course,
    assignments: Type.Array(CourseAssignment, { description: 'The columns, earliest due first' }),
    trainees: Type.Array(
      Type.Object({
        trainee: PersonRef,
        assignments: Type.Array(AssignmentProgress, { description: 'One per assignment, in their order' }),
        totals: AssignmentTotals,
      }),
      { description: 'The rows, by display name' },
    ),
    assignmentTotals: Type.Array(Type.Object({ assignmentId: Uuid, ...AssignmentTotals.properties }), {
      description: 'How the group stands with each assignment, in their order',
    }),
    totals: AssignmentTotals,
    at: DateTime,
  },
  { title: 'CourseProgress', description: "The group's table: every member against every assignment, at `at`" },
);

export const MyAssignments = Type.Object(
  {
    items: Type.Array(
      Type.Object({
        course: Type.Object({ id: Uuid, title: Type.String() }),
        assignment: CourseAssignment,
        progress: AssignmentProgress,
      }),
      { description: 'Earliest due first' },
    ),
    totals: AssignmentTotals,
    at: DateTime,
  },
  { title: 'MyAssignments' },
);

const CourseParams = Type.Object({ id: Uuid });
const MemberParams = Type.Object({ id: Uuid, userId: Uuid });
const AssignmentParams = Type.Object({ id: Uuid, assignmentId: Uuid });
const instructorsOnly = 'Experts and administrators whose scope holds the course’s unit (`403` for its trainees)';

export const courseEndpoints = {
  createCourse: endpoint({
    method: 'POST',
    url: '/api/v1/courses',
    schema: {
      operationId: 'createCourse',
      tags: ['courses'],
      summary: "Start a course for the caller's unit, optionally with its first trainees (experts and administrators)",
      body: NewCourse,
      response: { 201: CourseDetail, ...errorResponses(400, 401, 403, 422) },
    },
  }),
  listCourses: endpoint({
    method: 'GET',
    url: '/api/v1/courses',
    schema: {
      operationId: 'listCourses',
      tags: ['courses'],
      summary: "Courses of the units in the caller's scope (experts, administrators) and the courses the caller is a member of",
      response: { 200: Items(Course), ...errorResponses(401) },
    },
  }),
  getCourse: endpoint({
    method: 'GET',
    url: '/api/v1/courses/:id',
    schema: {
      operationId: 'getCourse',
      tags: ['courses'],
      summary: 'A course with its members and assignments',
      params: CourseParams,
      response: { 200: CourseDetail, ...errorResponses(400, 401, 404) },
    },
  }),
  updateCourse: endpoint({
    method: 'PATCH',
    url: '/api/v1/courses/:id',
    schema: {
      operationId: 'updateCourse',
      tags: ['courses'],
      summary: 'Rename a course, change its description, archive or restore it',
      description: `${instructorsOnly}. An archived course answers \`409 course_archived\` to every other change.`,
      params: CourseParams,
      body: CoursePatch,
      response: { 200: CourseDetail, ...errorResponses(400, 401, 403, 404, 409) },
    },
  }),
  addCourseMember: endpoint({
    method: 'PUT',
    url: '/api/v1/courses/:id/members/:userId',
    schema: {
      operationId: 'addCourseMember',
      tags: ['courses'],
      summary: 'Add a trainee to a course and enrol them in its classes that have not ended (201; 200 if a member already)',
      description: `${instructorsOnly}. People outside the caller's scope answer 404; disabled accounts \`422 user_disabled\`, other roles \`422 not_a_trainee\`.`,
      params: MemberParams,
      response: { 200: CourseMember, 201: CourseMember, ...errorResponses(400, 401, 403, 404, 409, 422) },
    },
  }),
  removeCourseMember: endpoint({
    method: 'DELETE',
    url: '/api/v1/courses/:id/members/:userId',
    schema: {
      operationId: 'removeCourseMember',
      tags: ['courses'],
      summary: 'Take a trainee out of a course (their class enrolments and their work stay)',
      description: instructorsOnly,
      params: MemberParams,
      response: { 204: Type.Null(), ...errorResponses(400, 401, 403, 404, 409) },
    },
  }),
  createCourseAssignment: endpoint({
    method: 'POST',
    url: '/api/v1/courses/:id/assignments',
    schema: {
      operationId: 'createCourseAssignment',
      tags: ['courses'],
      summary: 'Give the course a practice set or a class to do by a due date',
      description: `${instructorsOnly}. A class already assigned to the course answers \`409 already_assigned\`.`,
      params: CourseParams,
      body: NewCourseAssignment,
      response: { 201: CourseAssignment, ...errorResponses(400, 401, 403, 404, 409, 422) },
    },
  }),
  deleteCourseAssignment: endpoint({
    method: 'DELETE',
    url: '/api/v1/courses/:id/assignments/:assignmentId',
    schema: {
      operationId: 'deleteCourseAssignment',
      tags: ['courses'],
      summary: 'Withdraw an assignment (practice sets started for it are kept, no longer counted)',
      description: instructorsOnly,
      params: AssignmentParams,
      response: { 204: Type.Null(), ...errorResponses(400, 401, 403, 404, 409) },
    },
  }),
  getCourseProgress: endpoint({
    method: 'GET',
    url: '/api/v1/courses/:id/progress',
    schema: {
      operationId: 'getCourseProgress',
      tags: ['courses'],
      summary: "The group's table: each member's practice scores, attendance and quiz scores per assignment, with totals",
      description: instructorsOnly,
      params: CourseParams,
      response: { 200: CourseProgress, ...errorResponses(400, 401, 403, 404) },
    },
  }),
  getCourseProgressCsv: endpoint({
    method: 'GET',
    url: '/api/v1/courses/:id/progress.csv',
    schema: {
      operationId: 'getCourseProgressCsv',
      tags: ['courses'],
      summary: "The group's table as CSV (UTF-8 with a byte order mark, for spreadsheets): one row per member and assignment",
      description: `${instructorsOnly}. Columns: ${'`username`, `displayName`, `assignment`, `kind`, `dueAt`, `status`, `setsStarted`, `completed`, `bestCorrect`, `bestAnswered`, `lastCorrect`, `lastAnswered`, `attended`, `quizCorrect`, `quizAnswered`, `quizQuestions`'}.`,
      params: CourseParams,
      response: { 200: Type.String({ description: 'text/csv; charset=utf-8' }), ...errorResponses(400, 401, 403, 404) },
    },
  }),
  listMyAssignments: endpoint({
    method: 'GET',
    url: '/api/v1/me/assignments',
    schema: {
      operationId: 'listMyAssignments',
      tags: ['courses'],
      summary: "Every assignment of the caller's courses (not archived) with its due date, status, attendance and scores",
      response: { 200: MyAssignments, ...errorResponses(401) },
    },
  }),
};

export type Course = Static<typeof Course>;
export type CourseMember = Static<typeof CourseMember>;
export type CourseAssignment = Static<typeof CourseAssignment>;
export type CourseDetail = Static<typeof CourseDetail>;
export type NewCourse = Static<typeof NewCourse>;
export type CoursePatch = Static<typeof CoursePatch>;
export type NewCourseAssignment = Static<typeof NewCourseAssignment>;
export type AssignmentScore = Static<typeof AssignmentScore>;
export type AssignmentProgress = Static<typeof AssignmentProgress>;
export type AssignmentTotals = Static<typeof AssignmentTotals>;
export type CourseProgress = Static<typeof CourseProgress>;
export type MyAssignments = Static<typeof MyAssignments>;
