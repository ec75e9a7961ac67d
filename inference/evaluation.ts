import type { IdentificationLevel } from './identification-chain.js';
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
  return calibrationError(
    examples.map((example) => {
      const [top] = topIndices(example.probabilities, 1);
      return { confidence: example.probabilities[top!]!, correct: top === example.label };
    }),
    bins,
  );
}

/** Expected calibration error of stated confidences against outcomes, over equal-width bins. */
export function calibrationError(answers: { confidence: number; correct: boolean }[], bins = 15): number {
  if (answers.length === 0) return 0;
  const totals = Array.from({ length: bins }, () => ({ count: 0, confidence: 0, correct: 0 }));
  for (const { confidence, correct } of answers) {
    const bin = totals[Math.min(bins - 1, Math.floor(confidence * bins))]!;
    bin.count += 1;
    bin.confidence += confidence;
    bin.correct += correct ? 1 : 0;
  }
  return totals.reduce(
    (sum, bin) =>
      bin.count === 0 ? sum : sum + (bin.count / answers.length) * Math.abs(bin.correct / bin.count - bin.confidence / bin.count),
    0,
  );
}

export type AnswerLevel = Exclude<IdentificationLevel, 'none'>;
export const ANSWER_LEVELS: readonly AnswerLevel[] = ['group', 'genus', 'species'];

/**
 * One hierarchical answer judged level by level: the level it committed to and, at each level it names a taxon,
 * that taxon's confidence and whether it is the true one (null where the truth is not known at that level).
 */
export interface LevelledExample {
  committedLevel: IdentificationLevel;
  levels: Partial<Record<AnswerLevel, { confidence: number; correct: boolean | null }>>;
}

export interface LevelMetrics {
  /** Share of all examples whose answer committed to exactly this level. */
  coverage: number;
  committed: number;
  /** Of those committed here whose truth is known at this level, the share named right (null when none). */
  accuracyWhenCommitted: number | null;
  /** Examples whose truth is known here and whose answer names a taxon here, committed or not: what ECE is over. */
  judged: number;
  /** Expected calibration error of this level's confidence over the judged examples (null when none). */
  ece: number | null;
}

export interface LevelReport {
  examples: number;
  /** Share of examples that committed to nothing (`none`). */
  rejected: number;
  levels: Record<AnswerLevel, LevelMetrics>;
}

/** Whether each level's confidence is calibrated, and how often and how well the answers commit there. */
export function evaluateLevels(examples: LevelledExample[]): LevelReport {
  const metrics = (level: AnswerLevel): LevelMetrics => {
    const committed = examples.filter((example) => example.committedLevel === level);
    const checked = committed.map((example) => example.levels[level]?.correct ?? null).filter((correct) => correct !== null);
    const judged = examples.flatMap((example) => {
      const answer = example.levels[level];
      return answer && answer.correct !== null ? [{ confidence: answer.confidence, correct: answer.correct }] : [];
    });
    return {
      coverage: ratio(committed.length, examples.length),
      committed: committed.length,
      accuracyWhenCommitted: checked.length === 0 ? null : ratio(checked.filter(Boolean).length, checked.length),
      judged: judged.length,
      ece: judged.length === 0 ? null : calibrationError(judged),
    };
  };
  return {
    examples: examples.length,
    rejected: ratio(examples.filter((example) => example.committedLevel === 'none').length, examples.length),
    levels: { group: metrics('group'), genus: metrics('genus'), species: metrics('species') },
  };
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

/** One class in the non-regression gate: its recall under the active and the candidate version. */
export interface GateClass {
  label: string;
  /** Test images of this class (the same for both versions). */
  support: number;
  active: number;
  /** Null when the candidate has no such class. */
  candidate: number | null;
  /** candidate − active (null when the candidate lacks the class). */
  delta: number | null;
  passed: boolean;
}

export interface GateReport {
  margin: number;
  passed: boolean;
  /** Headline numbers of both versions on the same examples. */
  active: { top1: number; ece: number; examples: number };
  candidate: { top1: number; ece: number; examples: number };
  perClass: GateClass[];
  /** One line per reason the gate refuses, empty when it passes. */
  failures: string[];
}

/** Recalls within this of each other are a tie: the same counts can give recalls that differ in the last bits. */
const TIE = 1e-9;

/**
 * The non-regression gate (ADR 0032), both versions measured on the same examples: the candidate's overall top-1 must
 * not be lower than the active version's (ties pass), and no class of the active version may lose more than `margin`
 * (absolute) of its recall — nor be missing from the candidate. Recall, because a vector species the model stops
 * finding is the costly error of a screening model, and recall does not move with the other classes' counts as
 * precision does. A class without test images cannot regress and passes (support 0 says so).
 */
export function gateReports(active: EvaluationReport, candidate: EvaluationReport, margin: number): GateReport {
  const failures: string[] = [];
  if (candidate.top1 < active.top1 - TIE) failures.push(`top-1 ${pct(candidate.top1)} < ${pct(active.top1)} of the active version`);
  const perClass = active.labels.map((label): GateClass => {
    const before = active.perClass[label]!;
    const after = candidate.perClass[label];
    if (!after) {
      failures.push(`class ${label} is missing from the candidate`);
      return { label, support: before.support, active: before.recall, candidate: null, delta: null, passed: false };
    }
    const passed = before.support === 0 || after.recall >= before.recall - margin - TIE;
    if (!passed)
      failures.push(
        `recall of ${label} ${pct(after.recall)} < ${pct(before.recall)} − ${pct(margin)} (${pct(after.recall - before.recall)})`,
      );
    return { label, support: before.support, active: before.recall, candidate: after.recall, delta: after.recall - before.recall, passed };
  });
  const headline = (report: EvaluationReport) => ({ top1: report.top1, ece: report.ece, examples: report.examples });
  return { margin, passed: failures.length === 0, active: headline(active), candidate: headline(candidate), perClass, failures };
}

function ratio(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : numerator / denominator;
}

export function pct(value: number): string {
  return `${(value * 100).toFixed(1)} %`;
}
