import { describe, expect, it } from 'vitest';
import { attendanceKey, groupProgress, totalsOf, type AssignmentRecord, type ProgressFacts } from '../../api/domain/course.js';

const person = (id: string) => ({ id, username: id, displayName: id });
const now = new Date('2031-05-04T00:00:00Z');
const base = { courseId: 'c', createdBy: person('expert'), createdAt: new Date('2031-05-01T00:00:00Z') };
const practice: AssignmentRecord = {
  ...base,
  id: 'p',
  kind: 'practice',
  title: 'Set',
  size: 2,
  groups: [],
  taxa: [],
  dueAt: new Date('2031-05-03T00:00:00Z'),
};
const lesson: AssignmentRecord = {
  ...base,
  id: 'k',
  kind: 'class',
  title: 'Class',
  room: { id: 'room', title: 'Class', scheduledAt: null, endedAt: null },
  dueAt: new Date('2031-05-05T00:00:00Z'),
};
const noFacts: ProgressFacts = { practiceSets: [], attended: new Set(), quizAnswers: new Map(), quizzes: new Map() };
const set = (startedAt: string, correct: number, answered: number, questions = 2) => ({
  assignmentId: 'p',
  traineeId: 'a',
  startedAt: new Date(startedAt),
  finishedAt: null,
  questions,
  answered,
  correct,
});

describe('a group’s progress', () => {
  it('takes the earliest of equally good sets as the best, the latest started as the last; late work is done', () => {
    const facts = {
      ...noFacts,
      practiceSets: [set('2031-05-03T12:00:00Z', 1, 1), set('2031-05-02T00:00:00Z', 1, 2), set('2031-05-03T18:00:00Z', 2, 2)],
    };
    const [row] = groupProgress([practice], [person('a')], facts, now).trainees;
    expect(row!.assignments[0]).toEqual({
      kind: 'practice',
      assignmentId: 'p',
      status: 'done',
      setsStarted: 3,
      completed: true,
      best: { correct: 2, answered: 2 },
      last: { correct: 2, answered: 2 },
    });
    // Neither set of three questions is finished: the assignment is overdue.
    const tied = { ...noFacts, practiceSets: [set('2031-05-02T00:00:00Z', 1, 2, 3), set('2031-05-03T00:00:00Z', 1, 1, 3)] };
    expect(groupProgress([practice], [person('a')], tied, now).trainees[0]!.assignments[0]).toMatchObject({
      status: 'overdue',
      completed: false,
      best: { correct: 1, answered: 2 },
      last: { correct: 1, answered: 1 },
    });
  });

  it('does not count a set without questions as worked through', () => {
    const facts = { ...noFacts, practiceSets: [set('2031-05-02T00:00:00Z', 0, 0, 0)] };
    expect(groupProgress([practice], [person('a')], facts, now).trainees[0]!.assignments[0]).toMatchObject({
      status: 'overdue',
      completed: false,
      setsStarted: 1,
    });
  });

  it('counts a class as done once joined, with the quiz answers in its room; totals each way', () => {
    const facts = {
      ...noFacts,
      attended: new Set([attendanceKey('room', 'b')]),
      quizAnswers: new Map([[attendanceKey('room', 'b'), { correct: 1, answered: 2 }]]),
      quizzes: new Map([['room', 3]]),
    };
    const table = groupProgress([practice, lesson], [person('a'), person('b')], facts, now);
    expect(table.trainees.map((row) => row.assignments.map((cell) => cell.status))).toEqual([
      ['overdue', 'pending'],
      ['overdue', 'done'],
    ]);
    expect(table.trainees[1]!.assignments[1]).toMatchObject({ attended: true, quiz: { correct: 1, answered: 2, questions: 3 } });
    expect(table.assignments).toEqual([
      { assignmentId: 'p', assignments: 2, done: 0, pending: 0, overdue: 2, percentDone: 0 },
      { assignmentId: 'k', assignments: 2, done: 1, pending: 1, overdue: 0, percentDone: 50 },
    ]);
    expect(table.totals).toEqual({ assignments: 4, done: 1, pending: 1, overdue: 2, percentDone: 25 });
  });

  it('gives empty totals without assignments', () => {
    expect(totalsOf([])).toEqual({ assignments: 0, done: 0, pending: 0, overdue: 0, percentDone: 0 });
    expect(groupProgress([], [], noFacts, now)).toEqual({ trainees: [], assignments: [], totals: totalsOf([]) });
  });
});
