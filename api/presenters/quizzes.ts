import { endpoints, pathOf, type QuizQuestion, type QuizResult, type RoomQuiz } from '../contract/index.js';
import type { QuizAnswerRecord, QuizCounts, QuizRecord } from '../domain/quiz.js';

// Class quizzes (ADR 0029) → the wire. A question as trainees see it names its options only: never the right
// answer, the specimen or the stored image.

export function presentQuizQuestion(quiz: QuizRecord, now = Date.now()): QuizQuestion {
  return {
    quizId: quiz.id,
    imageUrl: pathOf(endpoints.getQuizImage, { id: quiz.roomId, quizId: quiz.id }),
    options: quiz.options,
    launchedAt: quiz.launchedAt.toISOString(),
    closesAt: quiz.closesAt.toISOString(),
    remainingMs: quiz.revealedAt ? 0 : Math.max(0, quiz.closesAt.getTime() - now),
  };
}

export function presentQuizResult(quiz: QuizRecord & { revealedAt: Date }, counts: QuizCounts): QuizResult {
  return {
    quizId: quiz.id,
    answer: quiz.answer,
    counts: counts.counts,
    answered: counts.answered,
    correct: counts.correct,
    revealedAt: quiz.revealedAt.toISOString(),
  };
}

/** A question of the room's record: everything for the class's experts (`everyone`), else what the caller may know by now. */
export function presentRoomQuiz(quiz: QuizRecord, counts: QuizCounts, answers: QuizAnswerRecord[], everyone: boolean): RoomQuiz {
  const revealed = quiz.revealedAt !== null;
  return {
    id: quiz.id,
    launchedBy: quiz.launchedBy,
    launchedAt: quiz.launchedAt.toISOString(),
    closesAt: quiz.closesAt.toISOString(),
    revealedAt: quiz.revealedAt?.toISOString() ?? null,
    options: quiz.options,
    specimenId: everyone ? quiz.specimenId : null,
    answer: revealed ? quiz.answer : null,
    counts: everyone || revealed ? { perOption: counts.counts, answered: counts.answered, correct: counts.correct } : null,
    answers: answers.map((answer) => ({
      user: answer.user,
      taxonId: answer.taxonId,
      correct: everyone || revealed ? answer.correct : null,
      answeredAt: answer.answeredAt.toISOString(),
    })),
  };
}
