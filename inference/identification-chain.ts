import type { ModelCard, ModelLabel } from './model-package.js';
import { topIndices } from './probabilities.js';

export interface TaxonScore {
  taxon: string;
  p: number;
}

export interface Identification {
  group: ModelLabel['group'];
  lifeStage: string | null;
  /** The most specific confident taxon: species, else genus, else the group's taxon; `unknown` when rejected. */
  taxon: string;
  /** Calibrated probability of `taxon` (joint over the group and species models). */
  confidence: number;
  /** The group model was not confident enough to name anything. */
  rejected: boolean;
  topK: TaxonScore[];
  /** The most specific model consulted, `name@version`. */
  model: string;
  models: string[];
}

export const UNKNOWN_TAXON = 'unknown';

/** What the decision needs of a model: its card (labels, threshold) and its `name@version`. */
export interface ScoringModel {
  card: Pick<ModelCard, 'labels' | 'rejection'>;
  ref: string;
}

/** The answer from the group model alone: its top label's taxon, or `unknown` below its threshold. */
export function identifyGroup(model: ScoringModel, scores: Float64Array, topK: number): Identification {
  const { labels, rejection } = model.card;
  const top = topIndices(scores, 1)[0]!;
  const label = labels[top]!;
  const confident = scores[top]! >= rejection.threshold;
  return {
    group: label.group,
    lifeStage: label.lifeStage,
    taxon: confident ? label.taxon : UNKNOWN_TAXON,
    confidence: scores[top]!,
    rejected: !confident,
    topK: topIndices(scores, topK).map((index) => ({ taxon: labels[index]!.taxon, p: scores[index]! })),
    model: model.ref,
    models: [model.ref],
  };
}

/**
 * Refines a confident group answer with the model for that group label. Probabilities are joint,
 * p(group label) × p(taxon | group label); below the refiner's threshold the answer backs off to the genus
 * (species probabilities summed per genus) and then to the group's own taxon.
 */
export function refineIdentification(
  group: ScoringModel,
  groupScores: Float64Array,
  refiner: ScoringModel,
  scores: Float64Array,
  topK: number,
): Identification {
  const groupLabels = group.card.labels;
  const top = topIndices(groupScores, 1)[0]!;
  const groupLabel = groupLabels[top]!;
  const pGroup = groupScores[top]!;
  const threshold = refiner.card.rejection.threshold;
  const candidates: TaxonScore[] = [
    ...refiner.card.labels.map((label, index) => ({ taxon: label.taxon, p: scores[index]! * pGroup })),
    ...groupLabels.flatMap((label, index) => (index === top ? [] : [{ taxon: label.taxon, p: groupScores[index]! }])),
  ].sort((a, b) => b.p - a.p);

  const best = topIndices(scores, 1)[0]!;
  const genus = mostLikelyGenus(refiner.card.labels, scores);
  const [taxon, conditional] =
    scores[best]! >= threshold
      ? [refiner.card.labels[best]!.taxon, scores[best]!]
      : genus && genus.p >= threshold
        ? [genus.taxon, genus.p]
        : [groupLabel.taxon, 1];
  return {
    group: groupLabel.group,
    lifeStage: groupLabel.lifeStage,
    taxon,
    confidence: conditional * pGroup,
    rejected: false,
    topK: candidates.slice(0, topK),
    model: refiner.ref,
    models: [group.ref, refiner.ref],
  };
}

/** Species probabilities summed per genus (the first word of the scientific name), when labels are species. */
function mostLikelyGenus(labels: ModelLabel[], scores: Float64Array): TaxonScore | undefined {
  if (!labels.every((label) => label.rank === 'species')) return undefined;
  const byGenus = new Map<string, number>();
  labels.forEach((label, index) => {
    const genus = label.taxon.split(' ')[0]!;
    byGenus.set(genus, (byGenus.get(genus) ?? 0) + scores[index]!);
  });
  const [taxon, p] = [...byGenus].sort((a, b) => b[1] - a[1])[0]!;
  return { taxon, p };
}
