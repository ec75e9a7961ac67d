import { compareText, groupBy } from './collections.js';
import { MERGE_REASONS, type ImageRecord, type MergedGroup, type MergeReason } from './manifest.js';
import { nearPairs } from './perceptual-hash.js';

export interface LeakageGroups {
  /** Image indices per group, each group and the list in image order. */
  groups: number[][];
  /** The joins that made a difference, by reason, as sets of image paths (the manifest's `splits.merged`). */
  merged: MergedGroup[];
}

type Edge = [number, number];

/**
 * Leakage groups (ADR 0005): images joined, transitively, by a shared `sourceItem`, `specimenId` or sha256, or
 * by perceptual hashes at most `nearDuplicateDistance` bits apart. Reasons are applied in `MERGE_REASONS` order
 * and a join is credited to the first reason that made it, so `merged` lists each join once.
 */
export function leakageGroups(images: readonly ImageRecord[], nearDuplicateDistance: number): LeakageGroups {
  const edgesByReason: Record<MergeReason, Edge[]> = {
    source_item: sharedValueEdges(images, (image) => image.sourceItem),
    specimen: sharedValueEdges(images, (image) => image.specimenId),
    exact_duplicate: sharedValueEdges(images, (image) => image.sha256),
    near_duplicate: nearPairs(
      images.map((image) => image.phash),
      nearDuplicateDistance,
    ).map(({ a, b }): Edge => [a, b]),
  };
  const all = new UnionFind(images.length);
  const merged: MergedGroup[] = [];
  for (const reason of MERGE_REASONS) {
    const joins = new UnionFind(images.length);
    const joined = new Set<number>();
    for (const [a, b] of edgesByReason[reason]) {
      if (!all.union(a, b)) continue;
      joins.union(a, b);
      joined.add(a).add(b);
    }
    for (const members of joins.components([...joined].sort((a, b) => a - b))) {
      merged.push({ reason, items: members.map((index) => images[index]!.path).sort(compareText) });
    }
  }
  return { groups: all.components(images.keys()), merged };
}

/** Groups whose images are not all in one split: leakage. Empty for a manifest `splitManifest` wrote. */
export function groupsAcrossSplits(images: readonly ImageRecord[], nearDuplicateDistance: number): ImageRecord[][] {
  return leakageGroups(images, nearDuplicateDistance)
    .groups.map((members) => members.map((index) => images[index]!))
    .filter((members) => new Set(members.map((image) => image.split)).size > 1);
}

/** Chains the images sharing each non-null value: enough edges to join them all. */
function sharedValueEdges(images: readonly ImageRecord[], valueOf: (image: ImageRecord) => string | null): Edge[] {
  const indices = [...images.keys()].filter((index) => valueOf(images[index]!) !== null);
  return [...groupBy(indices, (index) => valueOf(images[index]!)).values()].flatMap((members) =>
    members.slice(1).map((index, position): Edge => [members[position]!, index]),
  );
}

class UnionFind {
  readonly #parent: Int32Array;

  constructor(size: number) {
    this.#parent = Int32Array.from({ length: size }, (_, index) => index);
  }

  find(index: number): number {
    let root = index;
    while (this.#parent[root] !== root) {
      // Path halving keeps later finds short.
      this.#parent[root] = this.#parent[this.#parent[root]!]!;
      root = this.#parent[root]!;
    }
    return root;
  }

  /** Joins the sets of `a` and `b`; false when they were one set already. */
  union(a: number, b: number): boolean {
    const rootA = this.find(a);
    const rootB = this.find(b);
    if (rootA === rootB) return false;
    this.#parent[Math.max(rootA, rootB)] = Math.min(rootA, rootB);
    return true;
  }

  /** The sets of the given members, in the order their first member comes. */
  components(members: Iterable<number>): number[][] {
    return [...groupBy(members, (index) => this.find(index)).values()];
  }
}
