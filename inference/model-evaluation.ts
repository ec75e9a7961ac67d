import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { OnnxClassifier } from './classifier.js';
import { evaluate, type EvaluationReport, type ScoredExample } from './evaluation.js';
import { findModelPackageDirs, loadModelPackage, type ModelCard, type ModelPackage } from './model-package.js';
import { toProbabilities } from './probabilities.js';

export interface LabelledImage {
  file: string;
  group: string | null;
  lifeStage: string | null;
  taxon: string | null;
  /** A folder's name, matched against label ids as well as taxa. */
  folder?: string;
}

/** A package directory, `name@version`, or `name` (its newest version under `modelsDir`). */
export async function resolveModel(reference: string, modelsDir: string) {
  const asPath = path.resolve(reference);
  if (await isDirectory(asPath)) return loadModelPackage(asPath);
  const [name, version] = reference.split('@');
  const versions = (await findModelPackageDirs(path.resolve(modelsDir))).get(name!);
  const directory = version ? versions?.find((candidate) => path.basename(candidate) === version) : versions?.[0];
  if (!directory) throw new Error(`no model package ${reference} under ${modelsDir}`);
  return loadModelPackage(directory);
}

/** Scores every image that is a label or an unknown for this model and measures the result. */
export async function evaluateModel(
  modelPackage: ModelPackage,
  images: LabelledImage[],
): Promise<{ ref: string; report: EvaluationReport }> {
  const classifier = await OnnxClassifier.load(modelPackage);
  const examples: ScoredExample[] = [];
  const chosen = images.flatMap((image) => {
    const label = labelFor(modelPackage.card, image);
    return label === 'skip' ? [] : [{ image, label }];
  });
  for (let start = 0; start < chosen.length; start += 64) {
    const batch = chosen.slice(start, start + 64);
    const tensors = await Promise.all(batch.map(({ image }) => classifier.tensorOf(image.file)));
    const logProbabilities = await classifier.logProbabilities(tensors);
    batch.forEach(({ label }, index) => examples.push({ probabilities: toProbabilities(logProbabilities[index]!), label }));
  }
  await classifier.release();
  const { card } = modelPackage;
  return {
    ref: modelPackage.ref,
    report: evaluate(
      card.labels.map((label) => label.id),
      examples,
      card.rejection.threshold,
    ),
  };
}

/**
 * Which label an image is, for this model: an index, `null` for an unknown the model should reject
 * (another group or life stage than a refining model covers), or `skip` when it belongs to the model's scope
 * but is labelled less specifically than the model's labels.
 */
export function labelFor(card: ModelCard, image: LabelledImage): number | null | 'skip' {
  if (image.folder !== undefined) {
    const index = card.labels.findIndex((label) => label.id === image.folder || label.taxon === image.folder);
    return index >= 0 ? index : null;
  }
  const sameStage = (a: string | null, b: string | null) => a === null || b === null || a === b;
  if (card.task === 'group') {
    const index = card.labels.findIndex((label) => label.group === image.group && sameStage(label.lifeStage, image.lifeStage));
    return index >= 0 ? index : null;
  }
  const scope = card.labels[0]!;
  if (image.group !== scope.group || !sameStage(scope.lifeStage, image.lifeStage)) return null;
  const index = card.labels.findIndex((label) => image.taxon === label.taxon || image.taxon?.startsWith(`${label.taxon} `));
  return index >= 0 ? index : 'skip';
}

/** Images with their labels from a dataset manifest (one split, or `all`) or from a folder of label folders. */
export async function labelledImages(source: string, split: string): Promise<LabelledImage[]> {
  if (await isDirectory(source)) {
    const images: LabelledImage[] = [];
    for (const folder of await readdir(source)) {
      if (!(await isDirectory(path.join(source, folder)))) continue;
      for (const file of await readdir(path.join(source, folder))) {
        images.push({ file: path.join(source, folder, file), group: null, lifeStage: null, taxon: null, folder });
      }
    }
    return images;
  }
  const manifest = JSON.parse(await readFile(source, 'utf8')) as {
    root: string;
    images: { path: string; group: string; lifeStage: string | null; taxon: string | null; split: string | null }[];
  };
  const root = path.resolve(path.dirname(source), manifest.root);
  return manifest.images
    .filter((image) => split === 'all' || image.split === split)
    .map((image) => ({ file: path.join(root, image.path), group: image.group, lifeStage: image.lifeStage, taxon: image.taxon }));
}

async function isDirectory(candidate: string): Promise<boolean> {
  return stat(candidate).then(
    (info) => info.isDirectory(),
    () => false,
  );
}
