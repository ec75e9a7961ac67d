import { expect } from 'vitest';
import type { VectorDeskApp } from '../../api/app.js';
import type { Specimen } from '../../api/contract/index.js';
import type { AiAnswer } from '../../api/domain/identification.js';
import type { AiRun } from '../../api/repositories/identification.repository.js';
import { hashPassword } from '../../api/services/password-hash-pool.js';
import type { Client } from './client.js';
import { jpegImage } from './images.js';
import { DEMO_PASSWORD, type TestApp } from './test-app.js';
import { uploadSpecimen, validMetadata } from './uploads.js';

/** An AI answer as the models give one, for a taxon (a test's own answer: which taxa a drawn image gets is the models' business). */
export function aiAnswer(taxon: string, confidence: number, overrides: Partial<AiAnswer> = {}): AiAnswer {
  const species = taxon.includes(' ');
  return {
    group: 'mosquito',
    lifeStage: 'adult',
    taxon,
    confidence,
    rejected: false,
    committedLevel: species ? 'species' : 'genus',
    levels: {
      group: { taxon: 'Culicidae', confidence: 1 },
      genus: { taxon: taxon.split(' ')[0]!, confidence },
      species: species ? { taxon, confidence } : null,
    },
    topK: [{ taxon, p: confidence }],
    model: 'mosquito-genus@2026.11.27',
    models: ['vector-group@2026.11.27', 'mosquito-genus@2026.11.27'],
    ...overrides,
  };
}

let runs = 0;

/**
 * Stores `answer` as the specimen's identification exactly as the identify job does — the run and its triage in one
 * transaction — so triage and review can be tested on answers the test chooses.
 */
export async function recordIdentification(
  t: Pick<VectorDeskApp, 'repositories' | 'services'>,
  specimenId: string,
  answer: AiAnswer,
  shadow?: AiAnswer,
): Promise<void> {
  runs += 1;
  const run: AiRun = {
    modelKey: `test-run-${runs}`,
    answer,
    timings: { queueMs: 1, preprocessMs: 1, inferenceMs: 1, batchImages: 1 },
    images: [],
    shadow: shadow && { modelKey: `test-shadow-${runs}`, answer: shadow },
  };
  await t.repositories.identifications.recordRun(specimenId, run, (trx) => t.services.triage.identified(trx, specimenId, run));
}

/**
 * Submits a specimen at `portCode` as `client` (with `photo`, by default a plain test JPEG) and stores `answer` as its
 * identification; the specimen as it then is.
 */
export async function triagedSpecimen(
  t: TestApp,
  client: Client,
  portCode: string,
  answer: AiAnswer,
  shadow?: AiAnswer,
  photo?: Buffer,
): Promise<Specimen> {
  const data = photo ?? (await jpegImage());
  const response = await uploadSpecimen(client, validMetadata({ portCode }), [{ name: 'specimen.jpg', data }]);
  expect(response.statusCode, response.body).toBe(201);
  const { id } = response.json();
  await recordIdentification(t, id, answer, shadow);
  return (await client.getSpecimen({ params: { id } })).json();
}

/** Adds demo-password users (username, role, unit code) the demo organisation lacks. */
export async function addUsers(t: TestApp, users: readonly [username: string, role: 'expert' | 'staff' | 'trainee', unitCode: string][]) {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  for (const [username, role, unitCode] of users) {
    const unit = await t.repositories.organisation.findUnitByCode(unitCode);
    if (!unit) throw new Error(`no unit ${unitCode}`);
    await t.repositories.users.create({ username, passwordHash, displayName: username, role, unitId: unit.id });
  }
}
