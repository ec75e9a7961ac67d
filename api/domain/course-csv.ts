import type { AssignmentRecord, GroupProgress } from './course.js';
import { csvRecord } from './export-formats.js';

const COLUMNS = [
  'username',
  'displayName',
  'assignment',
  'kind',
  'dueAt',
  'status',
  'setsStarted',
  'completed',
  'bestCorrect',
  'bestAnswered',
  'lastCorrect',
  'lastAnswered',
  'attended',
  'quizCorrect',
  'quizAnswered',
  'quizQuestions',
] as const;

/**
 * A group's progress as CSV, one record per member and assignment (the web table's cells), so every number sits in a
 * column of its own: a "7/10" score would be read as a date by spreadsheets. Starts with a UTF-8 byte order mark, for
 * Excel in a Chinese locale reads a CSV without one as GBK and garbles the members' Chinese names.
 */
export function courseProgressCsv(assignments: readonly AssignmentRecord[], progress: GroupProgress): string {
  const lines = progress.trainees.flatMap(({ trainee, assignments: cells }) =>
    cells.map((cell, index) => {
      const assignment = assignments[index]!;
      const practice = cell.kind === 'practice' ? cell : null;
      const attendance = cell.kind === 'class' ? cell : null;
      return csvRecord([
        trainee.username,
        trainee.displayName,
        assignment.title,
        assignment.kind,
        assignment.dueAt.toISOString(),
        cell.status,
        practice?.setsStarted ?? null,
        practice ? String(practice.completed) : null,
        practice?.best?.correct ?? null,
        practice?.best?.answered ?? null,
        practice?.last?.correct ?? null,
        practice?.last?.answered ?? null,
        attendance ? String(attendance.attended) : null,
        attendance?.quiz.correct ?? null,
        attendance?.quiz.answered ?? null,
        attendance?.quiz.questions ?? null,
      ]);
    }),
  );
  return '\uFEFF' + csvRecord(COLUMNS) + lines.join('');
}
