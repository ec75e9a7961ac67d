// The rules of practice sets: the Leitner boxes and how a set is drawn for each difficulty.
import { describe, expect, it } from 'vitest';
import { drawQuestions, LEITNER_INTERVAL_DAYS, nextCard, type PracticeCandidate } from '../../api/domain/practice.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const now = new Date('2026-12-01T08:00:00Z');

describe('Leitner cards', () => {
  it('move one box up per right answer, longer each time, and stop at the last box', () => {
    let card = { box: 1, answered: 0, correct: 0 };
    const intervals: number[] = [];
    for (let answer = 0; answer < LEITNER_INTERVAL_DAYS.length + 2; answer += 1) {
      const next = nextCard(card, true, now);
      intervals.push((next.dueAt.getTime() - now.getTime()) / DAY_MS);
      card = next;
    }
    expect(intervals).toEqual([1, 3, 7, 14, 14, 14, 14]);
    expect(card).toMatchObject({ box: LEITNER_INTERVAL_DAYS.length, answered: 7, correct: 7 });
  });

  it('go back to box 1 on a wrong answer, due at once', () => {
    expect(nextCard({ box: 4, answered: 5, correct: 5 }, false, now)).toEqual({ box: 1, answered: 6, correct: 5, dueAt: now });
  });
});

describe('drawing a set', () => {
  const candidate = (specimenId: string, taxonId: string, example = false): PracticeCandidate => ({ specimenId, taxonId, example });
  const pool = [
    candidate('s1', 'Aedes vexans'),
    candidate('s2', 'Culex pipiens', true),
    candidate('s3', 'Culex quinquefasciatus'),
    candidate('s4', 'Anopheles sinensis'),
  ];
  const noRecord = { dueTaxa: new Set<string>(), lookAlikeTaxa: new Set<string>() };
  /** Chance that prefers the later candidates: only weights can put the earlier ones first. */
  const againstOrder = () => {
    let n = 0;
    return () => Math.min(0.99, (n += 0.2));
  };

  it('puts due taxa first whatever the difficulty', () => {
    for (const difficulty of ['gentle', 'mixed', 'hard'] as const) {
      const weights = { dueTaxa: new Set(['Aedes vexans']), lookAlikeTaxa: new Set(['Culex quinquefasciatus']) };
      expect(drawQuestions(pool, weights, difficulty, 2, againstOrder())[0]!.specimenId).toBe('s1');
    }
  });

  it('prefers examples when gentle and look-alikes of past confusions when hard', () => {
    const weights = { dueTaxa: new Set<string>(), lookAlikeTaxa: new Set(['Culex quinquefasciatus']) };
    expect(drawQuestions(pool, weights, 'gentle', 1, againstOrder())[0]!.specimenId).toBe('s2');
    expect(drawQuestions(pool, weights, 'hard', 1, againstOrder())[0]!.specimenId).toBe('s3');
  });

  it('draws each specimen once, at most the size asked for', () => {
    const twice = [...pool, candidate('s1', 'Aedes vexans')];
    const drawn = drawQuestions(twice, noRecord, 'mixed', 10, Math.random);
    expect(drawn.map((question) => question.specimenId).sort()).toEqual(['s1', 's2', 's3', 's4']);
    expect(drawQuestions(pool, noRecord, 'mixed', 2, Math.random)).toHaveLength(2);
  });
});
