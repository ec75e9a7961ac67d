import { stat } from 'node:fs/promises';
import path from 'node:path';
import { findModelPackageDirs, loadModelPackage, type ModelCard } from './model-package.js';

/** Headline test metrics a package's card records (`model.json` → `metrics.test`). */
export interface RecordedMetrics {
  top1?: number;
  top3?: number;
  ece?: number;
  rejectionAuroc?: number | null;
}

/** One package version found on disk, verified or not. */
export interface RegisteredModel {
  name: string;
  version: string;
  ref: string;
  directory: string;
  /** `model.onnx` matches the card's sha256 and the card is valid. */
  verified: boolean;
  /** Why the package cannot be used, when it is not verified. */
  error: string | null;
  task: ModelCard['task'] | null;
  parentLabel: string | null;
  /** The package this one takes the place of in the identification chain (`replaces` in its card). */
  replaces: string | null;
  sha256: string | null;
  onnxBytes: number | null;
  metrics: RecordedMetrics | null;
}

/** What a package's files looked like when it was verified: unchanged files need no second sha256. */
type FileStamp = string;

async function stampOf(directory: string): Promise<FileStamp> {
  const files = await Promise.all(
    ['model.json', 'model.onnx'].map((file) =>
      stat(path.join(directory, file)).then(
        (info) => `${info.size}:${info.mtimeMs}`,
        () => 'missing',
      ),
    ),
  );
  return files.join('|');
}

/**
 * Every version of every package under `modelsDir`, newest version first per name; broken ones say why.
 * With `previous` (an earlier scan's cache), packages whose files did not change are not hashed again.
 */
export async function scanModels(
  modelsDir: string,
  previous?: Map<string, { stamp: FileStamp; model: RegisteredModel }>,
): Promise<RegisteredModel[]> {
  const found: RegisteredModel[] = [];
  for (const [name, directories] of await findModelPackageDirs(modelsDir)) {
    for (const directory of directories) {
      const version = directory.split(/[\\/]/).at(-1) ?? '';
      const stamp = previous ? await stampOf(directory) : '';
      const known = previous?.get(directory);
      if (known && known.stamp === stamp) {
        found.push(known.model);
        continue;
      }
      const model = await verifyPackage(name, version, directory);
      previous?.set(directory, { stamp, model });
      found.push(model);
    }
  }
  return found;
}

async function verifyPackage(name: string, version: string, directory: string): Promise<RegisteredModel> {
  try {
    const modelPackage = await loadModelPackage(directory);
    const { card } = modelPackage;
    return {
      name,
      version,
      ref: modelPackage.ref,
      directory,
      verified: true,
      error: null,
      task: card.task,
      parentLabel: card.parentLabel,
      replaces: card.replaces ?? null,
      sha256: card.sha256,
      onnxBytes: (await stat(modelPackage.onnxPath)).size,
      metrics: ((card as { metrics?: { test?: RecordedMetrics } }).metrics?.test ?? null) as RecordedMetrics | null,
    };
  } catch (error) {
    return {
      name,
      version,
      ref: `${name}@${version}`,
      directory,
      verified: false,
      error: error instanceof Error ? error.message : String(error),
      task: null,
      parentLabel: null,
      replaces: null,
      sha256: null,
      onnxBytes: null,
      metrics: null,
    };
  }
}

/**
 * The versions to serve: `preferred` where that version is verified, else the newest verified version of each
 * package. Packages with no verified version are left out (and reported by `scanModels`).
 */
export function chooseActiveVersions(models: RegisteredModel[], preferred: Record<string, string> = {}): Record<string, string> {
  const active: Record<string, string> = {};
  for (const name of new Set(models.map((model) => model.name))) {
    const usable = models.filter((model) => model.name === name && model.verified);
    const chosen = usable.find((model) => model.version === preferred[name]) ?? usable[0];
    if (chosen) active[name] = chosen.version;
  }
  return active;
}
