import { OnnxClassifier, type ClassifierOptions } from './classifier.js';
import { identifyGroup, refineIdentification, type Identification, type ScoringModel } from './identification-chain.js';
import { findModelPackageDirs, loadModelPackage } from './model-package.js';
import { meanOfLogProbabilities, toProbabilities, topIndices } from './probabilities.js';

export type { Identification, TaxonScore } from './identification-chain.js';

export type ImageInput = Buffer | string;

export type SpecimenOutcome = { identification: Identification; failedImages: { index: number; error: string }[] } | { error: string };

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
    const groups = classifiers.filter((classifier) => classifier.card.task === 'group');
    if (groups.length !== 1) throw new Error(`expected one group model under ${modelsDir}, found ${groups.length}`);
    const refiners = new Map<string, OnnxClassifier>();
    for (const classifier of classifiers.filter((candidate) => candidate.card.task === 'species')) {
      refiners.set(classifier.card.parentLabel ?? '', classifier);
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
    const groupTensors = await this.tensorsFor(this.groupModel, specimens);
    const readable = specimens.map((images, specimen) => images.map((_, index) => index).filter((index) => !(groupTensors[specimen]![index] instanceof Error)));
    const groupScores = await this.scoreSpecimens(this.groupModel, groupTensors, readable);

    const outcomes: SpecimenOutcome[] = [];
    const refinement = new Map<OnnxClassifier, number[]>();
    for (const [specimen, scores] of groupScores.entries()) {
      if (!scores) {
        outcomes.push({ error: errorText(groupTensors[specimen]!) });
        continue;
      }
      const label = this.groupModel.card.labels[topIndices(scores, 1)[0]!]!;
      const refiner = this.refiners.get(label.id);
      if (refiner && Math.max(...scores) >= this.groupModel.card.rejection.threshold) refinement.set(refiner, [...(refinement.get(refiner) ?? []), specimen]);
      outcomes.push({ identification: identifyGroup(this.scored(this.groupModel), scores, this.topK), failedImages: failuresOf(groupTensors[specimen]!) });
    }

    for (const [refiner, indices] of refinement) {
      const chosen = indices.map((specimen) => specimens[specimen]!);
      const tensors = sameInput(refiner, this.groupModel) ? indices.map((specimen) => groupTensors[specimen]!) : await this.tensorsFor(refiner, chosen);
      const scores = await this.scoreSpecimens(refiner, tensors, indices.map((specimen) => readable[specimen]!));
      indices.forEach((specimen, position) => {
        const outcome = outcomes[specimen]!;
        const refined = scores[position];
        if ('identification' in outcome && refined) {
          outcome.identification = refineIdentification(this.scored(this.groupModel), groupScores[specimen]!, this.scored(refiner), refined, this.topK);
        }
      });
    }
    return outcomes;
  }

  private scored(classifier: OnnxClassifier): ScoringModel {
    return { card: classifier.card, ref: classifier.modelPackage.ref };
  }

  private async tensorsFor(classifier: OnnxClassifier, specimens: ImageInput[][]): Promise<(Float32Array | Error)[][]> {
    return Promise.all(
      specimens.map((images) =>
        Promise.all(images.map((image) => classifier.tensorOf(image).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error)))))),
      ),
    );
  }

  /** Per specimen: aggregated calibrated probabilities over its readable images, or undefined if none was readable. */
  private async scoreSpecimens(classifier: OnnxClassifier, tensors: (Float32Array | Error)[][], readable: number[][]): Promise<(Float64Array | undefined)[]> {
    const flat = readable.flatMap((indices, specimen) => indices.map((index) => tensors[specimen]![index] as Float32Array));
    const logProbabilities = await classifier.logProbabilities(flat);
    let cursor = 0;
    return readable.map((indices) => {
      if (indices.length === 0) return undefined;
      const mine = logProbabilities.slice(cursor, cursor + indices.length);
      cursor += indices.length;
      return toProbabilities(meanOfLogProbabilities(mine));
    });
  }
}

function sameInput(a: OnnxClassifier, b: OnnxClassifier): boolean {
  return JSON.stringify(a.card.input) === JSON.stringify(b.card.input);
}

function failuresOf(tensors: (Float32Array | Error)[]): { index: number; error: string }[] {
  return tensors.flatMap((tensor, index) => (tensor instanceof Error ? [{ index, error: tensor.message }] : []));
}

function errorText(tensors: (Float32Array | Error)[]): string {
  return tensors.map((tensor) => (tensor instanceof Error ? tensor.message : '')).filter(Boolean).join('; ') || 'no image';
}
