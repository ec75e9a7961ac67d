import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const PYTHON = path.resolve('.venv/bin/python');
const INCEPTION = path.resolve('var/pretrained/nsfwjs/dist/models/inception_v3');
const REFERENCE = 'models/training/fixtures/nsfwjs-inception-v3-tfjs.json';

/** The decoder needs the training environment and the nsfwjs weights (scripts/setup-training-env.sh installs both). */
async function availability(): Promise<{ available: boolean; reason: string }> {
  if (!existsSync(PYTHON)) return { available: false, reason: `(skipped: no Python training environment at ${PYTHON})` };
  if (!existsSync(INCEPTION)) return { available: false, reason: `(skipped: no nsfwjs InceptionV3 weights at ${INCEPTION})` };
  try {
    await run(PYTHON, ['-c', 'import torch, numpy']);
    return { available: true, reason: '' };
  } catch (error) {
    return { available: false, reason: `(skipped: PyTorch is not importable: ${(error as Error).message.split('\n')[0]})` };
  }
}

const env = await availability();

describe.skipIf(!env.available)(`the InceptionV3 decoded from nsfwjs computes what TF.js computes ${env.reason}`, () => {
  it('pooled mixed10 features within 1e-4 and the 5-class probabilities within 1e-5 of the recorded TF.js outputs', async () => {
    const { stdout } = await run(PYTHON, ['models/training/nsfwjs_inception_v3.py', INCEPTION, '--check', REFERENCE], {
      maxBuffer: 16 * 1024 * 1024,
    });
    const result = JSON.parse(stdout) as { featuresMaxAbsDiff: number; featuresMaxAbs: number; probabilitiesMaxAbsDiff: number };
    // A wrong padding, channel order or pooling rule moves features by far more than the TF.js float32 rounding.
    expect(result.featuresMaxAbs).toBeGreaterThan(0.1);
    expect(result.featuresMaxAbsDiff).toBeLessThanOrEqual(1e-4);
    expect(result.probabilitiesMaxAbsDiff).toBeLessThanOrEqual(1e-5);
  }, 180_000);
});
