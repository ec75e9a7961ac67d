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

  it('says at which level it committed and the calibrated confidence at every level', () => {
    const sure = refineIdentification(groupModel, scores(0.02, 0.02, 0.9, 0.03, 0.03), tickSpecies, scores(0.8, 0.15, 0.05), 3);
    expect(sure.committedLevel).toBe('species');
    expect(sure.levels).toEqual({
      group: { taxon: 'Ixodida', confidence: 0.9 },
      genus: { taxon: 'Ixodes', confidence: expect.closeTo(0.95 * 0.9) },
      species: { taxon: 'Ixodes scapularis', confidence: expect.closeTo(0.72) },
    });

    const genusOnly = refineIdentification(groupModel, scores(0.02, 0.02, 0.9, 0.03, 0.03), tickSpecies, scores(0.45, 0.45, 0.1), 3);
    expect(genusOnly.committedLevel).toBe('genus');
    expect(genusOnly.levels.species).toEqual({ taxon: expect.stringMatching(/^Ixodes /), confidence: expect.closeTo(0.405) });

    const groupOnly = refineIdentification(groupModel, scores(0.02, 0.02, 0.9, 0.03, 0.03), tickSpecies, scores(0.4, 0.2, 0.4), 3);
    expect(groupOnly).toMatchObject({ committedLevel: 'group', taxon: 'Ixodida' });
    expect(groupOnly.levels.genus).toEqual({ taxon: 'Ixodes', confidence: expect.closeTo(0.54) });
  });

  it('compares thresholds with joint probabilities: a sure species of an unsure group is not committed', () => {
    // 0.75 given the group, but 0.75 x 0.85 = 0.64 < 0.7.
    const result = refineIdentification(groupModel, scores(0.02, 0.02, 0.85, 0.08, 0.03), tickSpecies, scores(0.75, 0.2, 0.05), 3);
    expect(result).toMatchObject({ committedLevel: 'genus', taxon: 'Ixodes' });
    expect(result.confidence).toBeCloseTo(0.95 * 0.85);
  });

  it("backs off to the genus at the card's genus threshold when it records one", () => {
    const strictGenus: ScoringModel = {
      ...tickSpecies,
      card: { ...tickSpecies.card, rejection: { ...tickSpecies.card.rejection, levels: { genus: 0.95 } } },
    };
    const result = refineIdentification(groupModel, scores(0.02, 0.02, 0.9, 0.03, 0.03), strictGenus, scores(0.45, 0.45, 0.1), 3);
    expect(result).toMatchObject({ committedLevel: 'group', taxon: 'Ixodida' });
  });

  it('counts a genus-rank label for its genus only and never commits it as a species', () => {
    const adults: ScoringModel = {
      ref: 'mosquito-species@1',
      card: {
        rejection: { method: 'max_softmax', threshold: 0.6 },
        labels: [
          label('Aedes albopictus', 'Aedes albopictus', 'mosquito', 'species', 'adult'),
          label('Aedes aegypti', 'Aedes aegypti', 'mosquito', 'species', 'adult'),
          label('Culex quinquefasciatus', 'Culex quinquefasciatus', 'mosquito', 'species', 'adult'),
          label('Culex pipiens', 'Culex pipiens', 'mosquito', 'species', 'adult'),
          label('Anopheles', 'Anopheles', 'mosquito', 'genus', 'adult'),
          label('Armigeres', 'Armigeres', 'mosquito', 'genus', 'adult'),
        ],
      },
    };
    const adult = scores(0.96, 0.01, 0.01, 0.01, 0.01);
    const anopheles = refineIdentification(groupModel, adult, adults, scores(0.02, 0.01, 0.01, 0.01, 0.93, 0.02), 3);
    expect(anopheles).toMatchObject({ committedLevel: 'genus', taxon: 'Anopheles', levels: { species: null } });
    expect(anopheles.confidence).toBeCloseTo(0.93 * 0.96);

    // Aedes as a genus (0.5 + 0.3) is more likely than the Anopheles label (0.1) though no Aedes species is sure.
    const aedes = refineIdentification(groupModel, adult, adults, scores(0.5, 0.3, 0.05, 0.05, 0.1, 0), 3);
    expect(aedes).toMatchObject({ committedLevel: 'genus', taxon: 'Aedes' });
    expect(aedes.levels.species).toEqual({ taxon: 'Aedes albopictus', confidence: expect.closeTo(0.48) });
    expect(aedes.levels.genus?.confidence).toBeCloseTo(0.8 * 0.96);
  });

  it('reports the rejected group guess at the group level and commits to nothing', () => {
    const result = identifyGroup(groupModel, scores(0.1, 0.1, 0.4, 0.35, 0.05), 3);
    expect(result).toMatchObject({
      committedLevel: 'none',
      taxon: 'unknown',
      levels: { group: { taxon: 'Ixodida', confidence: 0.4 }, genus: null, species: null },
    });
    expect(identifyGroup(groupModel, scores(0.05, 0.85, 0.04, 0.03, 0.03), 3).committedLevel).toBe('group');
  });
});
