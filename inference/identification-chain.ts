import type { ModelCard, ModelLabel } from './model-package.js';
import { topIndices } from './probabilities.js';

export interface TaxonScore {
  taxon: string;
  p: number;
}

/** How specific an answer the chain commits to; `none` when the group model rejects the images. */
export type IdentificationLevel = 'species' | 'genus' | 'group' | 'none';

/** The most likely taxon at one level and its calibrated joint probability. */
export interface LevelAnswer {
  taxon: string;
  confidence: number;
}

/**
 * The answer at every level, committed or not: the group label; within it, the most likely genus (its labels'
 * probabilities summed); within that genus, the most likely species. Null where the models name no such level.
 */
export interface LevelAnswers {
  group: LevelAnswer;
  genus: LevelAnswer | null;
  species: LevelAnswer | null;
}

export interface Identification {
  group: ModelLabel['group'];
  lifeStage: string | null;
  /** The taxon at `committedLevel`; `unknown` when rejected. */
  taxon: string;
  /** Calibrated probability of `taxon` (joint over the group and species models); of the group label when rejected. */
  confidence: number;
  /** The group model was not confident enough to name anything. */
  rejected: boolean;
  /** The most specific level whose confidence reaches that level's threshold. */
  committedLevel: IdentificationLevel;
  levels: LevelAnswers;
  topK: TaxonScore[];
  /** The most specific model consulted, `name@version`. */
  model: string;
  models: string[];
}

export const UNKNOWN_TAXON = 'unknown';

/** What the decision needs of a model: its card (labels, thresholds) and its `name@version`. */
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
    committedLevel: confident ? 'group' : 'none',
    levels: { group: { taxon: label.taxon, confidence: scores[top]! }, genus: null, species: null },
    topK: topIndices(scores, topK).map((index) => ({ taxon: labels[index]!.taxon, p: scores[index]! })),
    model: model.ref,
    models: [model.ref],
  };
}

/**
 * Refines a confident group answer with the model for that group label. Every probability is joint,
 * p(group label) × p(taxon | group label). The answer commits to the species when its joint probability reaches
 * the refiner's threshold, else to the genus when that reaches the genus threshold (`rejection.levels.genus`,
 * else the same), else to the group. A refiner's labels may mix ranks: a genus-rank label counts for its genus
 * and is never a species.
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
  const candidates: TaxonScore[] = [
    ...refiner.card.labels.map((label, index) => ({ taxon: label.taxon, p: scores[index]! * pGroup })),
    ...groupLabels.flatMap((label, index) => (index === top ? [] : [{ taxon: label.taxon, p: groupScores[index]! }])),
  ].sort((a, b) => b.p - a.p);

  const levels = levelAnswers(groupLabel.taxon, pGroup, refiner.card.labels, scores);
  const { threshold, levels: backOff } = refiner.card.rejection;
  const committedLevel: IdentificationLevel =
    levels.species && levels.species.confidence >= threshold
      ? 'species'
      : levels.genus && levels.genus.confidence >= (backOff?.genus ?? threshold)
        ? 'genus'
        : 'group';
  const committed = levels[committedLevel]!;
  return {
    group: groupLabel.group,
    lifeStage: groupLabel.lifeStage,
    taxon: committed.taxon,
    confidence: committed.confidence,
    rejected: false,
    committedLevel,
    levels,
    topK: candidates.slice(0, topK),
    model: refiner.ref,
    models: [group.ref, refiner.ref],
  };
}

/** The genus of a species- or genus-rank label (the first word of a scientific name); none above the genus. */
export function genusOf(label: Pick<ModelLabel, 'taxon' | 'rank'>): string | null {
  if (label.rank === 'species') return label.taxon.split(' ')[0]!;
  return label.rank === 'genus' ? label.taxon : null;
}

/** Top-down: the most likely genus, then the most likely species within it, so the levels never contradict. */
function levelAnswers(groupTaxon: string, pGroup: number, labels: ModelLabel[], scores: Float64Array): LevelAnswers {
  const byGenus = new Map<string, number>();
  labels.forEach((label, index) => {
    const genus = genusOf(label);
    if (genus !== null) byGenus.set(genus, (byGenus.get(genus) ?? 0) + scores[index]!);
  });
  const [genus, pGenus] = [...byGenus].sort((a, b) => b[1] - a[1])[0] ?? [];
  const species = labels
    .map((label, index) => ({ label, p: scores[index]! }))
    .filter(({ label }) => label.rank === 'species' && genusOf(label) === genus)
    .sort((a, b) => b.p - a.p)[0];
  return {
    group: { taxon: groupTaxon, confidence: pGroup },
    genus: genus === undefined ? null : { taxon: genus, confidence: pGenus! * pGroup },
    species: species ? { taxon: species.label.taxon, confidence: species.p * pGroup } : null,
  };
}
