import { createHash } from 'node:crypto';
import type { PersonRef } from './room.js';

/** A taxon as a question offers it: its id and its names in both languages. */
export interface QuizTaxon {
  taxonId: string;
  nameZh: string;
  nameEn: string;
}

/** A question launched in a class (ADR 0029), with the answer it was set with. */
export interface QuizRecord {
  id: string;
  roomId: string;
  specimenId: string;
  imageId: string;
  /** The confirmed answer when the question was launched: a later correction does not rescore the class. */
  answer: QuizTaxon & { lifeStage: string | null; notes: string | null };
  /** What trainees choose from, in the order they are shown. */
  options: QuizTaxon[];
  launchedBy: PersonRef;
  launchedAt: Date;
  closesAt: Date;
  revealedAt: Date | null;
}

export interface QuizAnswerRecord {
  quizId: string;
  user: PersonRef;
  taxonId: string;
  correct: boolean;
  answeredAt: Date;
}

/** Answers per option (in the options' order) and how many answered. */
export interface QuizCounts {
  counts: { taxonId: string; count: number }[];
  answered: number;
  correct: number;
}

/**
 * The order a question shows its options in: fixed by the question's id (the same on every page and after a reload),
 * and unrelated to which option is right, so the right answer is not always first.
 */
export function optionOrder(quizId: string, taxonIds: readonly string[]): string[] {
  const rank = (taxonId: string) => createHash('sha256').update(`${quizId}\n${taxonId}`).digest('hex');
  return [...taxonIds].sort((a, b) => rank(a).localeCompare(rank(b)));
}

/** Answers per chosen taxon as counted in the database, put in the options' order (options nobody chose count 0). */
export function countsInOrder(
  options: readonly QuizTaxon[],
  chosen: readonly { taxonId: string; count: number; correct: number }[],
): QuizCounts {
  const byTaxon = new Map(chosen.map((row) => [row.taxonId, row.count]));
  return {
    counts: options.map((option) => ({ taxonId: option.taxonId, count: byTaxon.get(option.taxonId) ?? 0 })),
    answered: chosen.reduce((sum, row) => sum + row.count, 0),
    correct: chosen.reduce((sum, row) => sum + row.correct, 0),
  };
}
