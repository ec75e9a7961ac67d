import { stat } from 'node:fs/promises';
import path from 'node:path';
import { compareText, groupBy } from './collections.js';
import { groupsAcrossSplits } from './leakage.js';
import { labelKey, manifestRoot, SPLITS, type ImageRecord, type Manifest } from './manifest.js';
import { countOf, formatTable } from './table.js';

/** Image counts per key (label, source, licence…) and split, with totals; an `unsplit` column only while some are. */
export function countsBySplit(images: readonly ImageRecord[], heading: string, keyOf: (image: ImageRecord) => string): string {
  const columns = images.some((image) => image.split === null) ? [...SPLITS, null] : [...SPLITS];
  const count = (members: readonly ImageRecord[]) => [
    ...columns.map((split) => members.filter((image) => image.split === split).length),
    members.length,
  ];
  const rows = [...groupBy(images, keyOf)].sort(([a], [b]) => compareText(a, b)).map(([key, members]) => [key, ...count(members)]);
  return formatTable([heading, ...columns.map((split) => split ?? 'unsplit'), 'total'], [...rows, ['total', ...count(images)]]);
}

/** One label's image count in each split: the figures a snapshot records and shows. */
export interface LabelSplitCount {
  group: ImageRecord['group'];
  lifeStage: ImageRecord['lifeStage'];
  taxon: string;
  train: number;
  val: number;
  test: number;
  total: number;
}

/** Image counts per label and split, in label order; images not yet split count in the total only. */
export function labelSplitCounts(images: readonly ImageRecord[]): LabelSplitCount[] {
  return [...groupBy(images, labelKey)]
    .sort(([a], [b]) => compareText(a, b))
    .map(([, members]) => {
      const { group, lifeStage, taxon } = members[0]!;
      const count = (split: (typeof SPLITS)[number]) => members.filter((image) => image.split === split).length;
      return { group, lifeStage, taxon, train: count('train'), val: count('val'), test: count('test'), total: members.length };
    });
}

export function countsByLabel(images: readonly ImageRecord[]): string {
  return countsBySplit(images, 'label (group|life stage|taxon)', labelKey);
}

/** Images the manifest lists that are not on disk (relative paths). */
export async function missingImages(manifestFile: string, manifest: Manifest): Promise<string[]> {
  const root = manifestRoot(manifestFile, manifest);
  const present = await Promise.all(
    manifest.images.map((image) =>
      stat(path.join(root, image.path)).then(
        () => true,
        () => false,
      ),
    ),
  );
  return manifest.images.filter((_, index) => !present[index]).map((image) => image.path);
}

/** The `datasets:stats` report: counts per label, source and licence by split, missing files, and a leakage check. */
export async function describeManifest(manifestFile: string, manifest: Manifest): Promise<string> {
  const { images, splits } = manifest;
  const missing = await missingImages(manifestFile, manifest);
  const leaks = splits ? groupsAcrossSplits(images, splits.nearDuplicateDistance) : [];
  return [
    `${manifest.name}: ${countOf(images.length, 'image')} under ${manifestRoot(manifestFile, manifest)}, imported ${manifest.createdAt}; ` +
      (splits
        ? `split with seed ${splits.seed}, fractions ${SPLITS.map((split) => `${split} ${splits.fractions[split]}`).join(' / ')}, near-duplicate distance ${splits.nearDuplicateDistance}.`
        : 'not split yet.'),
    countsByLabel(images),
    countsBySplit(images, 'source', (image) => image.source),
    countsBySplit(images, 'licence', (image) => image.licence),
    listing('missing on disk', missing),
    splits
      ? listing(
          'leakage (groups across splits)',
          leaks.map((members) => members.map((image) => `${image.path} (${image.split})`).join(', ')),
        )
      : '',
    manifest.skipped.length > 0
      ? listing(
          'skipped at import',
          manifest.skipped.map((file) => `${file.path}: ${file.reason}`),
        )
      : '',
  ]
    .filter(Boolean)
    .join('\n\n');
}

function listing(title: string, lines: readonly string[]): string {
  return [`${title}: ${lines.length}`, ...lines.map((line) => `  ${line}`)].join('\n');
}
