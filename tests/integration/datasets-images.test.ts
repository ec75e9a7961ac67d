import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { runCli } from '../helpers/cli.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readMapping } from '../../datasets/folder-mapping.js';
import { describeImport, importFolder } from '../../datasets/import.js';
import { groupsAcrossSplits } from '../../datasets/leakage.js';
import { readManifest } from '../../datasets/manifest.js';
import { hammingDistance, perceptualHash } from '../../datasets/perceptual-hash.js';
import { DEFAULT_SPLIT_OPTIONS, splitManifest } from '../../datasets/split.js';
import { taxonomy } from '../../datasets/taxonomy.js';
import { DataProblems } from '../../datasets/validation.js';
import { gridPhoto as photo, reencoded, truncatedJpeg } from '../helpers/images.js';

const NEAR = DEFAULT_SPLIT_OPTIONS.nearDuplicateDistance;

async function writeFiles(root: string, files: Record<string, Buffer | string>): Promise<void> {
  for (const [file, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), content);
  }
}

async function problemsOf(promise: Promise<unknown>): Promise<readonly string[]> {
  const error = await promise.then(
    () => null,
    (reason: unknown) => reason,
  );
  if (error instanceof DataProblems) return error.problems;
  throw new Error(`expected DataProblems, got ${String(error)}`);
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'vectordesk-datasets-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('perceptual hash', () => {
  it('barely moves for the same photo resized or re-encoded, and is far for different photos', async () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const original = await photo(seed);
      const hash = await perceptualHash(original);
      expect(hash).toMatch(/^[0-9a-f]{16}$/);
      expect(await perceptualHash(Buffer.from(original))).toBe(hash);
      expect(hammingDistance(hash, await perceptualHash(await reencoded(original)))).toBeLessThanOrEqual(NEAR);
      expect(hammingDistance(hash, await perceptualHash(await sharp(original).resize(480).png().toBuffer()))).toBeLessThanOrEqual(NEAR);
      expect(hammingDistance(hash, await perceptualHash(await sharp(original).jpeg({ quality: 60 }).toBuffer()))).toBeLessThanOrEqual(NEAR);
    }
    const hashes = await Promise.all(Array.from({ length: 12 }, async (_, seed) => perceptualHash(await photo(seed + 100))));
    for (const [index, hash] of hashes.entries()) {
      for (const other of hashes.slice(index + 1)) expect(hammingDistance(hash, other)).toBeGreaterThan(2 * NEAR);
    }
  });

  it('refuses an image that does not decode to the end', async () => {
    await expect(perceptualHash(await truncatedJpeg())).rejects.toThrow();
  });
});

describe('importing a folder with labels.csv', () => {
  const header = 'path,group,life_stage,taxon,common,source,source_item,licence';
  const row = (file: string, group: string, stage: string, taxon: string, common: string, item: string) =>
    `${file},${group},${stage},${taxon},${common},lab,${item},"CC BY 4.0, ""with attribution"""`;

  async function labelledFolder() {
    const crop = await photo(1);
    const tick = await photo(6);
    const files = {
      'mosquito/photo-1_a.jpg': crop,
      'mosquito/photo-1_b.jpg': await photo(2),
      'mosquito/photo-9.jpg': await reencoded(crop),
      'mosquito/unknown.jpg': await photo(3),
      'rodent/rat.jpg': await photo(4, 200, 100),
      'other/goldfish.jpg': await photo(5),
      'tick/tick.jpg': tick,
      'tick/tick-copy.jpg': tick,
      'broken/truncated.jpg': await truncatedJpeg(),
      ...Object.fromEntries(
        await Promise.all(Array.from({ length: 12 }, async (_, index) => [`mosquito/pipiens-${index}.jpg`, await photo(20 + index)])),
      ),
    };
    const labels = [
      header,
      row('mosquito/photo-1_a.jpg', 'mosquito', 'adult', 'Culex pipiens', 'mosquito', 'lab:photo-1'),
      row('mosquito/photo-1_b.jpg', 'mosquito', 'adult', 'Culex pipiens', 'mosquito', 'lab:photo-1'),
      row('mosquito/photo-9.jpg', 'mosquito', 'adult', 'Culex pipiens', 'mosquito', 'lab:photo-9'),
      row('mosquito/unknown.jpg', 'mosquito', 'adult', '', 'mosquito', 'lab:photo-3'),
      row('rodent/rat.jpg', 'rodent', '', '', 'rat', 'lab:photo-4'),
      row('other/goldfish.jpg', 'not_vector', '', '', 'goldfish', 'lab:photo-5'),
      row('tick/tick.jpg', 'tick', '', 'Ixodes scapularis', 'tick', 'lab:photo-6'),
      row('tick/tick-copy.jpg', 'tick', '', 'Ixodes scapularis', 'tick', 'lab:photo-7'),
      row('broken/truncated.jpg', 'tick', 'adult', 'Ixodes', 'tick', 'lab:photo-8'),
      // Four more photos of three crops each: as large as the leaky group, so the shuffle decides where it goes.
      ...Array.from({ length: 12 }, (_, index) =>
        row(`mosquito/pipiens-${index}.jpg`, 'mosquito', 'adult', 'Culex pipiens', 'mosquito', `lab:p${Math.floor(index / 3)}`),
      ),
    ];
    await writeFiles(path.join(dir, 'data'), { ...files, 'labels.csv': `${labels.join('\r\n')}\r\n` });
    return path.join(dir, 'data');
  }

  it('labels, hashes and measures every image, skipping and listing unreadable ones and reporting exact duplicates', async () => {
    const folder = await labelledFolder();
    const out = path.join(dir, 'manifests', 'lab.json');
    const report = await importFolder({ folder, name: 'lab', out });
    const byPath = Object.fromEntries(report.manifest.images.map((image) => [image.path, image]));

    expect(report.manifest).toMatchObject({ name: 'lab', root: '../data', source: { format: 'labels_csv', mapping: null }, splits: null });
    expect(report.manifest.images).toHaveLength(20);
    expect(report.manifest.images.map((image) => image.path)).toEqual(Object.keys(byPath).sort());
    expect(byPath['mosquito/unknown.jpg']).toMatchObject({ group: 'mosquito', lifeStage: 'adult', taxon: 'Culicidae' });
    expect(byPath['rodent/rat.jpg']).toMatchObject({ taxon: 'Rodentia', lifeStage: null, common: 'rat', width: 200, height: 100 });
    expect(byPath['other/goldfish.jpg']).toMatchObject({ taxon: 'not_vector', common: 'goldfish' });
    expect(byPath['mosquito/photo-1_a.jpg']).toMatchObject({
      sourceItem: 'lab:photo-1',
      specimenId: null,
      split: null,
      source: 'lab',
      licence: 'CC BY 4.0, "with attribution"',
    });
    expect(byPath['tick/tick.jpg']!.sha256).toBe(byPath['tick/tick-copy.jpg']!.sha256);

    expect(report.skipped).toEqual([{ path: 'broken/truncated.jpg', reason: expect.any(String) }]);
    expect(report.manifest.skipped).toEqual(report.skipped);
    expect(report.exactDuplicates).toEqual([['tick/tick-copy.jpg', 'tick/tick.jpg']]);
    expect(await readManifest(out)).toEqual(report.manifest);

    const summary = describeImport(report);
    expect(summary).toContain('Imported 20 images');
    expect(summary).toContain('1 unreadable file skipped');
    expect(summary).toContain('skipped: broken/truncated.jpg');
    expect(summary).toContain('exact duplicates: tick/tick-copy.jpg, tick/tick.jpg');
  });

  it('refuses labels the taxonomy does not know, naming the rows', async () => {
    await writeFiles(path.join(dir, 'bad'), {
      'labels.csv': [
        header,
        row('a.jpg', 'mosquito', 'adult', 'Aedes imaginarius', '', 'x:1'),
        row('b.jpg', 'rodent', 'juvenile', 'Culex pipiens', '', 'x:2'),
      ].join('\n'),
    });
    expect(await problemsOf(importFolder({ folder: path.join(dir, 'bad'), out: path.join(dir, 'bad.json') }))).toEqual([
      'row 2: taxon "Aedes imaginarius" is not in the taxonomy',
      'row 3: life stage "juvenile" is not one of egg, larva, pupa, nymph, adult (or empty)',
    ]);
  });

  it('splits whole leakage groups: shared source item, exact duplicates and near-duplicates stay together', async () => {
    const { manifest } = await importFolder({ folder: await labelledFolder(), name: 'lab', out: path.join(dir, 'lab.json') });
    const seen = new Set<string>();
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const report = splitManifest(manifest, { ...DEFAULT_SPLIT_OPTIONS, seed });
      const splitOf = Object.fromEntries(report.manifest.images.map((image) => [image.path, image.split]));
      expect(new Set(['mosquito/photo-1_a.jpg', 'mosquito/photo-1_b.jpg', 'mosquito/photo-9.jpg'].map((file) => splitOf[file])).size).toBe(
        1,
      );
      expect(splitOf['tick/tick.jpg']).toBe(splitOf['tick/tick-copy.jpg']);
      expect(groupsAcrossSplits(report.manifest.images, NEAR)).toEqual([]);
      expect(report.merged).toEqual({
        source_item: { joins: 5, images: 14 },
        specimen: { joins: 0, images: 0 },
        exact_duplicate: { joins: 1, images: 2 },
        near_duplicate: { joins: 1, images: 2 },
      });
      expect(report.manifest.splits?.merged).toEqual(
        expect.arrayContaining([
          { reason: 'source_item', items: ['mosquito/photo-1_a.jpg', 'mosquito/photo-1_b.jpg'] },
          { reason: 'exact_duplicate', items: ['tick/tick-copy.jpg', 'tick/tick.jpg'] },
          { reason: 'near_duplicate', items: ['mosquito/photo-1_a.jpg', 'mosquito/photo-9.jpg'] },
        ]),
      );
      seen.add(splitOf['mosquito/photo-1_a.jpg']!);
    }
    // The group moves between splits with the seed, so keeping it together is not an accident of placement.
    expect(seen.size).toBeGreaterThan(1);
  });
});

describe('importing a folder-per-class tree', () => {
  const mapping = {
    source: 'port-lab',
    licence: 'internal',
    classes: {
      albopictus: { taxon: 'Aedes albopictus', group: 'mosquito', lifeStage: 'adult', common: 'tiger mosquito' },
      rats: { taxon: null, group: 'rodent', lifeStage: null },
    },
  };

  it('labels images by their class folder through the mapping and skips files that are not images', async () => {
    const folder = path.join(dir, 'tree');
    await writeFiles(folder, {
      'README.md': 'photos from the port lab',
      'albopictus/1.jpg': await photo(1),
      'albopictus/nested/2.png': await sharp(await photo(2))
        .png()
        .toBuffer(),
      'albopictus/notes.txt': 'collected 2026-05',
      'albopictus/broken.jpg': 'not a jpeg at all',
      'rats/r.jpg': await photo(3),
    });
    const mappingFile = path.join(dir, 'mappings', 'lab.json');
    await writeFiles(dir, { 'mappings/lab.json': JSON.stringify(mapping) });
    const report = await importFolder({ folder, name: 'tree', out: path.join(dir, 'manifests', 'tree.json'), mapping: mappingFile });

    expect(report.manifest.source).toEqual({ format: 'folder_per_class', mapping: '../mappings/lab.json' });
    expect(
      report.manifest.images.map(({ path: file, taxon, group, lifeStage, common, source, licence, sourceItem }) => ({
        file,
        taxon,
        group,
        lifeStage,
        common,
        source,
        licence,
        sourceItem,
      })),
    ).toEqual([
      {
        file: 'albopictus/1.jpg',
        taxon: 'Aedes albopictus',
        group: 'mosquito',
        lifeStage: 'adult',
        common: 'tiger mosquito',
        source: 'port-lab',
        licence: 'internal',
        sourceItem: null,
      },
      {
        file: 'albopictus/nested/2.png',
        taxon: 'Aedes albopictus',
        group: 'mosquito',
        lifeStage: 'adult',
        common: 'tiger mosquito',
        source: 'port-lab',
        licence: 'internal',
        sourceItem: null,
      },
      {
        file: 'rats/r.jpg',
        taxon: 'Rodentia',
        group: 'rodent',
        lifeStage: null,
        common: null,
        source: 'port-lab',
        licence: 'internal',
        sourceItem: null,
      },
    ]);
    expect(report.skipped.map((file) => file.path)).toEqual(['albopictus/broken.jpg']);
    expect(report.ignored).toEqual(['README.md', 'albopictus/notes.txt']);
  });

  it('stops at class folders the mapping does not name, naming them', async () => {
    const folder = path.join(dir, 'tree');
    await writeFiles(folder, { 'albopictus/1.jpg': await photo(1), 'mystery/2.jpg': await photo(2), 'ticks?/3.jpg': await photo(3) });
    await writeFiles(dir, { 'mapping.json': JSON.stringify(mapping) });
    expect(await problemsOf(importFolder({ folder, mapping: path.join(dir, 'mapping.json'), out: path.join(dir, 'tree.json') }))).toEqual([
      `folder "mystery" is not in the mapping ${path.join(dir, 'mapping.json')}`,
      `folder "ticks?" is not in the mapping ${path.join(dir, 'mapping.json')}`,
    ]);
  });

  it('refuses a malformed mapping, and classes the taxonomy does not accept', async () => {
    const problemsOfClasses = async (classes: object) => {
      await writeFiles(dir, { 'mapping.json': JSON.stringify({ ...mapping, classes }) });
      return problemsOf(readMapping(path.join(dir, 'mapping.json'), taxonomy));
    };
    expect(await problemsOfClasses({ b: { taxon: 'Culex', group: 'mosquito' } })).toEqual([
      '/classes/b must have required properties lifeStage',
    ]);
    expect(
      await problemsOfClasses({
        a: { taxon: 'Culex pipiens', group: 'tick', lifeStage: null },
        c: { taxon: 'Aedes imaginarius', group: 'mosquito', lifeStage: null },
      }),
    ).toEqual(['classes.a: taxon Culex pipiens is a mosquito, not a tick', 'classes.c: taxon "Aedes imaginarius" is not in the taxonomy']);
  });

  it('accepts the checked-in example mapping', async () => {
    const example = await readMapping('datasets/mappings/example-folder-per-class.json', taxonomy);
    expect(example.classes.get('aedes_albopictus')).toMatchObject({ taxon: 'Aedes albopictus', group: 'mosquito', lifeStage: 'adult' });
    expect(example.classes.get('mosquito_larvae')).toMatchObject({ taxon: 'Culicidae', lifeStage: 'larva' });
  });

  it('needs labels.csv or a mapping, not both', async () => {
    await writeFiles(dir, { 'plain/a/1.jpg': await photo(1), 'csv/labels.csv': 'path\n', 'mapping.json': JSON.stringify(mapping) });
    await expect(importFolder({ folder: path.join(dir, 'plain') })).rejects.toThrow(
      /it has no labels.csv; for a folder-per-class tree give a mapping file/,
    );
    await expect(importFolder({ folder: path.join(dir, 'csv'), mapping: path.join(dir, 'mapping.json') })).rejects.toThrow(
      /has a labels.csv/,
    );
  });
});

describe('dataset CLIs', () => {
  const run = (cli: string, args: string[]) => runCli(`datasets/cli/${cli}.ts`, args);

  /** A folder-per-class tree of one adult mosquito class, `dir/<name>/`, imported with its mapping into `dir/<name>.json`. */
  const importTree = async (name: string, source: string, className: string, taxon: string, seeds: number[]) => {
    const photos = await Promise.all(seeds.map(async (seed, index) => [`${className}/${index}.jpg`, await photo(seed)] as const));
    await writeFiles(path.join(dir, name), Object.fromEntries(photos));
    const classes = { [className]: { taxon, group: 'mosquito', lifeStage: 'adult' } };
    await writeFiles(dir, { [`${name}-mapping.json`]: JSON.stringify({ source, licence: 'internal', classes }) });
    const manifestFile = path.join(dir, `${name}.json`);
    const imported = await run('import', [
      path.join(dir, name),
      '--mapping',
      path.join(dir, `${name}-mapping.json`),
      '--out',
      manifestFile,
    ]);
    return { manifestFile, imported };
  };

  it('import, split and stats a folder end to end', async () => {
    const { manifestFile, imported } = await importTree('tree', 'lab', 'albopictus', 'Aedes albopictus', [1, 2, 3, 4, 5, 6, 7, 8]);
    expect(imported).toMatchObject({ code: 0, stdout: expect.stringContaining('Imported 8 images') });
    const split = await run('split', [manifestFile, '--seed', '42']);
    expect(split).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/8 images in 8 leakage groups[\s\S]*mosquito\|adult\|Aedes albopictus\s+6\s+1\s+1\s+8/),
    });
    expect((await readManifest(manifestFile)).splits?.seed).toBe(42);
    const stats = await run('stats', [manifestFile]);
    expect(stats.code).toBe(0);
    expect(stats.stdout).toMatch(/missing on disk: 0/);
    expect(stats.stdout).toMatch(/leakage \(groups across splits\): 0/);
    expect(stats.stdout).toMatch(/^lab\s+6\s+1\s+1\s+8$/m);

    // A second dataset beside the first, combined with it: every image in its own split, found under the shared parent.
    const { manifestFile: secondFile, imported: second } = await importTree('tree-b', 'port', 'pipiens', 'Culex pipiens', [31, 32, 33]);
    expect(second.code).toBe(0);
    expect((await run('split', [secondFile])).code).toBe(0);
    const combinedFile = path.join(dir, 'combined', 'both.json');
    const combined = await run('combine', [combinedFile, '--from', manifestFile, '--from', secondFile]);
    expect(combined).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/tree-b\.json: 3 images under tree-b\/[\s\S]*missing on disk: 0/),
    });
    const both = await readManifest(combinedFile);
    expect([both.name, both.root, both.images.length]).toEqual(['combined', '..', 11]);
    const splitOf = new Map((await readManifest(manifestFile)).images.map((image) => [`tree/${image.path}`, image.split]));
    for (const image of both.images.filter((record) => record.path.startsWith('tree/'))) expect(image.split).toBe(splitOf.get(image.path));
  });

  it('answers bad arguments with a message, the usage and exit status 2', async () => {
    const cases: [string, string[], RegExp][] = [
      ['import', [], /expected one folder to import, got 0/],
      ['import', [path.join(dir, 'nowhere')], /is not a folder/],
      ['import', [dir, '--colour', 'red'], /Unknown option '--colour'/],
      ['split', [path.join(dir, 'm.json'), '--train', '0.8'], /fractions must add up to 1/],
      ['split', [path.join(dir, 'm.json'), '--seed', 'abc'], /--seed must be a number, got "abc"/],
      ['stats', ['a.json', 'b.json'], /expected one manifest file, got 2/],
      ['combine', [path.join(dir, 'c.json'), '--from', 'a.json'], /give at least two --from manifests, got 1/],
    ];
    const results = await Promise.all(cases.map(([cli, args]) => run(cli, args)));
    cases.forEach(([cli, args, message], index) => {
      expect(results[index]!.code, `${cli} ${args.join(' ')}`).toBe(2);
      expect(results[index]!.stderr).toMatch(message);
      expect(results[index]!.stderr).toContain(`usage: npm run datasets:${cli}`);
    });
  });

  it('exits 1 and lists the problems of an invalid manifest', async () => {
    const manifestFile = path.join(dir, 'broken.json');
    await writeFile(manifestFile, JSON.stringify({ name: 'broken', version: 2 }));
    const result = await run('stats', [manifestFile]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('/version must be equal to constant');
  });
});
