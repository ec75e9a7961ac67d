import { mkdir, rm, symlink } from 'node:fs/promises';
import path from 'node:path';
import { manifestRoot, readManifest, relativeToManifest, writeManifest, type Manifest } from './manifest.js';

/** What one source manifest brought into a combined manifest. */
export interface CombinedPart {
  manifest: string;
  /** The folder (a link to the source's root, or the root itself) its image paths now start with. */
  folder: string;
  images: number;
  /** Images left out because an earlier source already holds the same file (sha256). */
  duplicates: number;
}

/**
 * Where a combined manifest's images are found: `links` — a folder beside it per source, linking to that source's
 * root (any sources; for a run's own working folder); `shared-parent` — sources whose roots are folders of one
 * parent (the shared datasets), found under it by their own names: nothing to link, so the manifest can be committed.
 */
export type CombinedLayout = 'links' | 'shared-parent';

function sharedParent(roots: string[]): string {
  const parents = new Set(roots.map((root) => path.dirname(root)));
  const names = new Set(roots.map((root) => path.basename(root)));
  if (parents.size !== 1 || names.size !== roots.length)
    throw new Error(`the sources' roots are not differently named folders of one parent: ${roots.join(', ')}`);
  return [...parents][0]!;
}

/**
 * One training manifest made of several (a snapshot and the base data), written to `target`: the manifest format has
 * one `root`, so each source gets a folder beside `target` that links to its root, and each image path is prefixed
 * with it. Every image keeps its split, and each source's leakage groups come along with their paths prefixed. A file
 * that two sources share (same sha256) is kept once, from the first: kept twice, it could train in one source's split
 * and be tested in the other's.
 */
export async function writeCombinedManifest(
  target: string,
  name: string,
  sources: string[],
  layout: CombinedLayout = 'links',
): Promise<{ manifest: Manifest; parts: CombinedPart[] }> {
  if (sources.length === 0) throw new Error('no manifest to combine');
  const directory = path.dirname(path.resolve(target));
  await mkdir(directory, { recursive: true });
  const manifests = await Promise.all(sources.map((file) => readManifest(file)));
  const roots = manifests.map((manifest, index) => manifestRoot(sources[index]!, manifest));
  const parent = layout === 'shared-parent' ? sharedParent(roots) : directory;
  const seen = new Set<string>();
  const images: Manifest['images'] = [];
  const merged: NonNullable<Manifest['splits']>['merged'] = [];
  const parts: CombinedPart[] = [];
  let plan: Manifest['splits'] = null;
  for (const [index, file] of sources.entries()) {
    const source = manifests[index]!;
    if (!source.splits) throw new Error(`${file}: the manifest has no splits; run the split first (npm run datasets:split)`);
    plan ??= source.splits;
    const folder = layout === 'shared-parent' ? path.basename(roots[index]!) : `${index}-${source.name}`;
    if (layout === 'links') {
      const link = path.join(directory, folder);
      await rm(link, { recursive: true, force: true });
      await symlink(roots[index]!, link, 'dir');
    }
    const kept = source.images.filter((image) => !seen.has(image.sha256));
    for (const image of kept) {
      seen.add(image.sha256);
      images.push({ ...image, path: `${folder}/${image.path}` });
    }
    const keptPaths = new Set(kept.map((image) => image.path));
    for (const group of source.splits.merged) {
      const items = group.items.filter((item) => keptPaths.has(item)).map((item) => `${folder}/${item}`);
      if (items.length >= 2) merged.push({ reason: group.reason, items });
    }
    parts.push({ manifest: file, folder, images: kept.length, duplicates: source.images.length - kept.length });
  }
  const manifest: Manifest = {
    name,
    version: 1,
    root: relativeToManifest(target, parent),
    createdAt: new Date().toISOString(),
    source: { format: 'labels_csv', mapping: null },
    skipped: [],
    splits: { ...plan!, merged },
    images,
  };
  await writeManifest(target, manifest);
  return { manifest, parts };
}
