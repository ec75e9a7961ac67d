import { compareText, groupBy } from './collections.js';
import { leakageGroups } from './leakage.js';
import { labelKey, MERGE_REASONS, SPLITS, type ImageRecord, type Manifest, type MergeReason, type Split } from './manifest.js';
import { countsByLabel } from './stats.js';
import { countOf } from './table.js';

export interface SplitOptions {
  seed: number;
  fractions: Record<Split, number>;
  /** Perceptual hashes at most this many bits apart count as one photograph. */
  nearDuplicateDistance: number;
}

export const DEFAULT_SPLIT_OPTIONS: SplitOptions = {
  seed: 20261127,
  fractions: { train: 0.7, val: 0.15, test: 0.15 },
  nearDuplicateDistance: 6,
};

export interface SplitReport {
  manifest: Manifest;
  groupCount: number;
  largestGroup: number;
  merged: Record<MergeReason, { joins: number; images: number }>;
  /** Leakage groups whose images carry different labels: each went with its most common label. Worth a look. */
  mixedLabelGroups: ImageRecord[][];
  /** Labels with fewer leakage groups than there are splits to fill: they cannot be in every split. */
  thinLabels: { label: string; groups: number }[];
}

/** Why the options cannot make a split, or null when they can. */
export function splitOptionsProblem(options: SplitOptions): string | null {
  const { seed, fractions, nearDuplicateDistance } = options;
  const values = SPLITS.map((split) => fractions[split]);
  const total = values.reduce((sum, value) => sum + value, 0);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) return `seed must be an integer from 0 to 4294967295, got ${seed}`;
  if (values.some((value) => !(value >= 0 && value <= 1))) return `fractions must lie between 0 and 1, got ${values.join(' / ')}`;
  if (Math.abs(total - 1) > 1e-9) return `fractions must add up to 1, got ${values.join(' + ')} = ${Number(total.toFixed(6))}`;
  if (!Number.isInteger(nearDuplicateDistance) || nearDuplicateDistance < 0 || nearDuplicateDistance > 64) {
    return `near-duplicate distance must be an integer from 0 to 64 bits, got ${nearDuplicateDistance}`;
  }
  return null;
}

/**
 * Assigns whole leakage groups to train / val / test, stratified by label, reproducibly from the seed: the same
 * manifest and options always give the same splits, on any machine.
 */
export function splitManifest(manifest: Manifest, options: SplitOptions): SplitReport {
  const problem = splitOptionsProblem(options);
  if (problem) throw new RangeError(problem);
  const { images } = manifest;
  const { groups, merged } = leakageGroups(images, options.nearDuplicateDistance);
  const labels = groups.map((members) => dominantLabel(members.map((index) => images[index]!)));
  const splitOfImage = new Array<Split>(images.length);
  const splitsToFill = SPLITS.filter((split) => options.fractions[split] > 0).length;
  const thinLabels: SplitReport['thinLabels'] = [];

  // Groups enter the shuffle in path order, so the order of the manifest's records cannot change the result.
  const firstPaths = groups.map((members) => members.map((index) => images[index]!.path).sort(compareText)[0]!);
  const groupsByLabel = groupBy(groups.keys(), (group) => labels[group]!);
  for (const label of [...groupsByLabel.keys()].sort(compareText)) {
    const members = groupsByLabel.get(label)!.sort((a, b) => compareText(firstPaths[a]!, firstPaths[b]!));
    if (members.length < splitsToFill) thinLabels.push({ label, groups: members.length });
    // Each label draws from its own stream, so adding images of one label leaves the others' splits alone.
    const ordered = shuffle(members, mulberry32(options.seed ^ hashText(label)))
      // Largest first: big groups placed early leave the small ones to even out the fractions. Sorting is stable,
      // so equal sizes keep their shuffled order.
      .sort((a, b) => groups[b]!.length - groups[a]!.length);
    const splits = assignGroups(
      ordered.map((group) => groups[group]!.length),
      options.fractions,
    );
    ordered.forEach((group, position) => {
      for (const index of groups[group]!) splitOfImage[index] = splits[position]!;
    });
  }

  const mergedCounts = Object.fromEntries(
    MERGE_REASONS.map((reason) => {
      const joins = merged.filter((entry) => entry.reason === reason);
      return [reason, { joins: joins.length, images: joins.reduce((sum, entry) => sum + entry.items.length, 0) }];
    }),
  ) as SplitReport['merged'];
  return {
    manifest: {
      ...manifest,
      splits: { seed: options.seed, fractions: { ...options.fractions }, nearDuplicateDistance: options.nearDuplicateDistance, merged },
      images: images.map((image, index) => ({ ...image, split: splitOfImage[index]! })),
    },
    groupCount: groups.length,
    largestGroup: Math.max(0, ...groups.map((members) => members.length)),
    merged: mergedCounts,
    mixedLabelGroups: groups
      .map((members) => members.map((index) => images[index]!))
      .filter((members) => new Set(members.map(labelKey)).size > 1),
    thinLabels,
  };
}

/**
 * Greedy: each group goes to the split furthest below its target image count, except that once only as many
 * groups remain as splits are still empty, they go to the empty ones, so a label with enough groups is in
 * every split.
 */
function assignGroups(sizes: readonly number[], fractions: Record<Split, number>): Split[] {
  const active = SPLITS.filter((split) => fractions[split] > 0);
  const total = sizes.reduce((sum, size) => sum + size, 0);
  const filled: Record<Split, number> = { train: 0, val: 0, test: 0 };
  const empty = new Set(active);
  return sizes.map((size, position) => {
    const candidates = sizes.length - position <= empty.size ? active.filter((split) => empty.has(split)) : active;
    const deficit = (split: Split) => fractions[split] * total - filled[split];
    // `reduce` keeps the earlier split on ties, so ties favour train, then val.
    const split = candidates.reduce((best, candidate) => (deficit(candidate) > deficit(best) ? candidate : best));
    filled[split] += size;
    empty.delete(split);
    return split;
  });
}

/** The most common label of a group; ties go to the first in code-point order, so the choice is stable. */
function dominantLabel(members: readonly ImageRecord[]): string {
  const counts = [...groupBy(members, labelKey)].map(([label, images]) => ({ label, count: images.length }));
  counts.sort((a, b) => b.count - a.count || compareText(a.label, b.label));
  return counts[0]!.label;
}

/** Seeded PRNG (mulberry32): uniform in [0, 1), and the same sequence for a seed everywhere. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = Math.imul(state ^ (state >>> 15), state | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher–Yates on a copy. */
function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const shuffled = [...items];
  for (let index = shuffled.length - 1; index > 0; index -= 1) {
    const other = Math.floor(random() * (index + 1));
    [shuffled[index], shuffled[other]] = [shuffled[other]!, shuffled[index]!];
  }
  return shuffled;
}

/** FNV-1a, 32-bit: a stable number for a label, to derive its own random stream from the seed. */
function hashText(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) hash = Math.imul(hash ^ byte, 0x01000193);
  return hash >>> 0;
}

/** What `datasets:split` prints: the merges by reason, anything that needs a look, then counts per label and split. */
export function describeSplit(report: SplitReport): string {
  const { manifest } = report;
  const merged = MERGE_REASONS.map(
    (reason) => `${reason} ${report.merged[reason].joins} (${countOf(report.merged[reason].images, 'image')})`,
  ).join(', ');
  const lines = [
    `${manifest.name}: ${countOf(manifest.images.length, 'image')} in ${countOf(report.groupCount, 'leakage group')} (largest ${report.largestGroup}); merged: ${merged}.`,
    ...report.thinLabels.map(({ label, groups }) => `thin label, ${countOf(groups, 'group')}, not in every split: ${label}`),
    ...report.mixedLabelGroups.map((members) => {
      const counts = [...groupBy(members, labelKey)].map(([label, images]) => `${images.length} ${label}`);
      return `mixed-label group of ${countOf(members.length, 'image')}, split with its most common label: ${counts.join(', ')} (first: ${members[0]!.path})`;
    }),
    '',
    countsByLabel(manifest.images),
  ];
  return lines.join('\n');
}
