import { performance } from 'node:perf_hooks';
import { OnnxClassifier, type ClassifierOptions } from './classifier.js';
import { identifyGroup, refineIdentification, type Identification, type ScoringModel } from './identification-chain.js';
import { findModelPackageDirs, loadModelPackage } from './model-package.js';
import { measurePhoto, type PhotoMeasures } from './photo-measures.js';
import { decodePhoto, normalise, pixelsFor, policyKey, type DecodedPhoto } from './preprocessing.js';
import { meanOfLogProbabilities, toProbabilities, topIndices } from './probabilities.js';

export type { Identification, TaxonScore } from './identification-chain.js';

export type ImageInput = Buffer | string;

export type SpecimenOutcome = { identification: Identification; failedImages: { index: number; error: string }[] } | { error: string };

/**
 * One image of a specimen judged alone by the same chain, with the intake's measures of it when they were asked for;
 * or why it could not be read.
 */
export type ImageOutcome = { index: number; identification: Identification; measures?: PhotoMeasures } | { index: number; error: string };

/** A specimen's aggregated identification (as `identifySpecimens` gives it) and each of its images' own. */
export type DetailedSpecimenOutcome =
  { identification: Identification; images: ImageOutcome[] } | { error: string; images: ImageOutcome[] };

export interface IdentificationTimings {
  /** Decoding, resizing and normalising images (wall time). */
  preprocessMs: number;
  /** onnxruntime runs (wall time). */
  inferenceMs: number;
}

export interface DetailedIdentification {
  specimens: DetailedSpecimenOutcome[];
  timings: IdentificationTimings;
}

/** [specimen, image] */
type ImageRef = readonly [number, number];

/**
 * The images of one call and what has been computed for them: each image decoded once, its pixels per input policy
 * and its tensor per model input resampled from that decode, and log-probabilities per image and model, each
 * computed at most once. Passing the same batch to several identifiers (a shadow model set) recomputes only what the
 * other models need.
 */
export class ImageBatch {
  readonly timings: IdentificationTimings = { preprocessMs: 0, inferenceMs: 0 };
  private readonly photos = new Map<string, Promise<DecodedPhoto | Error>>();
  private readonly pixels = new Map<string, Promise<Buffer | Error>>();
  private readonly tensorMemo = new Map<string, Promise<Float32Array | Error>>();
  private readonly scoresByModel = new Map<OnnxClassifier, Map<string, Float64Array | Error>>();

  /** `measured[specimen]`: also measure that specimen's photos for the intake ({@link measures}). */
  constructor(
    readonly specimens: readonly (readonly ImageInput[])[],
    private readonly measured: readonly boolean[] = [],
  ) {}

  get imageRefs(): ImageRef[] {
    return this.specimens.flatMap((images, specimen) => images.map((_, image) => [specimen, image] as const));
  }

  /** The model's input tensor for each image, or why the image could not be read. */
  async tensors(classifier: OnnxClassifier, refs: readonly ImageRef[]): Promise<(Float32Array | Error)[]> {
    const input = classifier.card.input;
    const policy = policyKey(input);
    const tensorKey = JSON.stringify(input);
    const started = performance.now();
    const tensors = await Promise.all(
      refs.map((ref) =>
        memoised(this.tensorMemo, `${tensorKey}|${refKey(ref)}`, async () => {
          const pixels = await memoised(this.pixels, `${policy}|${refKey(ref)}`, async () => {
            const photo = await this.photo(ref);
            return photo instanceof Error ? photo : pixelsFor(photo, input);
          });
          return pixels instanceof Error ? pixels : normalise(pixels, input);
        }),
      ),
    );
    this.timings.preprocessMs += performance.now() - started;
    return tensors;
  }

  /** The intake's measures of the readable images of the specimens this batch measures, by image key. */
  async measuresOf(refs: readonly ImageRef[]): Promise<Map<string, PhotoMeasures>> {
    const started = performance.now();
    const measured = await Promise.all(
      refs
        .filter((ref) => this.measured[ref[0]])
        .map(async (ref) => {
          const photo = await this.photo(ref);
          return photo instanceof Error ? [] : [[refKey(ref), await measurePhoto(photo)] as const];
        }),
    );
    this.timings.preprocessMs += performance.now() - started;
    return new Map(measured.flat());
  }

  private photo(ref: ImageRef): Promise<DecodedPhoto | Error> {
    return memoised(this.photos, refKey(ref), () =>
      decodePhoto(this.specimens[ref[0]]![ref[1]]!).catch(
        (error: unknown) => new Error(`not a readable image: ${error instanceof Error ? error.message : String(error)}`),
      ),
    );
  }

  /** Calibrated log-probabilities of the model for each image (an Error for an unreadable one), one model run for all not yet scored. */
  async logProbabilities(classifier: OnnxClassifier, refs: readonly ImageRef[]): Promise<(Float64Array | Error)[]> {
    const memo = this.scoresByModel.get(classifier) ?? new Map<string, Float64Array | Error>();
    this.scoresByModel.set(classifier, memo);
    const missing = unique(refs.filter((ref) => !memo.has(refKey(ref))));
    if (missing.length > 0) {
      const tensors = await this.tensors(classifier, missing);
      const readable = missing.flatMap((ref, position) => (tensors[position] instanceof Float32Array ? [position] : []));
      const started = performance.now();
      const scores = await classifier.logProbabilities(readable.map((position) => tensors[position] as Float32Array));
      this.timings.inferenceMs += performance.now() - started;
      missing.forEach((ref, position) => memo.set(refKey(ref), tensors[position] as Error));
      readable.forEach((position, index) => memo.set(refKey(missing[position]!), scores[index]!));
    }
    return refs.map((ref) => memo.get(refKey(ref))!);
  }
}

/** What the chain decides over: a whole specimen (its readable images) or one image alone. */
interface Judgement {
  refs: ImageRef[];
  groupScores: Float64Array;
  identification: Identification;
}

/**
 * The identification chain: a group model names the kind of vector (and life stage); a refining model for
 * that group label, when one exists, names the genus or species. Several images of one specimen are combined
 * per model by the mean of their log-probabilities. Below a model's calibrated rejection threshold the answer
 * backs off — species → genus → group — and at the group level it says `unknown` instead of guessing.
 */
export class VectorIdentifier {
  constructor(
    readonly groupModel: OnnxClassifier,
    readonly refiners: ReadonlyMap<string, OnnxClassifier>,
    private readonly topK = 3,
  ) {
    if (groupModel.card.task !== 'group') throw new Error(`${groupModel.modelPackage.ref} is not a group model`);
  }

  /** The newest version of each package under `modelsDir`: exactly one group model, any number of refiners. */
  static async fromModelsDir(modelsDir: string, options: ClassifierOptions = {}): Promise<VectorIdentifier> {
    const classifiers: OnnxClassifier[] = [];
    for (const [, versions] of await findModelPackageDirs(modelsDir)) {
      classifiers.push(await OnnxClassifier.load(await loadModelPackage(versions[0]!), options));
    }
    return VectorIdentifier.fromClassifiers(classifiers, `under ${modelsDir}`);
  }

  /**
   * Wires loaded classifiers into a chain: exactly one group model, each refiner under the group label it refines. A
   * refiner another one `replaces` is left out; two refiners left for one label are an error, not a silent choice.
   */
  static fromClassifiers(classifiers: readonly OnnxClassifier[], where = 'in the model set'): VectorIdentifier {
    const groups = classifiers.filter((classifier) => classifier.card.task === 'group');
    if (groups.length !== 1) throw new Error(`expected one group model ${where}, found ${groups.length}`);
    const species = classifiers.filter((candidate) => candidate.card.task === 'species');
    const replaced = new Set(species.map((classifier) => classifier.card.replaces));
    const refiners = new Map<string, OnnxClassifier>();
    for (const classifier of species.filter((candidate) => !replaced.has(candidate.card.name))) {
      const label = classifier.card.parentLabel ?? '';
      const other = refiners.get(label);
      if (other) throw new Error(`${other.modelPackage.ref} and ${classifier.modelPackage.ref} both refine "${label}" ${where}`);
      refiners.set(label, classifier);
    }
    return new VectorIdentifier(groups[0]!, refiners);
  }

  get classifiers(): OnnxClassifier[] {
    return [this.groupModel, ...this.refiners.values()];
  }

  /** One specimen seen in one or more images. */
  async identify(images: ImageInput[]): Promise<Identification> {
    const [outcome] = await this.identifySpecimens([images]);
    if (!outcome || 'error' in outcome) throw new Error(outcome?.error ?? 'no result');
    return outcome.identification;
  }

  /** Many specimens at once; model runs are batched across all of them. An unreadable image fails only itself. */
  async identifySpecimens(specimens: ImageInput[][]): Promise<SpecimenOutcome[]> {
    const { specimens: outcomes } = await this.identifyDetailed(specimens);
    return outcomes.map((outcome) =>
      'error' in outcome
        ? { error: outcome.error }
        : {
            identification: outcome.identification,
            failedImages: outcome.images.flatMap((image) => ('error' in image ? [{ index: image.index, error: image.error }] : [])),
          },
    );
  }

  /**
   * Each specimen's aggregated identification and each image's own (the image judged alone: the group model,
   * then the refiner of that image's own confident group label). Every model runs at most once per image:
   * aggregation and per-image answers share the per-image log-probabilities, and a refiner runs once on the
   * union of the images that need it. Pass an `ImageBatch` to share that work with another model set.
   */
  async identifyDetailed(input: ImageInput[][] | ImageBatch): Promise<DetailedIdentification> {
    const batch = input instanceof ImageBatch ? input : new ImageBatch(input);
    const before = { ...batch.timings };
    const refs = batch.imageRefs;
    const groupLog = await batch.logProbabilities(this.groupModel, refs);
    const groupOf = new Map(refs.map((ref, position) => [refKey(ref), groupLog[position]!]));
    const readableRefs = refs.filter((_, position) => groupLog[position] instanceof Float64Array);

    const specimenJudgements = batch.specimens.map((images, specimen) => {
      const mine = images.map((_, image) => [specimen, image] as const).filter((ref) => groupOf.get(refKey(ref)) instanceof Float64Array);
      return mine.length > 0 ? this.judgeGroup(mine, groupOf) : undefined;
    });
    const imageJudgements = new Map(readableRefs.map((ref) => [refKey(ref), this.judgeGroup([ref], groupOf)]));
    await this.refine([...specimenJudgements.filter((judgement) => judgement !== undefined), ...imageJudgements.values()], batch);
    const measures = await batch.measuresOf(readableRefs);

    const specimens = batch.specimens.map((images, specimen): DetailedSpecimenOutcome => {
      const perImage = images.map((_, index): ImageOutcome => {
        const key = refKey([specimen, index]);
        const judgement = imageJudgements.get(key);
        if (!judgement) return { index, error: (groupOf.get(key) as Error).message };
        const measured = measures.get(key);
        return { index, identification: judgement.identification, ...(measured ? { measures: measured } : {}) };
      });
      const judgement = specimenJudgements[specimen];
      if (judgement) return { identification: judgement.identification, images: perImage };
      return {
        error:
          perImage
            .map((image) => ('error' in image ? image.error : ''))
            .filter(Boolean)
            .join('; ') || 'no image',
        images: perImage,
      };
    });
    return {
      specimens,
      timings: {
        preprocessMs: batch.timings.preprocessMs - before.preprocessMs,
        inferenceMs: batch.timings.inferenceMs - before.inferenceMs,
      },
    };
  }

  private judgeGroup(refs: ImageRef[], groupOf: ReadonlyMap<string, Float64Array | Error>): Judgement {
    const groupScores = aggregate(refs.map((ref) => groupOf.get(refKey(ref)) as Float64Array));
    return { refs, groupScores, identification: identifyGroup(this.scored(this.groupModel), groupScores, this.topK) };
  }

  /** Refines every judgement whose group answer is confident and has a refiner; each refiner runs once over all their images. */
  private async refine(judgements: Judgement[], batch: ImageBatch): Promise<void> {
    const byRefiner = new Map<OnnxClassifier, Judgement[]>();
    for (const judgement of judgements) {
      const label = this.groupModel.card.labels[topIndices(judgement.groupScores, 1)[0]!]!;
      const refiner = this.refiners.get(label.id);
      if (refiner && Math.max(...judgement.groupScores) >= this.groupModel.card.rejection.threshold)
        byRefiner.set(refiner, [...(byRefiner.get(refiner) ?? []), judgement]);
    }
    for (const [refiner, chosen] of byRefiner) {
      const refs = chosen.flatMap((judgement) => judgement.refs);
      const scores = await batch.logProbabilities(refiner, refs);
      const scoreOf = new Map(refs.map((ref, position) => [refKey(ref), scores[position]!]));
      for (const judgement of chosen) {
        const readable = judgement.refs.map((ref) => scoreOf.get(refKey(ref))!).filter((score) => score instanceof Float64Array);
        if (readable.length === 0) continue;
        judgement.identification = refineIdentification(
          this.scored(this.groupModel),
          judgement.groupScores,
          this.scored(refiner),
          aggregate(readable),
          this.topK,
        );
      }
    }
  }

  private scored(classifier: OnnxClassifier): ScoringModel {
    return { card: classifier.card, ref: classifier.modelPackage.ref };
  }
}

/** Calibrated probabilities of a specimen (or a single image) from its images' log-probabilities. */
function aggregate(logProbabilities: Float64Array[]): Float64Array {
  return toProbabilities(meanOfLogProbabilities(logProbabilities));
}

function refKey([specimen, image]: ImageRef): string {
  return `${specimen}/${image}`;
}

/** The memo's promise for `key`, made by `make` the first time; a rejection is kept as an Error value. */
function memoised<T>(memo: Map<string, Promise<T | Error>>, key: string, make: () => Promise<T | Error>): Promise<T | Error> {
  let value = memo.get(key);
  if (!value) {
    value = make().catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
    memo.set(key, value);
  }
  return value;
}

function unique(refs: readonly ImageRef[]): ImageRef[] {
  return [...new Map(refs.map((ref) => [refKey(ref), ref])).values()];
}
