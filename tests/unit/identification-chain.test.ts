import { describe, expect, it } from 'vitest';
import { identifyGroup, refineIdentification, type ScoringModel } from '../../inference/identification-chain.js';
import type { ModelLabel } from '../../inference/model-package.js';
import { calibratedLogProbabilities, meanOfLogProbabilities, toProbabilities } from '../../inference/probabilities.js';

const label = (id: string, taxon: string, group: ModelLabel['group'], rank: string, lifeStage: string | null = null): ModelLabel => ({
  id,
  taxon,
  group,
  rank,
  lifeStage,
});

const groupModel: ScoringModel = {
  ref: 'vector-group@1',
  card: {
    rejection: { method: 'max_softmax', threshold: 0.6 },
    labels: [
      label('mosquito.adult', 'Culicidae', 'mosquito', 'family', 'adult'),
      label('mosquito.larva', 'Culicidae', 'mosquito', 'family', 'larva'),
      label('tick', 'Ixodida', 'tick', 'order'),
      label('rodent', 'Rodentia', 'rodent', 'order'),
      label('not_vector', 'not_vector', 'not_vector', 'none'),
    ],
  },
};
const tickSpecies: ScoringModel = {
  ref: 'tick-species@1',
  card: {
    rejection: { method: 'max_softmax', threshold: 0.7 },
    labels: [
      label('Ixodes scapularis', 'Ixodes scapularis', 'tick', 'species'),
      label('Ixodes ricinus', 'Ixodes ricinus', 'tick', 'species'),
      label('Dermacentor variabilis', 'Dermacentor variabilis', 'tick', 'species'),
    ],
  },
};
const scores = (...values: number[]) => Float64Array.from(values);

describe('probabilities', () => {
  it('applies temperature before the softmax', () => {
    const sharp = toProbabilities(calibratedLogProbabilities([2, 0, 0], 1));
    const softened = toProbabilities(calibratedLogProbabilities([2, 0, 0], 2));
    expect(sharp.reduce((a, b) => a + b)).toBeCloseTo(1, 12);
    expect(softened[0]).toBeLessThan(sharp[0]!);
    expect(softened[0]).toBeCloseTo(Math.exp(1) / (Math.exp(1) + 2), 12);
  });

  it('stays finite for extreme logits', () => {
    const probabilities = toProbabilities(calibratedLogProbabilities([1000, -1000, 0], 1));
    expect([...probabilities]).toEqual([1, 0, 0]);
  });

  it('aggregates images of one specimen by the mean of log-probabilities', () => {
    const agreeing = toProbabilities(
      meanOfLogProbabilities([Math.log(0.8), Math.log(0.2)].map(() => Float64Array.from([Math.log(0.8), Math.log(0.2)]))),
    );
    expect(agreeing[0]).toBeCloseTo(0.8, 12);
    const contradicting = toProbabilities(
      meanOfLogProbabilities([Float64Array.from([Math.log(0.9), Math.log(0.1)]), Float64Array.from([Math.log(0.1), Math.log(0.9)])]),
    );
    expect(contradicting[0]).toBeCloseTo(0.5, 12);
  });
});

describe('identification chain', () => {
  it('names the group taxon and life stage when the group model is confident', () => {
    const result = identifyGroup(groupModel, scores(0.05, 0.85, 0.04, 0.03, 0.03), 3);
    expect(result).toMatchObject({ group: 'mosquito', lifeStage: 'larva', taxon: 'Culicidae', rejected: false, model: 'vector-group@1' });
    expect(result.confidence).toBeCloseTo(0.85);
    expect(result.topK.map((entry) => entry.taxon)).toEqual(['Culicidae', 'Culicidae', 'Ixodida']);
  });

  it('says unknown rather than guess below the group threshold', () => {
    const result = identifyGroup(groupModel, scores(0.1, 0.1, 0.4, 0.35, 0.05), 3);
    expect(result).toMatchObject({ taxon: 'unknown', rejected: true, group: 'tick' });
  });

  it('names the species with joint probability when the refiner is confident', () => {
    const result = refineIdentification(groupModel, scores(0.02, 0.02, 0.9, 0.03, 0.03), tickSpecies, scores(0.8, 0.15, 0.05), 3);
    expect(result).toMatchObject({
      group: 'tick',
      taxon: 'Ixodes scapularis',
      rejected: false,
      model: 'tick-species@1',
      models: ['vector-group@1', 'tick-species@1'],
    });
    expect(result.confidence).toBeCloseTo(0.72);
    expect(result.topK).toEqual([
      { taxon: 'Ixodes scapularis', p: expect.closeTo(0.72) },
      { taxon: 'Ixodes ricinus', p: expect.closeTo(0.135) },
      { taxon: 'Dermacentor variabilis', p: expect.closeTo(0.045) },
    ]);
  });

  it('backs off to the genus when the species is unclear but the genus is', () => {
    const result = refineIdentification(groupModel, scores(0.02, 0.02, 0.9, 0.03, 0.03), tickSpecies, scores(0.45, 0.45, 0.1), 3);
    expect(result.taxon).toBe('Ixodes');
    expect(result.confidence).toBeCloseTo(0.9 * 0.9);
  });

  it('backs off to the group taxon when neither species nor genus is clear', () => {
    const result = refineIdentification(groupModel, scores(0.02, 0.02, 0.9, 0.03, 0.03), tickSpecies, scores(0.4, 0.2, 0.4), 3);
    expect(result.taxon).toBe('Ixodida');
    expect(result.confidence).toBeCloseTo(0.9);
    expect(result.rejected).toBe(false);
  });
});
