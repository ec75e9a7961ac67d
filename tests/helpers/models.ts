import { existsSync } from 'node:fs';
import path from 'node:path';
import { findModelPackageDirs } from '../../inference/model-package.js';

/** The model packages committed with the project: real trained models, used by tests with generated images. */
export const MODELS_DIR = path.resolve('models');

/** The newest version of the named package. */
export async function newestPackageDir(name: string): Promise<string> {
  const versions = (await findModelPackageDirs(MODELS_DIR)).get(name);
  if (!versions?.[0]) throw new Error(`no model package ${name} under ${MODELS_DIR}`);
  return versions[0];
}

/** The shared photographs (`../shared/datasets/vectors-v1`), present on CI and developer machines, not in the repository. */
export const SHARED_DATASET_DIR = path.resolve('..', 'shared', 'datasets', 'vectors-v1');
export const sharedDatasetAvailable = existsSync(path.join(SHARED_DATASET_DIR, 'labels.csv'));
