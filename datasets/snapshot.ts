import { createHash, randomUUID } from 'node:crypto';
import { chmod, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Type, type Static } from 'typebox';
import { compareText, groupBy } from './collections.js';
import { fingerprintImage } from './fingerprint.js';
import { MANIFEST_VERSION, readManifest, writeManifest, type ImageRecord, type Manifest, type ManifestLifeStage } from './manifest.js';
import { DEFAULT_SPLIT_OPTIONS, splitManifest, type SplitOptions, type SplitReport } from './split.js';
import { labelSplitCounts, type LabelSplitCount } from './stats.js';
import { taxonomy as checkedInTaxonomy, type Taxonomy } from './taxonomy.js';
import { DataProblems, readJsonFile, schemaProblems } from './validation.js';

/**
 * Dataset snapshots (ADR 0031): the confirmed specimens of a moment, frozen in a folder of their own —
 * `manifest.json` (the usual manifest, split by specimen and near-duplicate), `provenance.json` (who submitted and
 * confirmed each specimen, under which filters), `snapshot.json` (the hashes of both and the counts) and `images/`
 * (copies of the photos, so that nothing done to the image store later changes the snapshot).
 */
export const SNAPSHOT_FILES = { manifest: 'manifest.json', provenance: 'provenance.json', summary: 'snapshot.json' } as const;
const IMAGES_FOLDER = 'images';
/** Also a folder name, as manifest names are. */
export const SNAPSHOT_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export interface SnapshotPhoto {
  sha256: string;
  /** The image format as stored (`jpeg`, `png`…): the copy's file extension. */
  format: string;
  /** The stored original, read once and checked against `sha256`. */
  file: string;
}

/** A confirmed specimen as it stands when the snapshot is taken. */
export interface SnapshotSpecimen {
  specimenId: string;
  taxon: string;
  lifeStage: ManifestLifeStage | null;
  /** Code of the submitting unit: the images' `source`. */
  unit: string;
  port: string;
  /** Username of the expert whose decision confirmed it. */
  confirmedBy: string | null;
  confirmedAt: string;
  photos: readonly SnapshotPhoto[];
}

const SummarySchema = Type.Object(
  {
    name: Type.String({ pattern: SNAPSHOT_NAME_PATTERN.source }),
    manifestSha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
    provenanceSha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
    images: Type.Integer({ minimum: 1 }),
    specimens: Type.Integer({ minimum: 1 }),
  },
  { additionalProperties: false },
);
type SnapshotFile = Static<typeof SummarySchema>;

/** What a model package records of each snapshot it was trained on (`training.snapshots` in model.json). */
export type SnapshotSummary = Omit<SnapshotFile, 'provenanceSha256'>;

export interface ProvenanceSummary {
  licence: string;
  confirmedFrom: string;
  confirmedTo: string;
  /** Specimens per submitting unit, port and confirming expert, most first. */
  units: { key: string; specimens: number }[];
  ports: { key: string; specimens: number }[];
  experts: { key: string; specimens: number }[];
}

export interface SnapshotOptions {
  name: string;
  /** The folder holding every snapshot; this one goes to `<snapshotsDir>/<name>`. */
  snapshotsDir: string;
  /** The licence of the lab's own photos, recorded on every image. */
  licence: string;
  specimens: readonly SnapshotSpecimen[];
  /** The selection as asked for, kept with the provenance. */
  filters: Record<string, unknown>;
  createdBy: string | null;
  createdAt?: Date;
  split?: SplitOptions;
  taxonomy?: Taxonomy;
}

export interface WrittenSnapshot {
  folder: string;
  summary: SnapshotSummary;
  manifest: Manifest;
  split: SplitReport;
  statistics: LabelSplitCount[];
  provenance: ProvenanceSummary;
}

/** The name is taken: by a snapshot, or by one whose writing was cut short. Names are never reused. */
export class SnapshotExists extends Error {
  constructor(readonly snapshotName: string) {
    super(`a dataset snapshot named ${snapshotName} exists already`);
    this.name = 'SnapshotExists';
  }
}

/**
 * Writes the snapshot into a temporary folder, makes it read-only and renames it into place; the name is claimed by
 * creating its (empty) folder, so two writers of one name cannot both succeed. Photos missing from the store, or
 * whose bytes no longer match their hash, are `DataProblems` and nothing is left behind.
 */
export async function writeSnapshot(options: SnapshotOptions): Promise<WrittenSnapshot> {
  const { name, snapshotsDir } = options;
  // A photo uploaded twice for one specimen is one image.
  const specimens = options.specimens.map((specimen) => ({
    ...specimen,
    photos: [...new Map(specimen.photos.map((photo) => [photo.sha256, photo])).values()],
  }));
  const taxonomy = options.taxonomy ?? checkedInTaxonomy;
  if (!SNAPSHOT_NAME_PATTERN.test(name)) throw new DataProblems(name, [`a snapshot name is letters, digits, . _ and -, up to 100`]);
  const folder = path.join(snapshotsDir, name);
  if (await exists(folder)) throw new SnapshotExists(name);
  await mkdir(snapshotsDir, { recursive: true });
  const temporary = path.join(snapshotsDir, `.${name}.${randomUUID()}.part`);
  try {
    const images = await copyPhotos(temporary, specimens, options.licence, taxonomy);
    const unsplit: Manifest = {
      name,
      version: MANIFEST_VERSION,
      root: IMAGES_FOLDER,
      createdAt: (options.createdAt ?? new Date()).toISOString(),
      source: { format: 'confirmed_specimens', mapping: null },
      skipped: [],
      splits: null,
      images: images.sort((a, b) => compareText(a.path, b.path)),
    };
    const split = splitManifest(unsplit, options.split ?? DEFAULT_SPLIT_OPTIONS);
    const manifestFile = path.join(temporary, SNAPSHOT_FILES.manifest);
    await writeManifest(manifestFile, split.manifest, taxonomy);
    const provenance = {
      name,
      createdAt: unsplit.createdAt,
      createdBy: options.createdBy,
      filters: options.filters,
      licence: options.licence,
      specimens: [...specimens]
        .sort((a, b) => compareText(a.specimenId, b.specimenId))
        .map(({ photos, ...specimen }) => ({ ...specimen, images: photos.map((photo) => imagePath(specimen.specimenId, photo)) })),
    };
    await writeFile(path.join(temporary, SNAPSHOT_FILES.provenance), `${JSON.stringify(provenance, null, 2)}\n`);
    const file: SnapshotFile = {
      name,
      manifestSha256: sha256(await readFile(manifestFile)),
      provenanceSha256: sha256(await readFile(path.join(temporary, SNAPSHOT_FILES.provenance))),
      images: images.length,
      specimens: new Set(images.map((image) => image.specimenId)).size,
    };
    await writeFile(path.join(temporary, SNAPSHOT_FILES.summary), `${JSON.stringify(file, null, 2)}\n`);
    await makeReadOnly(temporary);
    await claim(folder, name);
    await rename(temporary, folder);
    await chmod(folder, 0o555);
    const { provenanceSha256: _provenanceSha256, ...summary } = file;
    return {
      folder,
      summary,
      manifest: split.manifest,
      split,
      statistics: labelSplitCounts(split.manifest.images),
      provenance: summariseProvenance(specimens, options.licence),
    };
  } finally {
    if (await exists(temporary)) await removeSnapshotFolder(temporary);
  }
}

/**
 * Reads a snapshot folder and checks it is as written: the manifest and provenance files against the hashes in
 * `snapshot.json`, every image file against the manifest's sha256, the counts against the manifest. Any difference
 * is a `DataProblems` listing them all. What the retraining records of the data it used.
 */
export async function readSnapshot(folder: string): Promise<SnapshotSummary> {
  const summaryFile = path.join(folder, SNAPSHOT_FILES.summary);
  const value = await readJsonFile(summaryFile);
  const shapeProblems = schemaProblems(SummarySchema, value);
  if (shapeProblems.length > 0) throw new DataProblems(summaryFile, shapeProblems);
  const file = value as SnapshotFile;
  const problems: string[] = [];
  const manifestFile = path.join(folder, SNAPSHOT_FILES.manifest);
  for (const [name, expected] of [
    [SNAPSHOT_FILES.manifest, file.manifestSha256],
    [SNAPSHOT_FILES.provenance, file.provenanceSha256],
  ] as const) {
    const actual = await fileSha256(path.join(folder, name));
    if (actual !== expected) problems.push(`${name}: ${actual === null ? 'missing' : `sha256 ${actual}, not ${expected} as written`}`);
  }
  if (problems.length > 0) throw new DataProblems(folder, problems);
  const manifest = await readManifest(manifestFile);
  const specimens = new Set(manifest.images.map((image) => image.specimenId)).size;
  if (manifest.name !== file.name) problems.push(`the manifest is named ${manifest.name}, not ${file.name}`);
  if (manifest.images.length !== file.images) problems.push(`the manifest lists ${manifest.images.length} images, not ${file.images}`);
  if (specimens !== file.specimens) problems.push(`the manifest has ${specimens} specimens, not ${file.specimens}`);
  const root = path.join(folder, manifest.root);
  const actual = await mapLimited(manifest.images, (image) => fileSha256(path.join(root, image.path)));
  manifest.images.forEach((image, index) => {
    const sha = actual[index];
    if (sha !== image.sha256) problems.push(`${image.path}: ${sha === null ? 'missing' : 'changed since the snapshot was written'}`);
  });
  if (problems.length > 0) throw new DataProblems(folder, problems);
  return { name: file.name, manifestSha256: file.manifestSha256, images: file.images, specimens: file.specimens };
}

/** Removes a snapshot folder, read-only as it is: a snapshot whose registration failed, or a test's. */
export async function removeSnapshotFolder(folder: string): Promise<void> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  await chmod(folder, 0o755);
  for (const entry of entries.filter((item) => item.isDirectory())) await chmod(path.join(entry.parentPath, entry.name), 0o755);
  await rm(folder, { recursive: true, force: true });
}

/** Copies each photo to `images/<specimen>/<sha256>.<ext>` and describes it as a manifest image, still unsplit. */
async function copyPhotos(
  folder: string,
  specimens: readonly SnapshotSpecimen[],
  licence: string,
  taxonomy: Taxonomy,
): Promise<ImageRecord[]> {
  const problems: string[] = [];
  for (const specimen of specimens) {
    if (!taxonomy.get(specimen.taxon)) problems.push(`specimen ${specimen.specimenId}: taxon ${specimen.taxon} is not in the taxonomy`);
    if (specimen.photos.length === 0) problems.push(`specimen ${specimen.specimenId}: no photos`);
  }
  if (specimens.length === 0) problems.push('no specimens to snapshot');
  if (problems.length > 0) throw new DataProblems('snapshot', problems);
  const jobs = specimens.flatMap((specimen) => specimen.photos.map((photo) => ({ specimen, photo })));
  const images = await mapLimited(jobs, async ({ specimen, photo }): Promise<ImageRecord | string> => {
    const relative = imagePath(specimen.specimenId, photo);
    const bytes = await readFile(photo.file).catch(() => null);
    if (!bytes) return `${relative}: the stored original is missing`;
    if (sha256(bytes) !== photo.sha256) return `${relative}: the stored original no longer matches its sha256`;
    const fingerprint = await fingerprintImage(bytes);
    const target = path.join(folder, IMAGES_FOLDER, relative);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, bytes);
    return {
      path: relative,
      ...fingerprint,
      group: taxonomy.get(specimen.taxon)!.group,
      lifeStage: specimen.lifeStage,
      taxon: specimen.taxon,
      common: null,
      source: specimen.unit,
      licence,
      sourceItem: null,
      specimenId: specimen.specimenId,
      split: null,
    };
  });
  const failed = images.filter((image): image is string => typeof image === 'string');
  if (failed.length > 0) throw new DataProblems('snapshot', failed);
  return images as ImageRecord[];
}

const EXTENSIONS: Record<string, string> = { jpeg: 'jpg', tiff: 'tif', heif: 'heic' };

function imagePath(specimenId: string, photo: SnapshotPhoto): string {
  return `${specimenId}/${photo.sha256}.${EXTENSIONS[photo.format] ?? photo.format}`;
}

function summariseProvenance(specimens: readonly SnapshotSpecimen[], licence: string): ProvenanceSummary {
  const tally = (keyOf: (specimen: SnapshotSpecimen) => string) =>
    [...groupBy(specimens, keyOf)]
      .map(([key, members]) => ({ key, specimens: members.length }))
      .sort((a, b) => b.specimens - a.specimens || compareText(a.key, b.key));
  const dates = specimens.map((specimen) => specimen.confirmedAt).sort(compareText);
  return {
    licence,
    confirmedFrom: dates[0]!,
    confirmedTo: dates.at(-1)!,
    units: tally((specimen) => specimen.unit),
    ports: tally((specimen) => specimen.port),
    experts: tally((specimen) => specimen.confirmedBy ?? ''),
  };
}

/** Creates the snapshot's folder, failing if it exists: whoever creates it owns the name. */
async function claim(folder: string, name: string): Promise<void> {
  try {
    await mkdir(folder);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new SnapshotExists(name);
    throw error;
  }
}

/** Files 0444, folders 0555 (the top folder last, after it is renamed into place). */
async function makeReadOnly(folder: string): Promise<void> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  for (const entry of entries) await chmod(path.join(entry.parentPath, entry.name), entry.isDirectory() ? 0o555 : 0o444);
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function fileSha256(file: string): Promise<string | null> {
  const bytes = await readFile(file).catch(() => null);
  return bytes ? sha256(bytes) : null;
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

/** `items.map(work)` with as many at once as there are cores, results in the items' order. */
async function mapLimited<T, R>(items: readonly T[], work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(items.length, os.availableParallelism()) }, worker));
  return results;
}
