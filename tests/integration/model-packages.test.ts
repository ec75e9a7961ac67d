import { cp, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { taxonomy } from '../../datasets/taxonomy.js';
import { VectorIdentifier } from '../../inference/identifier.js';
import { OnnxClassifier } from '../../inference/classifier.js';
import { findModelPackageDirs, loadModelPackage, ModelPackageError } from '../../inference/model-package.js';
import { jpegImage, pngImage, truncatedJpeg } from '../helpers/images.js';
import { MODELS_DIR, newestPackageDir } from '../helpers/models.js';

const GROUPS = ['mosquito', 'tick', 'rodent', 'flea', 'cockroach', 'fly', 'not_vector'];

describe('committed model packages', () => {
  it('each loads, matches its sha256, stays under 20 MB and names only known taxa', async () => {
    const packages = await findModelPackageDirs(MODELS_DIR);
    expect([...packages.keys()].sort()).toEqual(['larva-genus', 'mosquito-genus', 'mosquito-species', 'tick-species', 'vector-group']);
    for (const [, versions] of packages) {
      const modelPackage = await loadModelPackage(versions[0]!);
      expect((await stat(modelPackage.onnxPath)).size).toBeLessThanOrEqual(20 * 1024 * 1024);
      for (const label of modelPackage.card.labels) {
        expect(taxonomy.get(label.taxon), `${modelPackage.ref}: ${label.taxon}`).toBeDefined();
      }
      expect(await readFile(path.join(modelPackage.directory, 'MODEL_CARD.md'), 'utf8')).toMatch(/known gaps/i);
    }
  });

  describe('verification', () => {
    let copy: string;
    beforeAll(async () => {
      copy = await mkdtemp(path.join(os.tmpdir(), 'vectordesk-package-'));
      await cp(await newestPackageDir('tick-species'), copy, { recursive: true });
    });
    afterAll(() => rm(copy, { recursive: true, force: true }));

    it('refuses a model file that differs from its card by one byte', async () => {
      const onnx = await readFile(path.join(copy, 'model.onnx'));
      onnx[onnx.length - 10] = onnx[onnx.length - 10]! ^ 0xff;
      await writeFile(path.join(copy, 'model.onnx'), onnx);
      await expect(loadModelPackage(copy)).rejects.toThrow(/sha256 .* does not match/);
    });

    it('refuses a missing model file and an invalid card, naming the problem', async () => {
      await rm(path.join(copy, 'model.onnx'));
      await expect(loadModelPackage(copy)).rejects.toThrow(ModelPackageError);
      await expect(loadModelPackage(copy)).rejects.toThrow(/model.onnx is missing/);
      const card = JSON.parse(await readFile(path.join(copy, 'model.json'), 'utf8')) as Record<string, unknown>;
      await writeFile(path.join(copy, 'model.json'), JSON.stringify({ ...card, calibration: { temperature: -1 } }));
      await expect(loadModelPackage(copy)).rejects.toThrow(/calibration/);
    });
  });
});

describe('identification chain on the committed models', () => {
  let identifier: VectorIdentifier;
  beforeAll(async () => {
    identifier = await VectorIdentifier.fromModelsDir(MODELS_DIR, { intraOpNumThreads: 1 });
  });
  afterAll(async () => {
    await Promise.all(identifier.classifiers.map((classifier) => classifier.release()));
  });

  it('wires every refining model under the group label it refines, a replaced one left out', () => {
    const groupLabels = identifier.groupModel.card.labels.map((label) => label.id);
    expect([...identifier.refiners.keys()].sort()).toEqual(['mosquito.adult', 'mosquito.larva', 'tick']);
    for (const parent of identifier.refiners.keys()) expect(groupLabels).toContain(parent);
    expect(identifier.refiners.get('mosquito.adult')?.card).toMatchObject({ name: 'mosquito-species', replaces: 'mosquito-genus' });
  });

  it('refuses two refiners of one label when neither replaces the other', async () => {
    const genus = await OnnxClassifier.load(await loadModelPackage(await newestPackageDir('mosquito-genus')), { intraOpNumThreads: 1 });
    const again = await OnnxClassifier.load(await loadModelPackage(await newestPackageDir('mosquito-genus')), { intraOpNumThreads: 1 });
    try {
      expect(() => VectorIdentifier.fromClassifiers([identifier.groupModel, genus, again])).toThrow(
        /mosquito-genus@[\w.]+ and mosquito-genus@[\w.]+ both refine "mosquito.adult"/,
      );
    } finally {
      await Promise.all([genus.release(), again.release()]);
    }
  });

  it('answers with a valid, calibrated identification for any image', async () => {
    const result = await identifier.identify([await jpegImage(3, 200, 150)]);
    expect(GROUPS).toContain(result.group);
    expect(result.confidence).toBeGreaterThan(0);
    expect(result.confidence).toBeLessThanOrEqual(1);
    expect(result.topK.length).toBeGreaterThan(0);
    expect(result.topK.map((entry) => entry.p)).toEqual([...result.topK.map((entry) => entry.p)].sort((a, b) => b - a));
    if (result.rejected) expect(result.taxon).toBe('unknown');
    else expect(taxonomy.get(result.taxon)).toBeDefined();
  });

  it('gives the same answer for the same image, alone or with itself', async () => {
    const image = await pngImage(9, 120, 90);
    const once = await identifier.identify([image]);
    const twice = await identifier.identify([image, image]);
    expect(twice.taxon).toBe(once.taxon);
    expect(twice.confidence).toBeCloseTo(once.confidence, 5);
  });

  it('fails only the unreadable image of a specimen, and a specimen with no readable image', async () => {
    const [mixed, broken] = await identifier.identifySpecimens([
      [await jpegImage(4), await truncatedJpeg()],
      [Buffer.from('not an image')],
    ]);
    expect(mixed && 'identification' in mixed && mixed.failedImages.map((failure) => failure.index)).toEqual([1]);
    expect(broken && 'error' in broken).toBe(true);
  });
});
