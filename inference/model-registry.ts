import { stat } from 'node:fs/promises';
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
  sha256: string | null;
  onnxBytes: number | null;
  metrics: RecordedMetrics | null;
}

/** Every version of every package under `modelsDir`, newest version first per name; broken ones say why. */
export async function scanModels(modelsDir: string): Promise<RegisteredModel[]> {
  const found: RegisteredModel[] = [];
  for (const [name, directories] of await findModelPackageDirs(modelsDir)) {
    for (const directory of directories) {
      const version = directory.split(/[\\/]/).at(-1) ?? '';
      try {
        const modelPackage = await loadModelPackage(directory);
        const { card } = modelPackage;
        found.push({
          name,
          version,
          ref: modelPackage.ref,
          directory,
          verified: true,
          error: null,
          task: card.task,
          parentLabel: card.parentLabel,
          sha256: card.sha256,
          onnxBytes: (await stat(modelPackage.onnxPath)).size,
          metrics: ((card as { metrics?: { test?: RecordedMetrics } }).metrics?.test ?? null) as RecordedMetrics | null,
        });
      } catch (error) {
        found.push({
          name,
          version,
          ref: `${name}@${version}`,
          directory,
          verified: false,
          error: error instanceof Error ? error.message : String(error),
          task: null,
          parentLabel: null,
          sha256: null,
          onnxBytes: null,
          metrics: null,
        });
      }
    }
  }
  return found;
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
