import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { Type, type Static } from 'typebox';
import { resolveLabel, type Label } from './label-resolution.js';
import { toPosix, type ImageLabels } from './manifest.js';
import type { Taxonomy } from './taxonomy.js';
import { DataProblems, readJsonFile, schemaProblems } from './validation.js';

const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp', '.tif', '.tiff', '.avif', '.gif']);

const ClassSchema = Type.Object(
  {
    taxon: Type.Union([Type.String({ minLength: 1 }), Type.Null()], { description: "Taxon id; null: the group's own taxon" }),
    group: Type.String({ minLength: 1 }),
    lifeStage: Type.Union([Type.String({ minLength: 1 }), Type.Null()]),
    common: Type.Optional(Type.String({ minLength: 1 })),
  },
  { additionalProperties: false },
);

const MappingSchema = Type.Object(
  {
    description: Type.Optional(Type.String()),
    source: Type.String({ minLength: 1, description: 'Recorded as every image’s `source`' }),
    licence: Type.String({ minLength: 1 }),
    classes: Type.Record(Type.String({ minLength: 1 }), ClassSchema, { description: 'Folder name → label' }),
  },
  { additionalProperties: false },
);

export interface FolderTree {
  labels: ImageLabels[];
  /** Files that are not images by their extension, or that lie outside any class folder. */
  ignored: string[];
}

/**
 * The labels of a plain folder-per-class tree (`<folder>/<class>/**\/<image>`), every class folder named in the
 * checked-in mapping file. Each file is its own photograph (no `sourceItem`): near-duplicate search is what
 * still catches one photo filed twice.
 */
export async function readFolderTree(folder: string, mappingFile: string, taxonomy: Taxonomy): Promise<FolderTree> {
  const mapping = await readMapping(mappingFile, taxonomy);
  const entries = await readdir(folder, { withFileTypes: true });
  const classFolders = entries
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
    .map((entry) => entry.name)
    .sort();
  const unmapped = classFolders.filter((name) => !mapping.classes.has(name));
  if (unmapped.length > 0) {
    throw new DataProblems(
      folder,
      unmapped.map((name) => `folder ${JSON.stringify(name)} is not in the mapping ${mappingFile}`),
    );
  }

  const labels: ImageLabels[] = [];
  const ignored = entries.filter((entry) => !entry.isDirectory()).map((entry) => entry.name);
  for (const className of classFolders) {
    const label = mapping.classes.get(className)!;
    const files = await readdir(path.join(folder, className), { recursive: true, withFileTypes: true });
    for (const file of files.filter((entry) => entry.isFile())) {
      const relative = toPosix(path.relative(folder, path.join(file.parentPath, file.name)));
      if (!IMAGE_EXTENSIONS.has(path.extname(file.name).toLowerCase())) {
        ignored.push(relative);
        continue;
      }
      labels.push({ path: relative, ...label, source: mapping.source, licence: mapping.licence, sourceItem: null, specimenId: null });
    }
  }
  return { labels, ignored: ignored.sort() };
}

interface ClassLabel extends Label {
  common: string | null;
}

export interface Mapping {
  source: string;
  licence: string;
  classes: ReadonlyMap<string, ClassLabel>;
}

/** Reads a mapping file and resolves every class against the taxonomy, reporting all bad classes at once. */
export async function readMapping(file: string, taxonomy: Taxonomy): Promise<Mapping> {
  const value = await readJsonFile(file);
  const shapeProblems = schemaProblems(MappingSchema, value);
  if (shapeProblems.length > 0) throw new DataProblems(file, shapeProblems);
  const mapping = value as Static<typeof MappingSchema>;
  const classes = new Map<string, ClassLabel>();
  const problems: string[] = [];
  for (const [name, entry] of Object.entries(mapping.classes)) {
    const resolved = resolveLabel(entry, taxonomy);
    if ('problem' in resolved) problems.push(`classes.${name}: ${resolved.problem}`);
    else classes.set(name, { ...resolved.label, common: entry.common ?? null });
  }
  if (problems.length > 0) throw new DataProblems(file, problems);
  return { source: mapping.source, licence: mapping.licence, classes };
}
