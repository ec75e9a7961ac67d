import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Type, type Static, type TSchema } from 'typebox';
import { PHASH_PATTERN } from './perceptual-hash.js';
import { countOf } from './table.js';
import { GROUPS, taxonomy as checkedInTaxonomy, type Taxonomy } from './taxonomy.js';
import { DataProblems, readJsonFile, schemaProblems } from './validation.js';

export const MANIFEST_VERSION = 1;
export const SPLITS = ['train', 'val', 'test'] as const;
export type Split = (typeof SPLITS)[number];

/** Why two images were put in one leakage group, in the order they are tried (see `leakage.ts`). */
export const MERGE_REASONS = ['source_item', 'specimen', 'exact_duplicate', 'near_duplicate'] as const;
export type MergeReason = (typeof MERGE_REASONS)[number];

/** A specimen's life stage as recorded; a manifest says `null` where the API says `unknown`, so one label is not two. */
/** The specimen life stages of the API; an unknown stage is `null` here (datasets must not import the api). */
export const MANIFEST_LIFE_STAGES = ['egg', 'larva', 'pupa', 'nymph', 'adult'] as const;

const nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

const ImageRecordSchema = Type.Object(
  {
    path: Type.String({ minLength: 1, description: 'Relative to the manifest root, with `/` separators' }),
    sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
    phash: Type.String({ pattern: PHASH_PATTERN.source }),
    width: Type.Integer({ minimum: 1, description: 'After EXIF orientation' }),
    height: Type.Integer({ minimum: 1 }),
    group: Type.Enum(GROUPS),
    lifeStage: nullable(Type.Enum(MANIFEST_LIFE_STAGES)),
    taxon: Type.String({ minLength: 1, description: 'Taxon id in datasets/taxonomy.json' }),
    common: nullable(Type.String({ minLength: 1, description: "The source's own common-name label, kept for audits" })),
    source: Type.String({ minLength: 1 }),
    licence: Type.String({ minLength: 1 }),
    sourceItem: nullable(Type.String({ minLength: 1, description: 'Original photograph; crops of one share it' })),
    specimenId: nullable(Type.String({ minLength: 1, description: 'Confirmed VectorDesk specimen the photo shows' })),
    split: nullable(Type.Enum(SPLITS)),
  },
  { additionalProperties: false },
);

const ImportSourceSchema = Type.Object(
  {
    format: Type.Enum(['labels_csv', 'folder_per_class', 'confirmed_specimens'], {
      description: "`confirmed_specimens`: a snapshot of experts' confirmed specimens (datasets/snapshot.ts)",
    }),
    mapping: nullable(Type.String({ minLength: 1, description: 'Mapping file, relative to the manifest file' })),
  },
  { additionalProperties: false },
);

const MergedSchema = Type.Object(
  { reason: Type.Enum(MERGE_REASONS), items: Type.Array(Type.String({ minLength: 1 }), { minItems: 2 }) },
  { additionalProperties: false },
);

const SplitPlanSchema = Type.Object(
  {
    seed: Type.Integer({ minimum: 0, maximum: 0xffffffff }),
    fractions: Type.Object(
      {
        train: Type.Number({ minimum: 0, maximum: 1 }),
        val: Type.Number({ minimum: 0, maximum: 1 }),
        test: Type.Number({ minimum: 0, maximum: 1 }),
      },
      { additionalProperties: false },
    ),
    nearDuplicateDistance: Type.Integer({ minimum: 0, maximum: 64 }),
    merged: Type.Array(MergedSchema),
  },
  { additionalProperties: false },
);

const manifestProperties = {
  name: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$', description: 'Also a folder name (prepared inputs)' }),
  version: Type.Literal(MANIFEST_VERSION),
  root: Type.String({ description: 'Folder the image paths are relative to, relative to the manifest file' }),
  createdAt: Type.String({ format: 'date-time' }),
  source: ImportSourceSchema,
  skipped: Type.Array(Type.Object({ path: Type.String(), reason: Type.String() }, { additionalProperties: false }), {
    description: 'Files the import could not read',
  }),
  splits: nullable(SplitPlanSchema),
};
/** The manifest without looking into its images, which are checked one by one so that all their problems show. */
const ManifestEnvelopeSchema = Type.Object({ ...manifestProperties, images: Type.Array(Type.Unknown()) }, { additionalProperties: false });

export type ImageRecord = Static<typeof ImageRecordSchema>;
export type ImportSource = Static<typeof ImportSourceSchema>;
export type SplitPlan = Static<typeof SplitPlanSchema>;
export type MergedGroup = Static<typeof MergedSchema>;
/** A manifest with every image checked (the envelope's images, each an ImageRecord). */
export type Manifest = Omit<Static<typeof ManifestEnvelopeSchema>, 'images'> & { images: ImageRecord[] };
export type ManifestLifeStage = (typeof MANIFEST_LIFE_STAGES)[number];
/** What a labels source says about one image, before the file itself is read. */
export type ImageLabels = Omit<ImageRecord, 'sha256' | 'phash' | 'width' | 'height' | 'split'>;

/** What a model is asked to tell apart; splits are stratified by it. */
export function labelKey(image: Pick<ImageRecord, 'group' | 'lifeStage' | 'taxon'>): string {
  return `${image.group}|${image.lifeStage ?? ''}|${image.taxon}`;
}

export function parseManifest(value: unknown, subject = 'manifest', taxonomy: Taxonomy = checkedInTaxonomy): Manifest {
  const shapeProblems = schemaProblems(ManifestEnvelopeSchema, value);
  if (shapeProblems.length === 0) {
    (value as { images: unknown[] }).images.forEach((image, index) =>
      shapeProblems.push(...schemaProblems(ImageRecordSchema, image, `/images/${index}`)),
    );
  }
  if (shapeProblems.length > 0) throw new DataProblems(subject, shapeProblems);
  const manifest = value as Manifest;
  const problems = [...rootProblems(manifest.root), ...imageProblems(manifest.images, taxonomy), ...splitProblems(manifest)];
  if (problems.length > 0) throw new DataProblems(subject, problems);
  return manifest;
}

function rootProblems(root: string): string[] {
  return path.isAbsolute(root) || root.includes('\\')
    ? [`root ${JSON.stringify(root)} must be relative to the manifest file, with / separators`]
    : [];
}

function imageProblems(images: readonly ImageRecord[], taxonomy: Taxonomy): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const image of images) {
    if (!isPlainRelativePath(image.path))
      problems.push(`${image.path}: path must be relative to root, with / separators and no . or .. parts`);
    if (seen.has(image.path)) problems.push(`${image.path}: listed twice`);
    seen.add(image.path);
    const taxon = taxonomy.get(image.taxon);
    if (!taxon) problems.push(`${image.path}: taxon ${image.taxon} is not in the taxonomy`);
    else if (taxon.group !== image.group) problems.push(`${image.path}: taxon ${image.taxon} is a ${taxon.group}, not a ${image.group}`);
  }
  return problems;
}

function splitProblems(manifest: Manifest): string[] {
  const { splits, images } = manifest;
  if (!splits) {
    const assigned = images.filter((image) => image.split !== null).length;
    return assigned > 0 ? [`${countOf(assigned, 'image')} with a split, but the manifest has no "splits" plan`] : [];
  }
  const problems: string[] = [];
  const total = splits.fractions.train + splits.fractions.val + splits.fractions.test;
  if (Math.abs(total - 1) > 1e-9) problems.push(`split fractions add up to ${Number(total.toFixed(6))}, not 1`);
  const unassigned = images.filter((image) => image.split === null).length;
  if (unassigned > 0) problems.push(`${countOf(unassigned, 'image')} without a split, although the manifest has been split`);
  const paths = new Set(images.map((image) => image.path));
  for (const merged of splits.merged) {
    for (const item of merged.items.filter((item) => !paths.has(item)))
      problems.push(`merged (${merged.reason}) names ${item}, which is not an image of the manifest`);
  }
  return problems;
}

/** Relative, `/`-separated, no `.` or `..` parts: it cannot leave the root, and means the same on every platform. */
export function isPlainRelativePath(file: string): boolean {
  return !file.includes('\\') && file.split('/').every((part) => part !== '' && part !== '.' && part !== '..');
}

export async function readManifest(file: string, taxonomy?: Taxonomy): Promise<Manifest> {
  return parseManifest(await readJsonFile(file), file, taxonomy);
}

/** Validates before writing, so no tool leaves an invalid manifest behind. */
export async function writeManifest(file: string, manifest: Manifest, taxonomy?: Taxonomy): Promise<void> {
  parseManifest(manifest, file, taxonomy);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${formatJson(manifest)}\n`);
}

/** Absolute folder the manifest's image paths are relative to. */
export function manifestRoot(manifestFile: string, manifest: Pick<Manifest, 'root'>): string {
  return path.resolve(path.dirname(manifestFile), manifest.root);
}

/** `target` relative to the manifest file's folder, with `/` separators, as manifests store paths. */
export function relativeToManifest(manifestFile: string, target: string): string {
  return toPosix(path.relative(path.dirname(path.resolve(manifestFile)), path.resolve(target))) || '.';
}

export function toPosix(file: string): string {
  return file.split(path.sep).join('/');
}

/** Indented JSON in which each object inside an array takes one line, so a diff shows one line per changed image. */
function formatJson(value: unknown, indent = ''): string {
  const inner = `${indent}  `;
  if (Array.isArray(value) && value.length > 0) {
    const items = value.map((item) => inner + (isObject(item) ? JSON.stringify(item) : formatJson(item, inner)));
    return `[\n${items.join(',\n')}\n${indent}]`;
  }
  if (isObject(value) && Object.keys(value).length > 0) {
    const entries = Object.entries(value).map(([key, item]) => `${inner}${JSON.stringify(key)}: ${formatJson(item, inner)}`);
    return `{\n${entries.join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
