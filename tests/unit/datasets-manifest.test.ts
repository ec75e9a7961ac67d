import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { labelKey, manifestRoot, parseManifest, readManifest, writeManifest, type Manifest } from '../../datasets/manifest.js';
import { DataProblems } from '../../datasets/validation.js';

const validManifest = (): Manifest => ({
  name: 'round-trip',
  version: 1,
  root: '../photos',
  createdAt: '2026-11-27T08:00:00.000Z',
  source: { format: 'folder_per_class', mapping: '../mappings/lab.json' },
  skipped: [{ path: 'ticks/broken.jpg', reason: 'VipsJpeg: premature end of JPEG file' }],
  splits: {
    seed: 20261127,
    fractions: { train: 0.7, val: 0.15, test: 0.15 },
    nearDuplicateDistance: 6,
    merged: [{ reason: 'near_duplicate', items: ['mosquitoes/a.jpg', 'mosquitoes/b.jpg'] }],
  },
  images: [
    {
      path: 'mosquitoes/a.jpg',
      sha256: 'a'.repeat(64),
      phash: '0123456789abcdef',
      width: 640,
      height: 480,
      group: 'mosquito',
      lifeStage: 'adult',
      taxon: 'Aedes albopictus',
      common: 'tiger mosquito',
      source: 'lab',
      licence: 'internal',
      sourceItem: null,
      specimenId: null,
      split: 'train',
    },
    {
      path: 'mosquitoes/b.jpg',
      sha256: 'b'.repeat(64),
      phash: '0123456789abcdee',
      width: 320,
      height: 240,
      group: 'mosquito',
      lifeStage: 'adult',
      taxon: 'Aedes albopictus',
      common: null,
      source: 'lab',
      licence: 'internal',
      sourceItem: null,
      specimenId: null,
      split: 'train',
    },
    {
      // A record exported from a confirmed specimen: same shape, tied to the specimen.
      path: 'specimens/3f2c.jpg',
      sha256: 'c'.repeat(64),
      phash: 'fedcba9876543210',
      width: 1024,
      height: 768,
      group: 'rodent',
      lifeStage: null,
      taxon: 'Rattus norvegicus',
      common: null,
      source: 'vectordesk',
      licence: 'internal',
      sourceItem: null,
      specimenId: '3f2c0b7e-5d1a-4e8b-9a47-1c2d3e4f5a6b',
      split: 'test',
    },
  ],
});

function problemsOf(manifest: unknown): readonly string[] {
  try {
    parseManifest(manifest);
  } catch (error) {
    if (error instanceof DataProblems) return error.problems;
    throw error;
  }
  throw new Error('expected the manifest to be refused');
}

describe('dataset manifest', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'vectordesk-manifest-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('round-trips through a file, one image per line, with the root resolved against the manifest file', async () => {
    const file = path.join(dir, 'manifests', 'round-trip.json');
    await writeManifest(file, validManifest());
    const read = await readManifest(file);
    expect(read).toEqual(validManifest());
    expect(manifestRoot(file, read)).toBe(path.join(dir, 'photos'));
    const lines = (await readFile(file, 'utf8')).split('\n');
    expect(lines.filter((line) => line.includes('"sha256"'))).toHaveLength(3);
  });

  it('names labels by group, life stage and taxon', () => {
    const [adult, , rat] = validManifest().images;
    expect([labelKey(adult!), labelKey(rat!)]).toEqual(['mosquito|adult|Aedes albopictus', 'rodent||Rattus norvegicus']);
  });

  it('lists every problem of a malformed manifest', () => {
    const manifest = validManifest();
    const [first, second, third] = manifest.images;
    Object.assign(first!, { sha256: 'xyz', phash: '123', lifeStage: 'unknown' });
    Object.assign(second!, { extra: true });
    Object.assign(third!, { split: 'holdout' });
    expect(problemsOf(manifest)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\/images\/0\/sha256 must match pattern/),
        expect.stringMatching(/^\/images\/0\/phash must match pattern/),
        '/images/0/lifeStage must be one of egg, larva, pupa, nymph, adult or null',
        expect.stringMatching(/^\/images\/1 must not have additional properties: extra/),
        '/images/2/split must be one of train, val, test or null',
      ]),
    );
  });

  it('checks paths, taxa and splits against each other and the taxonomy', () => {
    const manifest = validManifest();
    manifest.root = '/data/photos';
    const [first, second, third] = manifest.images;
    Object.assign(first!, { taxon: 'Aedes imaginarius' });
    Object.assign(second!, { path: '../outside.jpg' });
    Object.assign(third!, { taxon: 'Culex pipiens', split: null });
    manifest.images.push({ ...third!, taxon: 'Rattus rattus', split: 'val' });
    manifest.splits!.fractions.test = 0.2;
    expect(problemsOf(manifest)).toEqual([
      'root "/data/photos" must be relative to the manifest file, with / separators',
      'mosquitoes/a.jpg: taxon Aedes imaginarius is not in the taxonomy',
      '../outside.jpg: path must be relative to root, with / separators and no . or .. parts',
      'specimens/3f2c.jpg: taxon Culex pipiens is a mosquito, not a rodent',
      'specimens/3f2c.jpg: listed twice',
      'split fractions add up to 1.05, not 1',
      '1 image without a split, although the manifest has been split',
      'merged (near_duplicate) names mosquitoes/b.jpg, which is not an image of the manifest',
    ]);
  });

  it('refuses splits on images of a manifest that has no split plan', () => {
    expect(problemsOf({ ...validManifest(), splits: null })).toEqual(['3 images with a split, but the manifest has no "splits" plan']);
  });

  it('never writes an invalid manifest', async () => {
    const file = path.join(dir, 'bad.json');
    await expect(writeManifest(file, { ...validManifest(), name: '../escape' })).rejects.toThrow(DataProblems);
    await expect(stat(file)).rejects.toThrow();
  });

  it('reports a file that is not JSON by name', async () => {
    const file = path.join(dir, 'missing.json');
    await expect(readManifest(file)).rejects.toThrow(file);
  });
});

describe('manifest life stages', () => {
  it("are the API's specimen life stages, with unknown written as null", async () => {
    const { LIFE_STAGES } = await import('../../api/domain/vocabulary.js');
    const { MANIFEST_LIFE_STAGES } = await import('../../datasets/manifest.js');
    expect([...MANIFEST_LIFE_STAGES, 'unknown'].sort()).toEqual([...LIFE_STAGES].sort());
  });
});
