import { createHash } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groupsAcrossSplits } from '../../datasets/leakage.js';
import { readManifest } from '../../datasets/manifest.js';
import { hammingDistance } from '../../datasets/perceptual-hash.js';
import {
  readSnapshot,
  removeSnapshotFolder,
  SnapshotExists,
  writeSnapshot,
  type SnapshotOptions,
  type SnapshotSpecimen,
} from '../../datasets/snapshot.js';
import { DataProblems } from '../../datasets/validation.js';
import { gridPhoto, reencoded } from '../helpers/images.js';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('dataset snapshots', () => {
  let dir: string;
  let store: string;
  let specimens: SnapshotSpecimen[];
  const options = (name: string, overrides: Partial<SnapshotOptions> = {}): SnapshotOptions => ({
    name,
    snapshotsDir: path.join(dir, 'snapshots'),
    licence: 'lab photo',
    specimens,
    filters: { taxa: ['Culicidae'] },
    createdBy: null,
    ...overrides,
  });
  const storePhoto = async (bytes: Buffer) => {
    const file = path.join(store, sha256(bytes));
    await writeFile(file, bytes);
    return { sha256: sha256(bytes), format: 'jpeg', file };
  };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'vectordesk-snapshot-'));
    store = path.join(dir, 'store');
    await mkdir(store);
    const taxa = ['Aedes albopictus', 'Culex pipiens', 'Anopheles sinensis'];
    specimens = [];
    // Twelve specimens of three taxa, three photos each; the last photo of specimen 0 is also, re-encoded, specimen 1's.
    for (let index = 0; index < 12; index += 1) {
      const photos = [];
      for (let photo = 0; photo < 3; photo += 1) photos.push(await storePhoto(await gridPhoto(index * 10 + photo + 1)));
      specimens.push({
        specimenId: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
        taxon: taxa[index % 3]!,
        lifeStage: 'adult',
        unit: index % 2 ? 'NINGBO' : 'SHANGHAI',
        port: 'CNNGB-BL',
        confirmedBy: 'expert.ningbo',
        confirmedAt: `2026-11-${String(index + 1).padStart(2, '0')}T08:00:00.000Z`,
        photos,
      });
    }
    specimens[1]!.photos = [...specimens[1]!.photos, await storePhoto(await reencoded(await gridPhoto(3)))];
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('writes a split, read-only snapshot whose hashes verify, with no specimen and no near-duplicate across splits', async () => {
    const written = await writeSnapshot(options('mosquitoes-v1'));
    expect(written.summary).toEqual({
      name: 'mosquitoes-v1',
      manifestSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      images: 37,
      specimens: 12,
    });
    expect(await readSnapshot(written.folder)).toEqual(written.summary);
    const manifest = await readManifest(path.join(written.folder, 'manifest.json'));
    expect(manifest.source.format).toBe('confirmed_specimens');
    expect(manifest.images.every((image) => image.licence === 'lab photo' && image.specimenId !== null && image.split !== null)).toBe(true);
    expect(manifest.images.find((image) => image.specimenId === specimens[1]!.specimenId)?.source).toBe('NINGBO');
    // Leak-free by specimen…
    for (const specimen of specimens) {
      const splits = new Set(manifest.images.filter((image) => image.specimenId === specimen.specimenId).map((image) => image.split));
      expect(splits.size, specimen.specimenId).toBe(1);
    }
    // …and by near-duplicate: the re-encoded photo ties specimens 0 and 1 together.
    const original = await gridPhoto(3);
    const copy = await reencoded(original);
    const near = manifest.images.filter((image) => image.sha256 === sha256(original) || image.sha256 === sha256(copy));
    expect(near).toHaveLength(2);
    expect(hammingDistance(near[0]!.phash, near[1]!.phash)).toBeLessThanOrEqual(manifest.splits!.nearDuplicateDistance);
    expect(near[0]!.split).toBe(near[1]!.split);
    expect(groupsAcrossSplits(manifest.images, manifest.splits!.nearDuplicateDistance)).toEqual([]);
    expect(new Set(manifest.images.map((image) => image.split))).toEqual(new Set(['train', 'val', 'test']));
    // Statistics per label and split add up; provenance is kept per specimen.
    expect(written.statistics.reduce((sum, label) => sum + label.total, 0)).toBe(37);
    expect(written.statistics.map((label) => label.taxon)).toEqual(['Aedes albopictus', 'Anopheles sinensis', 'Culex pipiens']);
    expect(written.provenance).toMatchObject({
      confirmedFrom: '2026-11-01T08:00:00.000Z',
      confirmedTo: '2026-11-12T08:00:00.000Z',
      units: [
        { key: 'NINGBO', specimens: 6 },
        { key: 'SHANGHAI', specimens: 6 },
      ],
      experts: [{ key: 'expert.ningbo', specimens: 12 }],
    });
    const provenance = JSON.parse(await readFile(path.join(written.folder, 'provenance.json'), 'utf8'));
    expect(provenance).toMatchObject({ name: 'mosquitoes-v1', filters: { taxa: ['Culicidae'] }, licence: 'lab photo' });
    expect(provenance.specimens).toHaveLength(12);
    // Read-only on disk, and nothing temporary left beside it.
    expect((await stat(written.folder)).mode & 0o777).toBe(0o555);
    expect((await stat(path.join(written.folder, 'manifest.json'))).mode & 0o777).toBe(0o444);
    expect(await readdir(path.join(dir, 'snapshots'))).toEqual(['mosquitoes-v1']);
  });

  it('never reuses a name, and is unchanged by later changes to the image store', async () => {
    const first = await readSnapshot(path.join(dir, 'snapshots', 'mosquitoes-v1'));
    await expect(writeSnapshot(options('mosquitoes-v1'))).rejects.toBeInstanceOf(SnapshotExists);
    await rm(specimens[0]!.photos[0]!.file);
    expect(await readSnapshot(path.join(dir, 'snapshots', 'mosquitoes-v1'))).toEqual(first);
  });

  it('refuses photos missing from the store, or changed in it, and leaves nothing behind', async () => {
    const changed = specimens[2]!.photos[0]!;
    await writeFile(changed.file, await gridPhoto(999));
    const error = await writeSnapshot(options('broken')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DataProblems);
    expect((error as DataProblems).problems).toEqual(
      expect.arrayContaining([expect.stringContaining('missing'), expect.stringContaining('no longer matches its sha256')]),
    );
    expect(await readdir(path.join(dir, 'snapshots'))).toEqual(['mosquitoes-v1']);
    await expect(writeSnapshot(options('nothing', { specimens: [] }))).rejects.toThrow('no specimens');
  });

  it('detects a changed image or manifest when read', async () => {
    const written = await writeSnapshot(options('tampered', { specimens: specimens.slice(3) }));
    const manifest = await readManifest(path.join(written.folder, 'manifest.json'));
    const victim = path.join(written.folder, 'images', manifest.images[0]!.path);
    await chmod(victim, 0o644);
    await writeFile(victim, await gridPhoto(4242));
    await expect(readSnapshot(written.folder)).rejects.toThrow(`${manifest.images[0]!.path}: changed since the snapshot was written`);
    const manifestFile = path.join(written.folder, 'manifest.json');
    await chmod(manifestFile, 0o644);
    await writeFile(manifestFile, (await readFile(manifestFile, 'utf8')).replace('"train"', '"test"'));
    await expect(readSnapshot(written.folder)).rejects.toThrow(/manifest\.json: sha256 [0-9a-f]{64}, not/);
    await removeSnapshotFolder(written.folder);
    expect(await readdir(path.join(dir, 'snapshots'))).toEqual(['mosquitoes-v1']);
  });
});
