import type { PersonRef } from './room.js';
import type { AssignmentStatus, VectorGroup } from './vocabulary.js';

/** A course as the domain sees it: its row, its unit's path (for scoping) and how many members and assignments it has. */
export interface CourseRecord {
  id: string;
  unitId: string;
  unitPath: string;
  title: string;
  description: string | null;
  createdBy: PersonRef;
  createdAt: Date;
  archivedAt: Date | null;
  members: number;
  assignments: number;
}

export interface CourseMemberRecord {
  user: PersonRef;
  addedAt: Date;
}

interface AssignmentBase {
  id: string;
  courseId: string;
  title: string;
  dueAt: Date;
  createdBy: PersonRef;
  createdAt: Date;
}

export interface PracticeAssignmentRecord extends AssignmentBase {
  kind: 'practice';
  /** Questions per set, drawn from these groups and taxa (empty: any). */
  size: number;
  groups: VectorGroup[];
  taxa: string[];
}

export interface ClassAssignmentRecord extends AssignmentBase {
  kind: 'class';
  room: { id: string; title: string; scheduledAt: Date | null; endedAt: Date | null };
}

export type AssignmentRecord = PracticeAssignmentRecord | ClassAssignmentRecord;

/** Right answers out of answers given. */
export interface Score {
  correct: number;
  answered: number;
}

/** One practice set a trainee started for an assignment, with its answers counted. */
export interface PracticeSetFact {
  assignmentId: string;
  traineeId: string;
  startedAt: Date;
  finishedAt: Date | null;
  questions: number;
  answered: number;
  correct: number;
}

/** What the progress of a group is worked out from: practice sets, class attendance and class quiz answers. */
export interface ProgressFacts {
  practiceSets: readonly PracticeSetFact[];
  /** `${roomId}/${userId}` of everyone who joined a room. */
  attended: ReadonlySet<string>;
  /** Quiz answers by `${roomId}/${userId}`. */
  quizAnswers: ReadonlyMap<string, Score>;
  /** Quizzes launched in each room. */
  quizzes: ReadonlyMap<string, number>;
}

export interface PracticeProgress {
  kind: 'practice';
  assignmentId: string;
  status: AssignmentStatus;
  setsStarted: number;
  /** Whether a set was worked through (finished, or every question answered). */
  completed: boolean;
  /** The set with the most right answers (the earliest of equals); null before any. */
  best: Score | null;
  /** The latest set started. */
  last: Score | null;
}

export interface ClassProgress {
  kind: 'class';
  assignmentId: string;
  status: AssignmentStatus;
  attended: boolean;
  /** Answers to the quizzes launched in the class, and how many were launched. */
  quiz: Score & { questions: number };
}

export type AssignmentProgress = PracticeProgress | ClassProgress;

export interface ProgressTotals {
  assignments: number;
  done: number;
  pending: number;
  overdue: number;
  /** Done out of all, in whole percent (0 without assignments). */
  percentDone: number;
}

export interface TraineeProgress {
  trainee: PersonRef;
  /** One per assignment, in the order of the assignments. */
  assignments: AssignmentProgress[];
  totals: ProgressTotals;
}

export interface GroupProgress {
  trainees: TraineeProgress[];
  /** Per assignment, in their order: how the group stands with it. */
  assignments: (ProgressTotals & { assignmentId: string })[];
  totals: ProgressTotals;
}

const names = new Intl.Collator('zh-Hans-CN');

/**
 * People in the order a Chinese reader expects, the same on both databases (whose collations differ): by display name,
 * Chinese ones by pinyin, then by username.
 */
export function byName(a: PersonRef, b: PersonRef): number {
  return names.compare(a.displayName, b.displayName) || names.compare(a.username, b.username);
}

export const attendanceKey = (roomId: string, userId: string) => `${roomId}/${userId}`;

function statusOf(done: boolean, dueAt: Date, now: Date): AssignmentStatus {
  if (done) return 'done';
  return now.getTime() > dueAt.getTime() ? 'overdue' : 'pending';
}

function practiceProgress(assignment: PracticeAssignmentRecord, traineeId: string, facts: ProgressFacts, now: Date): PracticeProgress {
  const sets = facts.practiceSets
    .filter((set) => set.assignmentId === assignment.id && set.traineeId === traineeId)
    .sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime());
  const scoreOf = (set: PracticeSetFact): Score => ({ correct: set.correct, answered: set.answered });
  const best = sets.reduce<PracticeSetFact | null>((kept, set) => (kept === null || set.correct > kept.correct ? set : kept), null);
  const last = sets.at(-1) ?? null;
  const completed = sets.some((set) => set.finishedAt !== null || (set.questions > 0 && set.answered === set.questions));
  return {
    kind: 'practice',
    assignmentId: assignment.id,
    status: statusOf(completed, assignment.dueAt, now),
    setsStarted: sets.length,
    completed,
    best: best && scoreOf(best),
    last: last && scoreOf(last),
  };
}

function classProgress(assignment: ClassAssignmentRecord, traineeId: string, facts: ProgressFacts, now: Date): ClassProgress {
  const key = attendanceKey(assignment.room.id, traineeId);
  const attended = facts.attended.has(key);
  const answers = facts.quizAnswers.get(key) ?? { correct: 0, answered: 0 };
  return {
    kind: 'class',
    assignmentId: assignment.id,
    status: statusOf(attended, assignment.dueAt, now),
    attended,
    quiz: { ...answers, questions: facts.quizzes.get(assignment.room.id) ?? 0 },
  };
}

/** Where one trainee stands with one assignment, from the facts, at `now`. */
export function assignmentProgress(assignment: AssignmentRecord, traineeId: string, facts: ProgressFacts, now: Date): AssignmentProgress {
  return assignment.kind === 'practice'
    ? practiceProgress(assignment, traineeId, facts, now)
    : classProgress(assignment, traineeId, facts, now);
}

export function totalsOf(progress: readonly Pick<AssignmentProgress, 'status'>[]): ProgressTotals {
  const count = (status: AssignmentStatus) => progress.filter((item) => item.status === status).length;
  const done = count('done');
  return {
    assignments: progress.length,
    done,
    pending: count('pending'),
    overdue: count('overdue'),
    percentDone: progress.length === 0 ? 0 : Math.round((done * 100) / progress.length),
  };
}

/** The group's table: every trainee against every assignment, with totals per trainee, per assignment and overall. */
export function groupProgress(
  assignments: readonly AssignmentRecord[],
  trainees: readonly PersonRef[],
  facts: ProgressFacts,
  now: Date,
): GroupProgress {
  const rows = trainees.map((trainee) => {
    const cells = assignments.map((assignment) => assignmentProgress(assignment, trainee.id, facts, now));
    return { trainee, assignments: cells, totals: totalsOf(cells) };
  });
  return {
    trainees: rows,
    assignments: assignments.map((assignment, index) => ({
      assignmentId: assignment.id,
      ...totalsOf(rows.map((row) => row.assignments[index]!)),
    })),
    totals: totalsOf(rows.flatMap((row) => row.assignments)),
  };
}
