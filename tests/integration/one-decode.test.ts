import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OnnxClassifier } from '../../inference/classifier.js';
import { ImageBatch } from '../../inference/identifier.js';
import { InferencePool } from '../../inference/inference-pool.js';
import { loadModelPackage } from '../../inference/model-package.js';
import { measurePhoto } from '../../inference/photo-measures.js';
import { decodePhoto, normalise, pixelsFor } from '../../inference/preprocessing.js';
import { jpegImage, noisyJpeg } from '../helpers/images.js';
import { MODELS_DIR, newestPackageDir } from '../helpers/models.js';

describe('each photo is decoded once for the intake and every model of the chain (real models, real threads)', () => {
  let directory: string;
  let group: OnnxClassifier;
  let larvaRefiner: OnnxClassifier;

  beforeAll(async () => {
    directory = await mkdtemp(path.join(os.tmpdir(), 'vectordesk-one-decode-'));
    const load = async (name: string) =>
      OnnxClassifier.load(await loadModelPackage(await newestPackageDir(name)), { intraOpNumThreads: 1 });
    [group, larvaRefiner] = await Promise.all([load('vector-group'), load('larva-genus')]);
  });

  afterAll(async () => {
    await Promise.all([group, larvaRefiner].map((classifier) => classifier?.release()));
    await rm(directory, { recursive: true, force: true });
  });

  it('resamples a refiner input of another size, and the measures, from the first decode (the file is gone by then)', async () => {
    expect(larvaRefiner.card.input.size).not.toBe(group.card.input.size);
    const photo = await noisyJpeg(1600, 1200);
    const file = path.join(directory, 'photo.jpg');
    await writeFile(file, photo);
    const batch = new ImageBatch([[file]], [true]);
    const [groupTensor] = await batch.tensors(group, [[0, 0]]);
    await rm(file);

    const [refinerTensor] = await batch.tensors(larvaRefiner, [[0, 0]]);
    const measures = await batch.measuresOf([[0, 0]]);
    const decoded = await decodePhoto(photo);
    const input = larvaRefiner.card.input;
    expect(groupTensor).toEqual(normalise(await pixelsFor(decoded, group.card.input), group.card.input));
    expect(refinerTensor).toEqual(normalise(await pixelsFor(decoded, input), input));
    expect(measures.get('0/0')).toEqual(await measurePhoto(decoded));
    expect(measures.get('0/0')!.quality.shortSide).toBe(1200);
  });

  it('decodes a photo to at most 512 px while keeping its own shorter side for the quality gate', async () => {
    const decoded = await decodePhoto(await noisyJpeg(2400, 1800));
    expect([decoded.width, decoded.height, decoded.channels, decoded.shortSide]).toEqual([512, 384, 3, 1800]);
  });

  it('answers the intake measures only for the specimens that ask for them', async () => {
    const pool = await InferencePool.start({ modelsDir: MODELS_DIR, threads: 1, intraOpNumThreads: 1, maxDelayMs: 20 });
    try {
      const [measured, plain] = await Promise.all([
        pool.identify([[await jpegImage(3, 200, 150)]], { measure: true }),
        pool.identify([[await jpegImage(4, 200, 150)]]),
      ]);
      const [image] = measured[0]!.images;
      if (!image || 'error' in image) throw new Error('the image was not identified');
      expect(image.measures).toEqual(await measurePhoto(await decodePhoto(await jpegImage(3, 200, 150))));
      expect(plain[0]!.images[0]).not.toHaveProperty('measures');
    } finally {
      await pool.close();
    }
  });

  it('shares a burst out between idle threads instead of queueing it behind one', async () => {
    const batches: number[] = [];
    const pool = await InferencePool.start({
      modelsDir: MODELS_DIR,
      threads: 2,
      intraOpNumThreads: 1,
      maxBatchImages: 16,
      maxDelayMs: 50,
      metrics: { batch: (images) => batches.push(images), queued: () => undefined },
    });
    try {
      const images = await Promise.all(Array.from({ length: 16 }, (_, seed) => jpegImage(seed + 1, 120, 90)));
      const outcomes = await Promise.all(images.map((image) => pool.identify([[image]])));
      expect(outcomes.every(([outcome]) => outcome && 'identification' in outcome)).toBe(true);
      expect(batches).toEqual([8, 8]);
    } finally {
      await pool.close();
    }
  });
});
