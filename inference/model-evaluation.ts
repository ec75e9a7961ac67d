import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { OnnxClassifier } from './classifier.js';
import {
  evaluate,
  evaluateLevels,
  type EvaluationReport,
  type LevelledExample,
  type LevelReport,
  type ScoredExample,
} from './evaluation.js';
import { genusOf, type Identification, type LevelAnswer } from './identification-chain.js';
import { VectorIdentifier } from './identifier.js';
import { findModelPackageDirs, loadModelPackage, type ModelCard, type ModelPackage } from './model-package.js';
import { mirrored } from './preprocessing.js';
import { meanOfLogProbabilities, toProbabilities, topIndices } from './probabilities.js';

export interface LabelledImage {
  file: string;
  group: string | null;
  lifeStage: string | null;
  taxon: string | null;
  /** A folder's name, matched against label ids as well as taxa. */
  folder?: string;
  /** Where a manifest's image came from (its `source`): photo styles differ by source. */
  source?: string;
}

/** Top-1 on the labelled images of one source. */
export interface SourceTopOne {
  source: string;
  examples: number;
  top1: number;
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

/**
 * How each image is scored: as served (`single`), or with test-time augmentation — the image and its mirror image
 * combined as two views of one specimen are (`flip`: twice the model runs).
 */
export type EvaluationViews = 'single' | 'flip';

/** Scores every image that is a label or an unknown for this model and measures the result. */
export async function evaluateModel(
  modelPackage: ModelPackage,
  images: LabelledImage[],
  views: EvaluationViews = 'single',
): Promise<{ ref: string; report: EvaluationReport; bySource: SourceTopOne[] }> {
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
    const mirrors =
      views === 'flip' ? await classifier.logProbabilities(tensors.map((tensor) => mirrored(tensor, classifier.card.input.size))) : [];
    batch.forEach(({ label }, index) => {
      const scored = views === 'flip' ? meanOfLogProbabilities([logProbabilities[index]!, mirrors[index]!]) : logProbabilities[index]!;
      examples.push({ probabilities: toProbabilities(scored), label });
    });
  }
  await classifier.release();
  const { card } = modelPackage;
  return {
    ref: modelPackage.ref,
    bySource: topOneBySource(
      examples,
      chosen.map(({ image }) => image.source),
    ),
    report: evaluate(
      card.labels.map((label) => label.id),
      examples,
      card.rejection.threshold,
    ),
  };
}

/** Top-1 per source over the labelled examples (unknowns left out), largest source first; none without sources. */
function topOneBySource(examples: ScoredExample[], sources: (string | undefined)[]): SourceTopOne[] {
  const tally = new Map<string, { examples: number; correct: number }>();
  examples.forEach((example, index) => {
    const source = sources[index];
    if (source === undefined || example.label === null) return;
    const counts = tally.get(source) ?? { examples: 0, correct: 0 };
    counts.examples += 1;
    if (topIndices(example.probabilities, 1)[0] === example.label) counts.correct += 1;
    tally.set(source, counts);
  });
  return [...tally]
    .map(([source, counts]) => ({ source, examples: counts.examples, top1: counts.correct / counts.examples }))
    .sort((a, b) => b.examples - a.examples || a.source.localeCompare(b.source));
}

/**
 * The whole chain (the newest version of each package under `modelsDir`) on every image with a known group,
 * each image judged alone, level by level: how often it commits at each level, how often it is then right,
 * and whether each level's joint confidence is calibrated.
 */
export async function evaluateChain(modelsDir: string, images: LabelledImage[]): Promise<{ models: string[]; report: LevelReport }> {
  const identifier = await VectorIdentifier.fromModelsDir(modelsDir);
  const genera = new Set(
    [...identifier.refiners.values()].flatMap((refiner) => refiner.card.labels.flatMap((label) => genusOf(label) ?? [])),
  );
  const known = images.filter((image) => image.group !== null);
  const examples: LevelledExample[] = [];
  for (let start = 0; start < known.length; start += 32) {
    const batch = known.slice(start, start + 32);
    const outcomes = await identifier.identifySpecimens(batch.map((image) => [image.file]));
    outcomes.forEach((outcome, index) => {
      if ('identification' in outcome) examples.push(judgeLevels(outcome.identification, batch[index]!, genera));
    });
  }
  await Promise.all(identifier.classifiers.map((classifier) => classifier.release()));
  return { models: identifier.classifiers.map((classifier) => classifier.modelPackage.ref), report: evaluateLevels(examples) };
}

/**
 * An answer against an image's labels. The true genus is known when the image is labelled with a species, or with
 * a genus the models can name; the true species only when labelled with one. A genus or species answered for an image
 * of another group is wrong whatever its labels.
 */
export function judgeLevels(
  identification: Pick<Identification, 'group' | 'lifeStage' | 'committedLevel' | 'levels'>,
  image: Pick<LabelledImage, 'group' | 'lifeStage' | 'taxon'>,
  genera: ReadonlySet<string>,
): LevelledExample {
  const words = image.taxon?.split(' ') ?? [];
  const truth = {
    group: identification.group === image.group && sameStage(identification.lifeStage, image.lifeStage),
    genus: words.length >= 2 ? words[0]! : image.taxon !== null && genera.has(image.taxon) ? image.taxon : null,
    species: words.length >= 2 ? words.slice(0, 2).join(' ') : null,
  };
  const { group, genus, species } = identification.levels;
  // Where the labels stop short of a level, an answer there is still wrong when its group is.
  const judged = (answer: LevelAnswer, trueTaxon: string | null) => ({
    confidence: answer.confidence,
    correct: trueTaxon !== null ? answer.taxon === trueTaxon : truth.group ? null : false,
  });
  return {
    committedLevel: identification.committedLevel,
    levels: {
      group: { confidence: group.confidence, correct: truth.group },
      ...(genus ? { genus: judged(genus, truth.genus) } : {}),
      ...(species ? { species: judged(species, truth.species) } : {}),
    },
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
    images: { path: string; group: string; lifeStage: string | null; taxon: string | null; split: string | null; source?: string }[];
  };
  const root = path.resolve(path.dirname(source), manifest.root);
  return manifest.images
    .filter((image) => split === 'all' || image.split === split)
    .map((image) => ({
      file: path.join(root, image.path),
      group: image.group,
      lifeStage: image.lifeStage,
      taxon: image.taxon,
      ...(image.source === undefined ? {} : { source: image.source }),
    }));
}

function sameStage(a: string | null, b: string | null): boolean {
  return a === null || b === null || a === b;
}

async function isDirectory(candidate: string): Promise<boolean> {
  return stat(candidate).then(
    (info) => info.isDirectory(),
    () => false,
  );
}
