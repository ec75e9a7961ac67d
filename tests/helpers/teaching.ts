import { expect } from 'vitest';
import type { Specimen } from '../../api/contract/index.js';
import { as } from './client.js';
import { addUsers, aiAnswer, triagedSpecimen } from './review.js';
import type { TestApp } from './test-app.js';

/**
 * The experts who review the specimens of each demo port: the district's, then a second one for the decisions that
 * need two (watch-list taxa, first records). Shanghai has no demo expert of its own: `expert.shanghai` is added.
 */
const REVIEWERS: Record<string, readonly [string, string]> = {
  'CNNGB-BL': ['expert.ningbo', 'expert.hq'],
  'CNNGB-LS': ['expert.ningbo', 'expert.hq'],
  'CNSHA-YS': ['expert.shanghai', 'expert.hq'],
};

export interface ConfirmedSpecimenOptions {
  portCode: keyof typeof REVIEWERS;
  /** The taxon experts confirm. */
  taxon: string;
  /** What the AI answered first (default: the same taxon); another taxon makes the expert correct it. */
  aiTaxon?: string;
  notes?: string;
  lifeStage?: 'adult' | 'larva' | 'pupa' | 'nymph' | 'egg';
  /** The photo submitted (default: a plain test JPEG). */
  photo?: Buffer;
}

/**
 * A specimen confirmed as real ones are: submitted with a photo by the port's staff, answered by the AI with low
 * confidence (so triage sends it to review), then named by the district's expert with their notes —
 * and by a second expert where the taxon is watched. The specimen as it then is.
 */
export async function confirmedSpecimen(t: TestApp, options: ConfirmedSpecimenOptions): Promise<Specimen> {
  const { portCode, taxon, aiTaxon = taxon, notes, lifeStage = 'adult', photo } = options;
  if (portCode === 'CNSHA-YS' && !(await t.repositories.users.findByUsername('expert.shanghai')))
    await addUsers(t, [['expert.shanghai', 'expert', 'SHANGHAI']]);
  const submitter = await as(t, `staff.${portCode === 'CNNGB-BL' ? 'beilun' : portCode === 'CNNGB-LS' ? 'airport' : 'yangshan'}`);
  const triaged = await triagedSpecimen(t, submitter, portCode, aiAnswer(aiTaxon, 0.41, { lifeStage }), undefined, photo);
  let specimen = triaged;
  for (const reviewer of REVIEWERS[portCode]!) {
    const expert = await as(t, reviewer);
    // Named rather than confirmed: the identify job's own answer for the drawn photo may land after the test's.
    const body = { decision: 'correct' as const, taxon, lifeStage, ...(notes ? { notes } : {}) };
    const response = await expert.reviewSpecimen({ params: { id: triaged.id }, body });
    expect(response.statusCode, response.body).toBe(201);
    specimen = response.json().specimen;
    if (response.json().outcome === 'confirmed') return specimen;
  }
  expect(specimen.status, `specimen ${specimen.id} was not confirmed`).toBe('confirmed');
  return specimen;
}
