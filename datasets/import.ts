import { readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { compareText, groupBy } from './collections.js';
import { fingerprintImage } from './fingerprint.js';
import { readFolderTree } from './folder-mapping.js';
import { LABELS_FILE, readLabelsCsv } from './labels-csv.js';
import {
  labelKey,
  MANIFEST_VERSION,
  relativeToManifest,
  writeManifest,
  type ImageLabels,
  type ImageRecord,
  type Manifest,
} from './manifest.js';
import { countOf } from './table.js';
import { taxonomy as checkedInTaxonomy, type Taxonomy } from './taxonomy.js';
import { DataProblems } from './validation.js';

export interface ImportOptions {
  /** A folder with `labels.csv`, or a folder-per-class tree when `mapping` is given. */
  folder: string;
  /** Defaults to the folder's name. */
  name?: string;
  /** Manifest file to write; defaults to `datasets/manifests/<name>.json`. */
  out?: string;
  /** Mapping file of a folder-per-class tree (`datasets/mappings/<name>.json`). */
  mapping?: string;
  taxonomy?: Taxonomy;
}

export interface SkippedFile {
  path: string;
  reason: string;
}

export interface ImportReport {
  folder: string;
  mapping: string | null;
  manifestFile: string;
  manifest: Manifest;
  /** Listed or found, but not readable as an image; left out of the manifest. */
  skipped: SkippedFile[];
  /** Paths of byte-identical images, one list per content; they stay in, and splitting keeps each list together. */
  exactDuplicates: string[][];
  /** Files of a folder-per-class tree that are not images by name, or lie outside any class folder. */
  ignored: string[];
}

export async function importFolder(options: ImportOptions): Promise<ImportReport> {
  const taxonomy = options.taxonomy ?? checkedInTaxonomy;
  const name = options.name ?? path.basename(path.resolve(options.folder));
  const manifestFile = options.out ?? path.join('datasets', 'manifests', `${name}.json`);
  const hasLabelsCsv = await exists(path.join(options.folder, LABELS_FILE));
  if (hasLabelsCsv && options.mapping)
    throw new DataProblems(options.folder, [`it has a ${LABELS_FILE}; a mapping applies only to a folder-per-class tree without one`]);
  if (!hasLabelsCsv && !options.mapping)
    throw new DataProblems(options.folder, [`it has no ${LABELS_FILE}; for a folder-per-class tree give a mapping file`]);

  const { labels, ignored } = options.mapping
    ? await readFolderTree(options.folder, options.mapping, taxonomy)
    : { labels: await readLabelsCsv(options.folder, taxonomy), ignored: [] };
  const { images, skipped } = await fingerprintAll(options.folder, labels);
  images.sort((a, b) => compareText(a.path, b.path));

  const manifest: Manifest = {
    name,
    version: MANIFEST_VERSION,
    root: relativeToManifest(manifestFile, options.folder),
    createdAt: new Date().toISOString(),
    source: {
      format: options.mapping ? 'folder_per_class' : 'labels_csv',
      mapping: options.mapping ? relativeToManifest(manifestFile, options.mapping) : null,
    },
    skipped,
    splits: null,
    images,
  };
  await writeManifest(manifestFile, manifest, taxonomy);
  return {
    folder: options.folder,
    mapping: options.mapping ?? null,
    manifestFile,
    manifest,
    skipped,
    exactDuplicates: exactDuplicates(images),
    ignored,
  };
}

/** Reads every labelled file once: sha256, perceptual hash and size; files that do not decode are skipped, not fatal. */
async function fingerprintAll(folder: string, labels: readonly ImageLabels[]): Promise<{ images: ImageRecord[]; skipped: SkippedFile[] }> {
  const images: ImageRecord[] = [];
  const skipped: SkippedFile[] = [];
  const queue = [...labels];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      try {
        const fingerprint = await fingerprintImage(await readFile(path.join(folder, next.path)));
        images.push({ ...next, ...fingerprint, split: null });
      } catch (error) {
        skipped.push({ path: next.path, reason: (error as Error).message.split('\n')[0]! });
      }
    }
  };
  await Promise.all(Array.from({ length: os.availableParallelism() }, worker));
  return { images, skipped: skipped.sort((a, b) => compareText(a.path, b.path)) };
}

function exactDuplicates(images: readonly ImageRecord[]): string[][] {
  const bySha = groupBy(images, (image) => image.sha256);
  return [...bySha.values()].filter((copies) => copies.length > 1).map((copies) => copies.map((image) => image.path));
}

/** The one paragraph the CLI prints, then one line per skipped file and per set of duplicates. */
export function describeImport(report: ImportReport): string {
  const { manifest } = report;
  const distinct = (items: Iterable<string>, noun: string) => countOf(new Set(items).size, noun);
  const duplicateImages = report.exactDuplicates.reduce((sum, copies) => sum + copies.length, 0);
  const paragraph = [
    `Imported ${countOf(manifest.images.length, 'image')} from ${report.folder} (${report.mapping ? `class folders mapped by ${report.mapping}` : LABELS_FILE})`,
    `into ${report.manifestFile} as "${manifest.name}":`,
    `${distinct(manifest.images.map(labelKey), 'label')}, ${distinct(
      manifest.images.map((image) => image.source),
      'source',
    )}, ${distinct(
      manifest.images.map((image) => image.licence),
      'licence',
    )};`,
    `${countOf(report.skipped.length, 'unreadable file')} skipped;`,
    `${countOf(report.exactDuplicates.length, 'set')} of exact duplicates (${countOf(duplicateImages, 'image')}), kept and split together;`,
    report.ignored.length > 0 ? `${countOf(report.ignored.length, 'non-image or unfiled file')} ignored;` : '',
    `no splits yet (npm run datasets:split -- ${report.manifestFile}).`,
  ]
    .filter(Boolean)
    .join(' ');
  const details = [
    ...report.skipped.map((file) => `skipped: ${file.path}: ${file.reason}`),
    ...report.exactDuplicates.map((copies) => `exact duplicates: ${copies.join(', ')}`),
    ...report.ignored.map((file) => `ignored: ${file}`),
  ];
  return [paragraph, ...details].join('\n');
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}
