import {
  endpoints,
  urlOf,
  type PracticeAnswerKey,
  type PracticeAnswerResult,
  type PracticeProgress,
  type PracticeQuestion,
  type PracticeSession,
  type PracticeSessionSummary,
} from '../contract/index.js';
import type { AnswerKey } from '../repositories/answer-keys.js';
import type { PracticeQuestionRecord, PracticeSessionRecord } from '../repositories/practice.repository.js';
import type { PracticeAnswer, PracticeProgressRecord } from '../services/practice.service.js';

/** A question's photo address: it names the question only, never the specimen, the image or its content hash. */
export const practiceImageUrl = (questionId: string) => urlOf(endpoints.practiceQuestionImage, { params: { id: questionId } });

const presentAnswerKey = (key: AnswerKey): PracticeAnswerKey => ({ taxon: key.taxonId, lifeStage: key.lifeStage, notes: key.notes });

/** Unanswered: the id and the photo, nothing else. Answered: also what was given and the answer. */
export function presentPracticeQuestion(question: PracticeQuestionRecord): PracticeQuestion {
  const shown = { id: question.id, imageUrl: practiceImageUrl(question.id) };
  if (question.answeredAt === null) return shown;
  return {
    ...shown,
    given: question.answeredTaxonId!,
    correct: question.correct!,
    answeredAt: question.answeredAt.toISOString(),
    answer: presentAnswerKey(question),
  };
}

export function presentPracticeSessionSummary(session: PracticeSessionRecord): PracticeSessionSummary {
  return {
    id: session.id,
    size: session.size,
    answered: session.answered,
    correct: session.correct,
    difficulty: session.difficulty,
    groups: session.groups,
    taxa: session.taxa,
    assignmentId: session.assignmentId,
    createdAt: session.createdAt.toISOString(),
    finishedAt: session.finishedAt?.toISOString() ?? null,
  };
}

export function presentPracticeSession(session: PracticeSessionRecord, questions: PracticeQuestionRecord[]): PracticeSession {
  return { ...presentPracticeSessionSummary(session), questions: questions.map(presentPracticeQuestion) };
}

export function presentPracticeAnswer(answer: PracticeAnswer): PracticeAnswerResult {
  return { correct: answer.correct, answer: presentAnswerKey(answer), sessionFinished: answer.sessionFinished };
}

const accuracyOf = (correct: number, answered: number) => (answered === 0 ? null : correct / answered);

export function presentPracticeProgress({ totals, cards, confusions }: PracticeProgressRecord): PracticeProgress {
  return {
    totals: { ...totals, accuracy: accuracyOf(totals.correct, totals.answered) },
    taxa: cards.map((card) => ({
      taxon: card.taxonId,
      answered: card.answered,
      correct: card.correct,
      accuracy: accuracyOf(card.correct, card.answered) ?? 0,
      box: card.box,
      dueAt: card.dueAt.toISOString(),
    })),
    confusions: confusions.map((confusion) => ({
      week: confusion.week,
      taxon: confusion.taxonId,
      takenFor: confusion.takenForId,
      count: confusion.count,
    })),
  };
}
