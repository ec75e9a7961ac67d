import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseCsv } from './csv.js';
import { resolveLabel } from './label-resolution.js';
import { isPlainRelativePath, type ImageLabels } from './manifest.js';
import { countOf } from './table.js';
import type { Taxonomy } from './taxonomy.js';
import { DataProblems } from './validation.js';

export const LABELS_FILE = 'labels.csv';
const COLUMNS = ['path', 'group', 'life_stage', 'taxon', 'common', 'source', 'source_item', 'licence'] as const;
type Column = (typeof COLUMNS)[number];

/** The labels of a folder in the shared-datasets format: `labels.csv`, one row per image (see shared/datasets/README.md). */
export async function readLabelsCsv(folder: string, taxonomy: Taxonomy): Promise<ImageLabels[]> {
  const file = path.join(folder, LABELS_FILE);
  const [header, ...rows] = parseCsv(await readFile(file, 'utf8'));
  const missing = COLUMNS.filter((column) => !header?.includes(column));
  if (!header || missing.length > 0) throw new DataProblems(file, [`missing ${countOf(missing.length, 'column')}: ${missing.join(', ')}`]);

  const problems: string[] = [];
  const labels: ImageLabels[] = [];
  const seen = new Set<string>();
  rows.forEach((fields, index) => {
    // Row 1 is the header, as a spreadsheet numbers it.
    const where = `row ${index + 2}`;
    if (fields.length !== header.length) {
      problems.push(`${where}: ${fields.length} fields, the header has ${header.length}`);
      return;
    }
    const cell = (column: Column) => fields[header.indexOf(column)]!.trim();
    const imagePath = cell('path');
    const resolved = resolveLabel({ group: cell('group'), lifeStage: cell('life_stage'), taxon: cell('taxon') }, taxonomy);
    const rowProblems = [
      ...(!isPlainRelativePath(imagePath) ? [`path ${JSON.stringify(imagePath)} must be relative to the folder, with / separators`] : []),
      ...(seen.has(imagePath) ? [`${imagePath} is listed twice`] : []),
      ...(['source', 'licence'] as const).filter((column) => !cell(column)).map((column) => `${column} is empty`),
      ...('problem' in resolved ? [resolved.problem] : []),
    ];
    seen.add(imagePath);
    if ('problem' in resolved || rowProblems.length > 0) {
      problems.push(...rowProblems.map((problem) => `${where}: ${problem}`));
      return;
    }
    labels.push({
      path: imagePath,
      ...resolved.label,
      common: cell('common') || null,
      source: cell('source'),
      licence: cell('licence'),
      sourceItem: cell('source_item') || null,
      specimenId: null,
    });
  });
  if (problems.length > 0) throw new DataProblems(file, problems);
  return labels;
}
