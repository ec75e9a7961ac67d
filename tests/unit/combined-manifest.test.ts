import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeCombinedManifest } from '../../datasets/combine.js';
import { readManifest, writeManifest } from '../../datasets/manifest.js';
import { generatedTickManifest } from '../helpers/training.js';

describe('a combined training manifest (snapshot + base data)', () => {
  let dir: string;
  let snapshot: string;
  let base: string;
  let grouped: string[];
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'vectordesk-combine-'));
    snapshot = await generatedTickManifest(dir, 'snapshot', 5, 1);
    base = await generatedTickManifest(dir, 'base', 5, 2);
    // The base data also holds one of the snapshot's photos, in another split and with a leakage group around it.
    const shared = (await readManifest(snapshot)).images.find((image) => image.split === 'test')!;
    const manifest = await readManifest(base);
    await cp(path.join(dir, 'snapshot', shared.path), path.join(dir, 'base', 'copy.png'));
    manifest.images.push({ ...shared, path: 'copy.png', split: 'train' });
    manifest.splits!.merged.push({ reason: 'near_duplicate', items: ['copy.png', manifest.images[0]!.path] });
    grouped = [manifest.images[1]!.path, manifest.images[2]!.path];
    manifest.splits!.merged.push({ reason: 'source_item', items: grouped });
    await writeManifest(base, manifest);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('links each source under its own folder, keeps every split, and keeps a file two sources share once', async () => {
    const target = path.join(dir, 'work', 'manifest.json');
    const { manifest, parts } = await writeCombinedManifest(target, 'retrain-tick-species', [snapshot, base]);
    expect(parts.map(({ folder, images, duplicates }) => ({ folder, images, duplicates }))).toEqual([
      { folder: '0-snapshot', images: 20, duplicates: 0 },
      { folder: '1-base', images: 20, duplicates: 1 },
    ]);
    expect(manifest.root).toBe('.');
    const written = await readManifest(target);
    expect(written.images).toHaveLength(40);
    const bySha = new Map(written.images.map((image) => [image.sha256, image]));
    expect(bySha.size).toBe(40);
    for (const [prefix, source] of [
      ['0-snapshot', snapshot],
      ['1-base', base],
    ] as const) {
      for (const image of (await readManifest(source)).images.filter((record) => record.path !== 'copy.png')) {
        const combined = bySha.get(image.sha256)!;
        expect(combined.path).toBe(`${prefix}/${image.path}`);
        expect(combined.split).toBe(image.split);
        // The link resolves to the source's own file.
        expect(await readFile(path.join(dir, 'work', combined.path))).toEqual(
          await readFile(path.join(dir, path.basename(source, '.json'), image.path)),
        );
      }
    }
    // The group that lost its duplicate has one member left and is dropped; the other keeps its prefixed paths.
    expect(written.splits!.merged).toEqual([{ reason: 'source_item', items: grouped.map((item) => `1-base/${item}`) }]);
  });

  it('finds sources whose roots are folders of one parent under that parent, linking nothing', async () => {
    const target = path.join(dir, 'manifests', 'both.json');
    const { manifest, parts } = await writeCombinedManifest(target, 'both', [snapshot, base], 'shared-parent');
    expect(parts.map(({ folder, images }) => ({ folder, images }))).toEqual([
      { folder: 'snapshot', images: 20 },
      { folder: 'base', images: 20 },
    ]);
    expect(manifest.root).toBe('..');
    expect(await readdir(path.join(dir, 'manifests'))).toEqual(['both.json']);
    const written = await readManifest(target);
    for (const image of (await readManifest(snapshot)).images) {
      const combined = written.images.find((record) => record.sha256 === image.sha256)!;
      expect([combined.path, combined.split]).toEqual([`snapshot/${image.path}`, image.split]);
      expect(await readFile(path.join(dir, combined.path))).toEqual(await readFile(path.join(dir, 'snapshot', image.path)));
    }
    await expect(
      writeCombinedManifest(path.join(dir, 'manifests', 'twice.json'), 'x', [snapshot, snapshot], 'shared-parent'),
    ).rejects.toThrow('not differently named folders of one parent');
  });

  it('refuses a manifest that has not been split', async () => {
    const unsplit = await readManifest(base);
    await writeManifest(path.join(dir, 'unsplit.json'), {
      ...unsplit,
      root: 'base',
      splits: null,
      images: unsplit.images.map((image) => ({ ...image, split: null })),
    });
    await expect(writeCombinedManifest(path.join(dir, 'work2', 'manifest.json'), 'x', [path.join(dir, 'unsplit.json')])).rejects.toThrow(
      'run the split first',
    );
  });
});
