/**
 * Self-study practice (ADR 0028): how a set is drawn for a difficulty, and the Leitner boxes of spaced repetition.
 * Pure rules; the service feeds them what the repositories read.
 */
import type { PracticeDifficulty } from './vocabulary.js';

/** Days until a card in box N (index N − 1) is due again: box 1 is due at once, so a wrong answer comes back next set. */
export const LEITNER_INTERVAL_DAYS = [0, 1, 3, 7, 14] as const;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface CardState {
  box: number;
  answered: number;
  correct: number;
}

export interface NextCard extends CardState {
  dueAt: Date;
}

/** The card after one more answer: wrong → box 1, due now; right → the next box (up to the last), due after its interval. */
export function nextCard(card: CardState, correct: boolean, now: Date): NextCard {
  const box = correct ? Math.min(card.box + 1, LEITNER_INTERVAL_DAYS.length) : 1;
  return {
    box,
    answered: card.answered + 1,
    correct: card.correct + (correct ? 1 : 0),
    dueAt: new Date(now.getTime() + LEITNER_INTERVAL_DAYS[box - 1]! * DAY_MS),
  };
}

/** A specimen that may become a question, with what weighs in its drawing. */
export interface PracticeCandidate {
  specimenId: string;
  taxonId: string;
  /** An expert marked it a teaching example. */
  example: boolean;
}

/** What the trainee's record says about taxa: cards due now, and look-alikes of what they confused. */
export interface DrawingWeights {
  dueTaxa: ReadonlySet<string>;
  lookAlikeTaxa: ReadonlySet<string>;
}

/** Weights per difficulty; due cards outweigh every other reason together, so they are always drawn first. */
const DUE_WEIGHT = 10;
const WEIGHTS: Record<PracticeDifficulty, { lookAlike: number; example: number }> = {
  gentle: { lookAlike: 0, example: 3 },
  mixed: { lookAlike: 1.5, example: 1 },
  hard: { lookAlike: 4, example: 0.5 },
};

/**
 * Draws up to `size` distinct specimens, best first: due taxa, then per difficulty look-alikes and examples, chance
 * (`random`, in [0, 1)) ordering the rest.
 */
export function drawQuestions<C extends PracticeCandidate>(
  candidates: readonly C[],
  weights: DrawingWeights,
  difficulty: PracticeDifficulty,
  size: number,
  random: () => number,
): C[] {
  const { lookAlike, example } = WEIGHTS[difficulty];
  const scored = candidates.map((candidate) => ({
    candidate,
    score:
      (weights.dueTaxa.has(candidate.taxonId) ? DUE_WEIGHT : 0) +
      (weights.lookAlikeTaxa.has(candidate.taxonId) ? lookAlike : 0) +
      (candidate.example ? example : 0) +
      random(),
  }));
  const seen = new Set<string>();
  return scored
    .sort((a, b) => b.score - a.score)
    .map(({ candidate }) => candidate)
    .filter((candidate) => !seen.has(candidate.specimenId) && seen.add(candidate.specimenId))
    .slice(0, size);
}
