import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, stat, symlink } from 'node:fs/promises';
import path from 'node:path';
import { writeCombinedManifest } from '../../datasets/combine.js';
import { readSnapshot, SNAPSHOT_FILES } from '../../datasets/snapshot.js';
import { gateReports, type GateReport } from '../evaluation.js';
import { evaluateModel, labelledImages, resolveModel } from '../model-evaluation.js';
import { loadModelPackage, type ModelPackage } from '../model-package.js';
import { chooseActiveVersions, scanModels } from '../model-registry.js';
import { prepareTrainingInputs } from '../training-inputs.js';
import { registerPackage, type DatasetRef } from './lineage.js';
import { runTraining } from './training-run.js';

export const RETRAIN_PHASES = ['preparing', 'training', 'evaluating', 'gating', 'registering'] as const;
export type RetrainPhase = (typeof RETRAIN_PHASES)[number];

export interface RetrainProgress {
  phase: RetrainPhase;
  /** 0 to 1 over the whole run. */
  progress: number;
  /** While training: the epoch finished and the most the trainer may run. */
  epoch?: number;
  epochs?: number;
}

export interface RetrainOptions {
  model: string;
  /** Dataset snapshot manifests (confirmed specimens), first in the combined manifest. */
  snapshots: string[];
  /** Base manifests trained on as well (e.g. `datasets/manifests/vectors-v1.json`). */
  base: string[];
  modelsDir: string;
  /** A folder of this run's own: the combined manifest, its links and the staged package (removed at the end). */
  workDir: string;
  python: string;
  /** `models/training/train_all.py` of the repository whose `var/prepared` the trainer reads. */
  script: string;
  /** The version to measure against (package directory or `name@version`); default the one served without a choice. */
  against?: string;
  /** Recall a class may lose, absolute (0.02 = two points). */
  margin: number;
  /** Default: the version measured against's input size and backbone. */
  size?: number;
  backbone?: string;
  maxEpochs?: number;
  /**
   * Train from the pretrained trunk (or the group network) rather than continue from the version measured against,
   * which is the default when it kept its checkpoint and the size and backbone stay the same.
   */
  fresh?: boolean;
  /** `KEY=VALUE` overrides of the trainer's configuration. */
  set?: string[];
  /** Default: today's date, `YYYY.MM.DD`, with `-2`, `-3`… when that version exists. */
  version?: string;
  onProgress?: (progress: RetrainProgress) => void;
  signal?: AbortSignal;
}

export interface RetrainOutcome {
  model: string;
  /** `name@version` of the candidate. */
  candidate: string;
  parent: string;
  snapshots: DatasetRef[];
  base: DatasetRef[];
  gate: GateReport;
  /** Where the registered package lies; null when the gate refused it. */
  registered: string | null;
}

/**
 * Retrain → evaluate → gate → register (ADR 0032): combines the snapshots with the base data into one manifest,
 * prepares the serving pixels, trains the model into a staging folder, measures the candidate and the active version
 * with the service's own evaluation on the same test split, and registers the candidate only if it passes the gate.
 * Registering does not activate it.
 */
export async function retrain(options: RetrainOptions): Promise<RetrainOutcome> {
  const report = options.onProgress ?? (() => {});
  const active = await activePackage(options);
  const size = options.size ?? active.card.input.size;
  const backbone = options.backbone ?? backboneOf(active);
  const version = options.version ?? (await freeVersion(options.modelsDir, options.model));
  const repoRoot = path.resolve(path.dirname(options.script), '..', '..');
  const staging = path.join(options.workDir, 'packages');
  const combined = path.join(options.workDir, 'data', 'manifest.json');

  await rm(options.workDir, { recursive: true, force: true });
  try {
    report({ phase: 'preparing', progress: 0 });
    const snapshots = await Promise.all(options.snapshots.map(snapshotRef));
    const base = await Promise.all(options.base.map(datasetRef));
    await writeCombinedManifest(combined, `retrain-${options.model}`, [...options.snapshots, ...options.base]);
    const prepared = await prepareTrainingInputs(
      combined,
      { size, resize: 'contain', padColor: [127, 127, 127] },
      path.join(repoRoot, 'var', 'prepared'),
      (done, total) => report({ phase: 'preparing', progress: (0.1 * done) / total }),
    );
    if (prepared.failures.length > 0)
      throw new Error(`${prepared.failures.length} images could not be prepared, e.g. ${prepared.failures[0]}`);

    report({ phase: 'training', progress: 0.1 });
    const warmStart = await parentCheckpoint(options, active, size, backbone);
    // Continuing from its parent, a species/genus model needs no group network to start from.
    if (!warmStart) await startFromGroupNetwork(options, staging, version);
    await runTraining({
      python: options.python,
      script: options.script,
      args: [
        ...['--manifest', combined, '--size', String(size), '--version', version, '--out', staging, '--only', options.model],
        ...(backbone ? ['--backbone', backbone] : []),
        ...(options.maxEpochs ? ['--max-epochs', String(options.maxEpochs)] : []),
        ...(warmStart ? ['--set', `warm_start=${warmStart}`] : []),
        ...(options.set ?? []).flatMap((setting) => ['--set', setting]),
      ],
      onEpoch: (epoch, epochs) => report({ phase: 'training', progress: 0.1 + (0.75 * Math.min(epoch, epochs)) / epochs, epoch, epochs }),
      signal: options.signal,
    });

    report({ phase: 'evaluating', progress: 0.85 });
    const candidate = await loadModelPackage(path.join(staging, options.model, version));
    const images = await labelledImages(combined, 'test');
    const candidateReport = await evaluateModel(candidate, images);
    report({ phase: 'evaluating', progress: 0.9 });
    const activeReport = await evaluateModel(active, images);

    report({ phase: 'gating', progress: 0.95 });
    const gate = gateReports(activeReport.report, candidateReport.report, options.margin);
    const outcome = { model: options.model, candidate: candidate.ref, parent: active.ref, snapshots, base, gate, registered: null };
    if (!gate.passed) return outcome;
    report({ phase: 'registering', progress: 0.98 });
    const registered = await registerPackage(candidate.directory, options.modelsDir, { snapshots, base, parent: active.ref, gate });
    return { ...outcome, registered };
  } finally {
    await rm(options.workDir, { recursive: true, force: true });
  }
}

async function activePackage(options: RetrainOptions): Promise<ModelPackage> {
  if (options.against) return resolveModel(options.against, options.modelsDir);
  const models = await scanModels(options.modelsDir);
  const version = chooseActiveVersions(models)[options.model];
  const found = models.find((model) => model.name === options.model && model.version === version);
  if (!found) throw new Error(`no usable version of ${options.model} under ${options.modelsDir} to measure a new one against`);
  return loadModelPackage(found.directory);
}

/**
 * The checkpoint the candidate continues from (ADR 0036): the version it is measured against, so what that version
 * learnt is kept and the new data is added to it — where it kept its checkpoint and the network keeps its shape.
 */
async function parentCheckpoint(options: RetrainOptions, active: ModelPackage, size: number, backbone: string | undefined) {
  if (options.fresh || size !== active.card.input.size || backbone !== backboneOf(active)) return undefined;
  const checkpoint = path.resolve(active.directory, 'checkpoint.pt');
  return (await exists(checkpoint)) ? checkpoint : undefined;
}

/** The backbone a package was trained from, as its card's provenance records it. */
function backboneOf(model: ModelPackage): string | undefined {
  return (model.card as { provenance?: { backbone?: string } }).provenance?.backbone;
}

/**
 * The trainer starts a species/genus model from the group model's network of the same version in its output folder
 * (as `train_all.py` does when it trains all four): here, the serving group model's checkpoint, where it kept one.
 */
async function startFromGroupNetwork(options: RetrainOptions, staging: string, version: string): Promise<void> {
  const group = 'vector-group';
  if (options.model === group) return;
  const versions = chooseActiveVersions(await scanModels(options.modelsDir));
  if (!versions[group]) return;
  const checkpoint = path.resolve(options.modelsDir, group, versions[group], 'checkpoint.pt');
  if (!(await exists(checkpoint))) return;
  await mkdir(path.join(staging, group, version), { recursive: true });
  await symlink(checkpoint, path.join(staging, group, version, 'checkpoint.pt'));
}

/**
 * A snapshot written by the service (`snapshot.json` beside its manifest) is first checked file by file, so a package
 * never records a snapshot that was changed after it was taken; any other manifest is named by its hash alone.
 */
async function snapshotRef(file: string): Promise<DatasetRef> {
  const folder = path.dirname(file);
  if (!(await exists(path.join(folder, SNAPSHOT_FILES.summary)))) return datasetRef(file);
  const { name, manifestSha256 } = await readSnapshot(folder);
  return { name, manifestSha256 };
}

async function datasetRef(file: string): Promise<DatasetRef> {
  const bytes = await readFile(file);
  const { name } = JSON.parse(bytes.toString('utf8')) as { name: string };
  return { name, manifestSha256: createHash('sha256').update(bytes).digest('hex') };
}

async function freeVersion(modelsDir: string, model: string, today = new Date()): Promise<string> {
  const date = today.toISOString().slice(0, 10).replaceAll('-', '.');
  for (let suffix = 1; ; suffix += 1) {
    const version = suffix === 1 ? date : `${date}-${suffix}`;
    if (!(await exists(path.join(modelsDir, model, version)))) return version;
  }
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}
