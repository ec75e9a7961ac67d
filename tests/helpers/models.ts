import { createHash } from 'node:crypto';
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
/** Where the shared photographs are: vectors-v1 and vectors-v2 side by side, as the committed manifests expect. */
export const SHARED_DATASET_DIR = path.resolve('..', 'shared', 'datasets');
export const sharedDatasetAvailable = ['vectors-v1', 'vectors-v2'].every((name) =>
  existsSync(path.join(SHARED_DATASET_DIR, name, 'labels.csv')),
);

/**
 * The manifest a package was trained and tested on, committed under `datasets/manifests/`: the one its trainer
 * recorded, or — for a retrained package, whose combined manifest lived in the run's own folder — its one base
 * manifest, checked against the hash the package recorded for it.
 */
export async function trainingManifest(packageDir: string): Promise<string> {
  const card = JSON.parse(await readFile(path.join(packageDir, 'model.json'), 'utf8')) as {
    provenance: { manifest: string };
    training?: { snapshots?: unknown[]; base?: { name: string; manifestSha256: string }[] };
  };
  const base = card.training?.base;
  if (!base) return path.resolve(card.provenance.manifest);
  if (base.length !== 1 || card.training?.snapshots?.length) throw new Error(`${packageDir} was trained on more than one manifest`);
  const file = path.resolve('datasets', 'manifests', `${base[0]!.name}.json`);
  const sha256 = createHash('sha256')
    .update(await readFile(file))
    .digest('hex');
  if (sha256 !== base[0]!.manifestSha256) throw new Error(`${file} is not the manifest ${packageDir} was trained on`);
  return file;
}
