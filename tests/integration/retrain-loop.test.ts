import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RetrainOutcome } from '../../inference/retrain/retrain.js';
import { loadModelPackage } from '../../inference/model-package.js';
import { scanModels } from '../../inference/model-registry.js';
import { runCli } from '../helpers/cli.js';
import { generatedTickManifest, trainingAvailability, trainTickModel } from '../helpers/training.js';

const training = await trainingAvailability();

/** The trainer's fast settings for generated 48 px photos: 32 px, the small network from scratch, no weight averaging. */
const FAST = ['--size', '32', '--backbone', 'vectornet', '--set', 'ema_epochs=0'];

describe.skipIf(!training.available)(`models:retrain: snapshot + base -> train -> evaluate -> gate -> register ${training.reason}`, () => {
  let dir: string;
  let modelsDir: string;
  let base: string;
  let snapshot: string;
  const retrainCli = (args: string[]) =>
    runCli('inference/cli/retrain.ts', [
      '--model',
      'tick-species',
      '--snapshot',
      snapshot,
      '--base',
      base,
      '--models-dir',
      modelsDir,
      ...FAST,
      ...args,
    ]);

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'vectordesk-retrain-'));
    modelsDir = path.join(dir, 'models');
    base = await generatedTickManifest(dir, 'generated-base', 15, 1);
    snapshot = await generatedTickManifest(dir, 'generated-snapshot', 10, 2);
    // The version serving now learned nothing (learning rate 0): real training on the same data beats it.
    await trainTickModel(base, modelsDir, '2026.1.1', ['lr=0', 'finetune_lr=0', 'max_epochs=1', 'min_epochs=1']);
  }, 120_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('registers a candidate that passes the gate, with its lineage in model.json and its card; the registry verifies it', async () => {
    const result = await retrainCli(['--max-epochs', '4', '--version', '2026.2.1', '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('training epoch 4/4');
    const outcome = JSON.parse(result.stdout) as RetrainOutcome;
    expect(outcome).toMatchObject({
      candidate: 'tick-species@2026.2.1',
      parent: 'tick-species@2026.1.1',
      gate: { passed: true, failures: [] },
    });
    expect(outcome.gate.candidate.examples).toBe(3 * (3 + 2));

    const directory = path.join(modelsDir, 'tick-species', '2026.2.1');
    expect(outcome.registered).toBe(directory);
    const card = JSON.parse(await readFile(path.join(directory, 'model.json'), 'utf8')) as {
      training: Record<string, unknown>;
      provenance: Record<string, unknown>;
    };
    const sha256 = async (file: string) =>
      createHash('sha256')
        .update(await readFile(file))
        .digest('hex');
    expect(card.training).toMatchObject({
      snapshots: [{ name: 'generated-snapshot', manifestSha256: await sha256(snapshot) }],
      base: [{ name: 'generated-base', manifestSha256: await sha256(base) }],
      parent: 'tick-species@2026.1.1',
      gate: { margin: 0.02, passed: true },
    });
    // What the trainer itself wrote stays.
    // The candidate continued from the version it retrains, head included (same labels).
    expect(card.provenance).toMatchObject({
      backbone: 'vectornet',
      manifest: expect.stringContaining('manifest.json'),
      initialisedFrom: 'tick-species@2026.1.1',
    });
    const modelCard = await readFile(path.join(directory, 'MODEL_CARD.md'), 'utf8');
    expect(modelCard).toContain('## Lineage and gate');
    expect(modelCard).toContain('`generated-snapshot`');
    expect(modelCard).toContain('Measured against `tick-species@2026.1.1`');
    expect(modelCard).toContain('continued from `tick-species@2026.1.1`, the version this one retrains');
    expect((await loadModelPackage(directory)).ref).toBe('tick-species@2026.2.1');
    const registered = (await scanModels(modelsDir)).find((model) => model.ref === 'tick-species@2026.2.1');
    expect(registered).toMatchObject({ verified: true, error: null });
  }, 120_000);

  it('refuses a worse candidate: nothing registered, exit status 1, the failing classes named with how much they lost', async () => {
    // Against the version just registered (now the newest), a candidate that learned nothing: trained afresh
    // (continuing from that version with a learning rate of 0 would tie it, and ties pass).
    const result = await retrainCli(['--fresh', '--max-epochs', '1', '--set', 'lr=0', '--set', 'finetune_lr=0', '--version', '2026.3.1']);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toContain('tick-species@2026.3.1 against tick-species@2026.2.1');
    expect(result.stdout).toContain('non-regression gate: FAILED; nothing registered');
    expect(result.stdout).toMatch(
      /recall of (Amblyomma americanum|Dermacentor variabilis|Ixodes scapularis) \d+\.\d % < \d+\.\d % − 2\.0 % \(-\d+\.\d %\)/,
    );
    expect(existsSync(path.join(modelsDir, 'tick-species', '2026.3.1'))).toBe(false);
    expect((await scanModels(modelsDir)).map((model) => model.version)).toEqual(['2026.2.1', '2026.1.1']);
  }, 120_000);

  it('says what is wrong with its arguments (exit status 2) and with its data (exit status 3)', async () => {
    expect((await runCli('inference/cli/retrain.ts', ['--snapshot', snapshot])).stderr).toContain('give the model to retrain');
    const badMargin = await retrainCli(['--margin', '2']);
    expect([badMargin.code, badMargin.stderr]).toEqual([2, expect.stringContaining('--margin must be between 0 and 1')]);
    const unknown = await runCli('inference/cli/retrain.ts', ['--model', 'flea-species', '--base', base, '--models-dir', modelsDir]);
    expect([unknown.code, unknown.stderr]).toEqual([3, expect.stringContaining('no usable version of flea-species')]);
  });
});
