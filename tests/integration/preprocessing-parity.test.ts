import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OnnxClassifier } from '../../inference/classifier.js';
import { loadModelPackage } from '../../inference/model-package.js';
import { modelPixels, normalise, preparedPng } from '../../inference/preprocessing.js';
import { jpegImage, pngImage } from '../helpers/images.js';
import { newestPackageDir } from '../helpers/models.js';

const run = promisify(execFile);
const PYTHON = path.resolve('.venv/bin/python');

/** Whether the training environment (PyTorch) is installed: `.ci/run` installs it; without it the test says so. */
async function torchAvailability(): Promise<{ available: boolean; reason: string }> {
  if (!existsSync(PYTHON))
    return { available: false, reason: `no Python training environment at ${PYTHON} (see models/training/README.md)` };
  try {
    await run(PYTHON, ['-c', 'import torch, numpy']);
    return { available: true, reason: '' };
  } catch (error) {
    return { available: false, reason: `PyTorch is not importable from ${PYTHON}: ${(error as Error).message.split('\n')[0]}` };
  }
}

const torch = await torchAvailability();

/** Images a port user might send: a landscape JPEG turned by EXIF, a portrait one, a PNG with transparency, a tiny one. */
async function generatedImages(): Promise<Buffer[]> {
  const withAlpha = await sharp({ create: { width: 90, height: 60, channels: 4, background: { r: 200, g: 40, b: 90, alpha: 0.5 } } })
    .png()
    .toBuffer();
  return [await jpegImage(11, 300, 200, { orientation: 6 }), await jpegImage(12, 150, 260), withAlpha, await pngImage(13, 20, 20)];
}

describe.skipIf(!torch.available)(`training and serving see the same tensors and give the same outputs ${torch.reason}`, () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'vectordesk-parity-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  for (const name of ['vector-group', 'tick-species']) {
    it(`${name}: Node tensor = trainer tensor (1e-3), onnxruntime-node logits = PyTorch logits (1e-4)`, async () => {
      const packageDir = await newestPackageDir(name);
      const classifier = await OnnxClassifier.load(await loadModelPackage(packageDir));
      const { input } = classifier.card;
      const pngDir = path.join(dir, name);
      await mkdir(pngDir);
      const nodeTensors: Float32Array[] = [];
      for (const [index, image] of (await generatedImages()).entries()) {
        const pixels = await modelPixels(image, input);
        // Exactly what `npm run datasets:prepare` writes for the trainer.
        await writeFile(path.join(pngDir, `${index}.png`), await preparedPng(pixels, input.size));
        nodeTensors.push(normalise(pixels, input));
      }
      const out = path.join(dir, `${name}.json`);
      await run(PYTHON, ['models/training/parity.py', packageDir, pngDir, out], { maxBuffer: 64 * 1024 * 1024 });
      const trainer = JSON.parse(await readFile(out, 'utf8')) as { files: string[]; tensors: number[][]; logits: number[][] };
      expect(trainer.files.map((file) => path.basename(file))).toEqual(nodeTensors.map((_, index) => `${index}.png`));

      const onnxLogits = await classifier.logits(nodeTensors);
      for (const [index, tensor] of nodeTensors.entries()) {
        expect(maxAbsDifference(tensor, trainer.tensors[index]!)).toBeLessThanOrEqual(1e-3);
        expect(maxAbsDifference(onnxLogits[index]!, trainer.logits[index]!)).toBeLessThanOrEqual(1e-4);
      }
      await classifier.release();
    });
  }
});

function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let index = 0; index < a.length; index += 1) max = Math.max(max, Math.abs(a[index]! - b[index]!));
  return max;
}
