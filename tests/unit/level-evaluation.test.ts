import { describe, expect, it } from 'vitest';
import { evaluateLevels, type LevelledExample } from '../../inference/evaluation.js';
import type { IdentificationLevel, LevelAnswers } from '../../inference/identification-chain.js';
import { judgeLevels } from '../../inference/model-evaluation.js';

const times = (count: number, example: LevelledExample): LevelledExample[] => Array.from({ length: count }, () => example);
const answer = (confidence: number, correct: boolean | null) => ({ confidence, correct });

describe('evaluation level by level', () => {
  it('reports coverage, accuracy when committed and ECE per level', () => {
    const examples = [
      // Species at 0.9, right 9 times in 10: calibrated.
      ...times(9, { committedLevel: 'species', levels: { group: answer(1, true), genus: answer(0.95, true), species: answer(0.9, true) } }),
      { committedLevel: 'species', levels: { group: answer(1, true), genus: answer(0.95, true), species: answer(0.9, false) } },
      // Genus at 0.6 and always right: under-confident by 0.4; species unknown in truth.
      ...times(5, { committedLevel: 'genus', levels: { group: answer(1, true), genus: answer(0.6, true), species: answer(0.3, null) } }),
      // Rejected: a group guess at 0.5, wrong.
      ...times(5, { committedLevel: 'none', levels: { group: answer(0.5, false) } }),
    ] satisfies LevelledExample[];
    const report = evaluateLevels(examples);
    expect(report.examples).toBe(20);
    expect(report.rejected).toBe(0.25);
    expect(report.levels.species).toEqual({
      coverage: 0.5,
      committed: 10,
      accuracyWhenCommitted: 0.9,
      judged: 10,
      ece: expect.closeTo(0, 12),
    });
    expect(report.levels.genus).toMatchObject({ coverage: 0.25, committed: 5, accuracyWhenCommitted: 1, judged: 15 });
    // 10 at 0.95 all right (0.05 off), 5 at 0.6 all right (0.4 off).
    expect(report.levels.genus.ece).toBeCloseTo((10 / 15) * 0.05 + (5 / 15) * 0.4, 12);
    // 15 at 1.0 all right, 5 at 0.5 all wrong (0.5 off).
    expect(report.levels.group).toMatchObject({ coverage: 0, committed: 0, accuracyWhenCommitted: null, judged: 20 });
    expect(report.levels.group.ece).toBeCloseTo(0.125, 12);
  });

  it('judges each level against what the image is labelled with, and only there', () => {
    const levels: LevelAnswers = {
      group: { taxon: 'Culicidae', confidence: 0.9 },
      genus: { taxon: 'Aedes', confidence: 0.8 },
      species: { taxon: 'Aedes albopictus', confidence: 0.5 },
    };
    const identification = { group: 'mosquito' as const, lifeStage: 'adult', committedLevel: 'genus' as IdentificationLevel, levels };
    const genera = new Set(['Aedes', 'Culex', 'Anopheles']);
    expect(judgeLevels(identification, { group: 'mosquito', lifeStage: 'adult', taxon: 'Aedes aegypti' }, genera).levels).toEqual({
      group: answer(0.9, true),
      genus: answer(0.8, true),
      species: answer(0.5, false),
    });
    // A genus-only label says nothing about the species; a family label nothing about the genus.
    expect(judgeLevels(identification, { group: 'mosquito', lifeStage: 'adult', taxon: 'Culex' }, genera).levels).toMatchObject({
      genus: answer(0.8, false),
      species: answer(0.5, null),
    });
    expect(judgeLevels(identification, { group: 'mosquito', lifeStage: 'adult', taxon: 'Culicidae' }, genera).levels).toEqual({
      group: answer(0.9, true),
      genus: answer(0.8, null),
      species: answer(0.5, null),
    });
    // A species named for a photo of a rat is wrong, though the rat's label names no species.
    expect(judgeLevels(identification, { group: 'rodent', lifeStage: null, taxon: 'Rodentia' }, genera).levels).toEqual({
      group: answer(0.9, false),
      genus: answer(0.8, false),
      species: answer(0.5, false),
    });
  });
});
