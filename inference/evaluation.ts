import { topIndices } from './probabilities.js';

/** One scored example: calibrated probabilities over the model's labels and the true label (null = an unknown). */
export interface ScoredExample {
  probabilities: ArrayLike<number>;
  label: number | null;
}

export interface ClassMetrics {
  precision: number;
  recall: number;
  support: number;
}

export interface EvaluationReport {
  labels: string[];
  examples: number;
  unknowns: number;
  top1: number;
  top3: number;
  perClass: Record<string, ClassMetrics>;
  /** confusion[true][predicted] */
  confusion: number[][];
  /** Expected calibration error of the top prediction, 15 equal-width bins. */
  ece: number;
  /** How well the max calibrated probability separates known examples from unknowns (null without unknowns). */
  rejectionAuroc: number | null;
  /** Share of known examples kept and of unknowns rejected at the card's threshold. */
  atThreshold: { threshold: number; knownAccepted: number; unknownRejected: number | null };
}

export function evaluate(labels: string[], examples: ScoredExample[], threshold: number): EvaluationReport {
  const known = examples.filter((example) => example.label !== null);
  const unknowns = examples.filter((example) => example.label === null);
  const confusion = labels.map(() => labels.map(() => 0));
  let top1 = 0;
  let top3 = 0;
  for (const example of known) {
    const ranked = topIndices(example.probabilities, 3);
    confusion[example.label!]![ranked[0]!]! += 1;
    if (ranked[0] === example.label) top1 += 1;
    if (ranked.includes(example.label!)) top3 += 1;
  }
  const perClass = Object.fromEntries(
    labels.map((name, index) => {
      const truePositives = confusion[index]![index]!;
      const predicted = confusion.reduce((sum, row) => sum + row[index]!, 0);
      const support = confusion[index]!.reduce((sum, count) => sum + count, 0);
      return [name, { precision: ratio(truePositives, predicted), recall: ratio(truePositives, support), support }];
    }),
  );
  const maxProbability = (example: ScoredExample) => Math.max(...Array.from(example.probabilities));
  return {
    labels,
    examples: known.length,
    unknowns: unknowns.length,
    top1: ratio(top1, known.length),
    top3: ratio(top3, known.length),
    perClass,
    confusion,
    ece: expectedCalibrationError(known),
    rejectionAuroc: unknowns.length > 0 && known.length > 0 ? auroc(known.map(maxProbability), unknowns.map(maxProbability)) : null,
    atThreshold: {
      threshold,
      knownAccepted: ratio(known.filter((example) => maxProbability(example) >= threshold).length, known.length),
      unknownRejected:
        unknowns.length > 0 ? ratio(unknowns.filter((example) => maxProbability(example) < threshold).length, unknowns.length) : null,
    },
  };
}

export function expectedCalibrationError(examples: ScoredExample[], bins = 15): number {
  if (examples.length === 0) return 0;
  const totals = Array.from({ length: bins }, () => ({ count: 0, confidence: 0, correct: 0 }));
  for (const example of examples) {
    const [top] = topIndices(example.probabilities, 1);
    const confidence = example.probabilities[top!]!;
    const bin = totals[Math.min(bins - 1, Math.floor(confidence * bins))]!;
    bin.count += 1;
    bin.confidence += confidence;
    bin.correct += top === example.label ? 1 : 0;
  }
  return totals.reduce(
    (sum, bin) =>
      bin.count === 0 ? sum : sum + (bin.count / examples.length) * Math.abs(bin.correct / bin.count - bin.confidence / bin.count),
    0,
  );
}

/** Probability that a random positive scores above a random negative (ties count half). */
export function auroc(positives: number[], negatives: number[]): number {
  const all = [...positives.map((score) => ({ score, positive: true })), ...negatives.map((score) => ({ score, positive: false }))].sort(
    (a, b) => a.score - b.score,
  );
  let rankSum = 0;
  for (let start = 0; start < all.length;) {
    let end = start;
    while (end + 1 < all.length && all[end + 1]!.score === all[start]!.score) end += 1;
    const averageRank = (start + end) / 2 + 1;
    for (let index = start; index <= end; index += 1) if (all[index]!.positive) rankSum += averageRank;
    start = end + 1;
  }
  return (rankSum - (positives.length * (positives.length + 1)) / 2) / (positives.length * negatives.length);
}

export interface RegressionCheck {
  passed: boolean;
  failures: string[];
}

/**
 * The non-regression gate: a candidate must not be worse than the current version on top-1 or on any
 * class's recall by more than `margin` (absolute), measured on the same examples.
 */
export function compareReports(current: EvaluationReport, candidate: EvaluationReport, margin: number): RegressionCheck {
  const failures: string[] = [];
  if (candidate.top1 < current.top1 - margin) failures.push(`top-1 ${pct(candidate.top1)} < ${pct(current.top1)} − ${pct(margin)}`);
  for (const [name, metrics] of Object.entries(current.perClass)) {
    const recall = candidate.perClass[name]?.recall;
    if (recall === undefined) failures.push(`class ${name} is missing from the candidate`);
    else if (recall < metrics.recall - margin) failures.push(`recall of ${name} ${pct(recall)} < ${pct(metrics.recall)} − ${pct(margin)}`);
  }
  return { passed: failures.length === 0, failures };
}

function ratio(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : numerator / denominator;
}

export function pct(value: number): string {
  return `${(value * 100).toFixed(1)} %`;
}
