import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
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

/** Copies the committed packages, without their training files, to `modelsDir`; returns it. */
export async function copyOfCommittedModels(modelsDir: string): Promise<string> {
  await cp(MODELS_DIR, modelsDir, {
    recursive: true,
    filter: (source) => !source.includes(`${path.sep}training`) && !source.endsWith('.pt'),
  });
  return modelsDir;
}

/**
 * A new temporary models dir (the caller removes it) holding the committed packages, without their training files,
 * plus `version` of the `name` package: the same network under another version number, so both answer alike.
 */
export async function modelsDirWithSecondVersion(name: string, version: string): Promise<string> {
  const modelsDir = await copyOfCommittedModels(await mkdtemp(path.join(os.tmpdir(), 'vectordesk-models-')));
  const second = path.join(modelsDir, name, version);
  await cp(await newestPackageDir(name), second, { recursive: true, filter: (source) => !source.endsWith('.pt') });
  const card = JSON.parse(await readFile(path.join(second, 'model.json'), 'utf8')) as Record<string, unknown>;
  await writeFile(path.join(second, 'model.json'), JSON.stringify({ ...card, version }));
  return modelsDir;
}

/** The shared photographs (`../shared/datasets/vectors-v1`), present on CI and developer machines, not in the repository. */
export const SHARED_DATASET_DIR = path.resolve('..', 'shared', 'datasets', 'vectors-v1');
export const sharedDatasetAvailable = existsSync(path.join(SHARED_DATASET_DIR, 'labels.csv'));
