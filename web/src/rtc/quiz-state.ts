// A class's current question as the page shows it (ADR 0029): pure functions of what the server said. The countdown
// runs on this page's clock from the time left the server sent, so a page whose clock is off still counts right.
import type { QuizQuestion, QuizResult, QuizSnapshot, QuizTally } from '@contract';

export interface QuizState {
  question: QuizQuestion;
  /** When the question closes, on this page's clock (`Date.now()` milliseconds). */
  deadline: number;
  /** This trainee's answer (kept across reloads and reconnections: the join answer brings it back). */
  yourAnswer: string | null;
  /** The presenter's live counts while it is open. */
  tally: QuizTally | null;
  /** Set once the presenter revealed it. */
  result: QuizResult | null;
}

export type QuizEvent =
  /** The join answer's question (null: none), received at `receivedAt`. */
  | { type: 'snapshot'; snapshot: QuizSnapshot | null; receivedAt: number }
  | { type: 'launched'; question: QuizQuestion; receivedAt: number }
  | { type: 'tally'; tally: QuizTally }
  | { type: 'answered'; quizId: string; taxonId: string }
  | { type: 'revealed'; result: QuizResult };

export function reduceQuiz(quiz: QuizState | null, event: QuizEvent): QuizState | null {
  switch (event.type) {
    case 'snapshot': {
      const { snapshot, receivedAt } = event;
      if (!snapshot) return null;
      return { ...opened(snapshot.question, receivedAt), yourAnswer: snapshot.yourAnswer, tally: snapshot.tally, result: snapshot.result };
    }
    case 'launched':
      return quiz?.question.quizId === event.question.quizId ? quiz : opened(event.question, event.receivedAt);
    case 'tally':
      return quiz?.question.quizId === event.tally.quizId && !quiz.result ? { ...quiz, tally: event.tally } : quiz;
    case 'answered':
      return quiz?.question.quizId === event.quizId ? { ...quiz, yourAnswer: event.taxonId } : quiz;
    case 'revealed':
      return quiz?.question.quizId === event.result.quizId ? { ...quiz, result: event.result, tally: null } : quiz;
  }
}

function opened(question: QuizQuestion, receivedAt: number): QuizState {
  return { question, deadline: receivedAt + question.remainingMs, yourAnswer: null, tally: null, result: null };
}

/** Whole seconds left to answer at `now` (0 once closed or revealed). */
export function secondsLeft(quiz: QuizState, now: number): number {
  if (quiz.result) return 0;
  return Math.max(0, Math.ceil((quiz.deadline - now) / 1000));
}

/** Whether a trainee may still answer at `now`: open, not yet answered. */
export function mayAnswer(quiz: QuizState, now: number): boolean {
  return quiz.yourAnswer === null && secondsLeft(quiz, now) > 0;
}

/** Each option with its count (the presenter's tally while open, the result once revealed), and the share of answers it got. */
export function barsOf(quiz: QuizState): { taxonId: string; nameZh: string; nameEn: string; count: number; share: number }[] {
  const counted = quiz.result ?? quiz.tally;
  const counts = new Map(counted?.counts.map((entry) => [entry.taxonId, entry.count]));
  const answered = counted?.answered ?? 0;
  return quiz.question.options.map((option) => {
    const count = counts.get(option.taxonId) ?? 0;
    return { ...option, count, share: answered === 0 ? 0 : (count / answered) * 100 };
  });
}
