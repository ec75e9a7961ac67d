import { describe, expect, it } from 'vitest';
import { groupsAcrossSplits } from '../../datasets/leakage.js';
import { labelKey, MANIFEST_VERSION, parseManifest, SPLITS, type ImageRecord, type Manifest } from '../../datasets/manifest.js';
import { hammingDistance } from '../../datasets/perceptual-hash.js';
import { DEFAULT_SPLIT_OPTIONS, mulberry32, splitManifest, type SplitOptions } from '../../datasets/split.js';

// Split logic on hand-made records: hashes are random 64-bit strings (two are ~32 bits apart), and
// near-duplicates are made by flipping a few bits, so every case is exact. Real images: tests/integration.
const randomHash = mulberry32(7);
const hexWord = () =>
  Math.floor(randomHash() * 2 ** 32)
    .toString(16)
    .padStart(8, '0');

let counter = 0;
function image(overrides: Partial<ImageRecord> = {}): ImageRecord {
  counter += 1;
  return {
    path: `img/${String(counter).padStart(5, '0')}.jpg`,
    sha256: counter.toString(16).padStart(64, '0'),
    phash: hexWord() + hexWord(),
    width: 64,
    height: 48,
    group: 'mosquito',
    lifeStage: 'adult',
    taxon: 'Culex pipiens',
    common: null,
    source: 'test',
    licence: 'test',
    sourceItem: null,
    specimenId: null,
    split: null,
    ...overrides,
  };
}

function manifestOf(images: ImageRecord[]): Manifest {
  return parseManifest({
    name: 'synthetic',
    version: MANIFEST_VERSION,
    root: '.',
    createdAt: '2026-11-27T00:00:00.000Z',
    source: { format: 'labels_csv', mapping: null },
    skipped: [],
    splits: null,
    images,
  });
}

/** `hash` with its lowest `bits` bits inverted: exactly `bits` apart. */
function flipBits(hash: string, bits: number): string {
  const low = Number.parseInt(hash.slice(8), 16) ^ (2 ** bits - 1);
  return hash.slice(0, 8) + (low >>> 0).toString(16).padStart(8, '0');
}

const splitOf = (manifest: Manifest) => Object.fromEntries(manifest.images.map((record) => [record.path, record.split]));

/** 100 singleton mosquitoes, 40 singleton ticks, 30 rodents, 2 thin Aedes, and each kind of leakage. */
function mixedDataset() {
  const shared = image();
  const nearOriginal = image();
  const leaky = {
    sourceItem: [image({ sourceItem: 'photo-1' }), image({ sourceItem: 'photo-1' }), image({ sourceItem: 'photo-1' })],
    specimen: [image({ specimenId: 'spec-9' }), image({ specimenId: 'spec-9' })],
    exact: [shared, image({ sha256: shared.sha256 })],
    near: [nearOriginal, image({ phash: flipBits(nearOriginal.phash, 4) })],
  };
  const images = [
    ...Array.from({ length: 100 }, () => image()),
    ...Array.from({ length: 40 }, () => image({ group: 'tick', lifeStage: null, taxon: 'Ixodes scapularis' })),
    ...Array.from({ length: 30 }, () => image({ group: 'rodent', lifeStage: null, taxon: 'Rodentia' })),
    ...Array.from({ length: 2 }, () => image({ taxon: 'Aedes pullatus' })),
    ...Object.values(leaky).flat(),
  ];
  return { manifest: manifestOf(images), leaky };
}

describe('splitting a manifest', () => {
  it('is reproducible for a seed, independent of record order, and differs for another seed', () => {
    const { manifest } = mixedDataset();
    const first = splitOf(splitManifest(manifest, DEFAULT_SPLIT_OPTIONS).manifest);
    expect(splitOf(splitManifest(manifest, DEFAULT_SPLIT_OPTIONS).manifest)).toEqual(first);
    const reversed = { ...manifest, images: [...manifest.images].reverse() };
    expect(splitOf(splitManifest(reversed, DEFAULT_SPLIT_OPTIONS).manifest)).toEqual(first);
    expect(splitOf(splitManifest(manifest, { ...DEFAULT_SPLIT_OPTIONS, seed: 1 }).manifest)).not.toEqual(first);
  });

  it('keeps images sharing a source item, a specimen, bytes or a near-identical hash in one split', () => {
    const { manifest, leaky } = mixedDataset();
    for (const seed of [1, 2, 3, DEFAULT_SPLIT_OPTIONS.seed]) {
      const split = splitManifest(manifest, { ...DEFAULT_SPLIT_OPTIONS, seed }).manifest;
      const splits = splitOf(split);
      for (const members of Object.values(leaky)) expect(new Set(members.map((record) => splits[record.path])).size).toBe(1);
      expect(groupsAcrossSplits(split.images, DEFAULT_SPLIT_OPTIONS.nearDuplicateDistance)).toEqual([]);
    }
  });

  it('reports each merge once, under the first reason that made it', () => {
    const { manifest, leaky } = mixedDataset();
    const report = splitManifest(manifest, DEFAULT_SPLIT_OPTIONS);
    expect(report.merged).toEqual({
      source_item: { joins: 1, images: 3 },
      specimen: { joins: 1, images: 2 },
      exact_duplicate: { joins: 1, images: 2 },
      near_duplicate: { joins: 1, images: 2 },
    });
    expect(report.manifest.splits?.merged).toContainEqual({ reason: 'near_duplicate', items: leaky.near.map((record) => record.path) });
    expect(report.groupCount).toBe(manifest.images.length - 2 - 1 - 1 - 1);

    // Bytes shared within a source item add nothing: the photo was already one group.
    const [first, second] = [image({ sourceItem: 'p' }), image({ sourceItem: 'p' })];
    const redundant = splitManifest(manifestOf([first!, { ...second!, sha256: first!.sha256 }]), DEFAULT_SPLIT_OPTIONS);
    expect(redundant.manifest.splits?.merged.map((entry) => entry.reason)).toEqual(['source_item']);
  });

  it('treats the near-duplicate distance as inclusive', () => {
    const original = image();
    const images = [original, image({ phash: flipBits(original.phash, 6) })];
    expect(hammingDistance(images[0]!.phash, images[1]!.phash)).toBe(6);
    expect(splitManifest(manifestOf(images), { ...DEFAULT_SPLIT_OPTIONS, nearDuplicateDistance: 6 }).groupCount).toBe(1);
    expect(splitManifest(manifestOf(images), { ...DEFAULT_SPLIT_OPTIONS, nearDuplicateDistance: 5 }).groupCount).toBe(2);
  });

  it('stratifies by label: every label with three groups or more is in every split, near the fractions', () => {
    const { manifest } = mixedDataset();
    for (const seed of [1, 2, 3]) {
      const report = splitManifest(manifest, { ...DEFAULT_SPLIT_OPTIONS, seed });
      const byLabel = new Map<string, ImageRecord[]>();
      for (const record of report.manifest.images) byLabel.set(labelKey(record), [...(byLabel.get(labelKey(record)) ?? []), record]);
      for (const [label, records] of byLabel) {
        if (label === 'mosquito|adult|Aedes pullatus') continue;
        expect(new Set(records.map((record) => record.split)), label).toEqual(new Set(SPLITS));
      }
      const pipiens = byLabel.get('mosquito|adult|Culex pipiens')!;
      for (const split of SPLITS) {
        const count = pipiens.filter((record) => record.split === split).length;
        expect(Math.abs(count - pipiens.length * DEFAULT_SPLIT_OPTIONS.fractions[split]), split).toBeLessThanOrEqual(2);
      }
      expect(report.thinLabels).toEqual([{ label: 'mosquito|adult|Aedes pullatus', groups: 2 }]);
    }
  });

  it('reports groups whose images carry different labels', () => {
    const mosquito = image();
    const tick = image({ group: 'tick', lifeStage: null, taxon: 'Ixodes scapularis', phash: flipBits(mosquito.phash, 2) });
    const report = splitManifest(manifestOf([mosquito, tick, image()]), DEFAULT_SPLIT_OPTIONS);
    expect(report.mixedLabelGroups.map((members) => members.map((record) => record.path))).toEqual([[mosquito.path, tick.path]]);
  });

  it('leaves out splits with a zero fraction and refuses options it cannot honour', () => {
    const { manifest } = mixedDataset();
    const noTest: SplitOptions = { ...DEFAULT_SPLIT_OPTIONS, fractions: { train: 0.8, val: 0.2, test: 0 } };
    expect(splitManifest(manifest, noTest).manifest.images.some((record) => record.split === 'test')).toBe(false);
    expect(() => splitManifest(manifest, { ...DEFAULT_SPLIT_OPTIONS, fractions: { train: 0.7, val: 0.2, test: 0.2 } })).toThrow(
      /add up to 1/,
    );
    expect(() => splitManifest(manifest, { ...DEFAULT_SPLIT_OPTIONS, seed: -1 })).toThrow(/seed/);
    expect(() => splitManifest(manifest, { ...DEFAULT_SPLIT_OPTIONS, nearDuplicateDistance: 70 })).toThrow(/from 0 to 64 bits/);
  });
});
