/**
 * `npm run measure:image-quality -- <dataset folder>…`: the quality gate's measures over real photographs (each folder's
 * `labels.csv`), as the distribution of every measure and the share of photos each limit of the gate would flag —
 * overall, per group and per source. The evidence behind the limits in `api/storage/image-quality.ts` (ADR 0034).
 * `--show <problem>` lists the photos flagged for that problem, to look at.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseCsv } from '../datasets/csv.js';
import { IMAGE_QUALITY_PROBLEMS } from '../api/domain/vocabulary.js';
import { IMAGE_QUALITY_LIMITS, judgeImageQuality, measureImageQuality } from '../api/storage/image-quality.js';
import type { ImageQualityMeasures } from '../inference/photo-measures.js';
import type { ImageQualityFinding } from '../api/domain/image-quality.js';

interface Measured {
  file: string;
  group: string;
  source: string;
  measures: ImageQualityMeasures;
  findings: ImageQualityFinding[];
}

const { values, positionals } = parseArgs({ allowPositionals: true, options: { show: { type: 'string' } } });

async function photosOf(folder: string): Promise<{ file: string; group: string; source: string }[]> {
  const [header, ...rows] = parseCsv(await readFile(path.join(folder, 'labels.csv'), 'utf8'));
  const column = (name: string) => header!.indexOf(name);
  return rows.map((row) => ({
    file: path.join(folder, row[column('path')]!),
    group: `${row[column('group')]}${row[column('life_stage')] === 'larva' ? '-larva' : ''}`,
    // The repository or site, without the commit: one name per collection.
    source: row[column('source')]!.split('@')[0]!,
  }));
}

async function measureAll(photos: { file: string; group: string; source: string }[]): Promise<Measured[]> {
  const measured: Measured[] = [];
  let next = 0;
  const worker = async () => {
    while (next < photos.length) {
      const photo = photos[next++]!;
      const measures = await measureImageQuality(photo.file);
      measured.push({ ...photo, measures, findings: judgeImageQuality(measures, IMAGE_QUALITY_LIMITS) });
    }
  };
  await Promise.all([worker(), worker()]);
  return measured;
}

function quantiles(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return [0, 0.001, 0.01, 0.05, 0.5, 0.95, 0.99, 0.999, 1].map((q) => `${q * 100}%=${at(q).toFixed(3)}`).join('  ');
}

function rates(label: string, measured: Measured[]): string {
  const share = (count: number) => `${((100 * count) / measured.length).toFixed(2)}%`;
  const per = IMAGE_QUALITY_PROBLEMS.map(
    (problem) => `${problem} ${share(measured.filter((m) => m.findings.some((f) => f.problem === problem)).length)}`,
  );
  return `${label} (${measured.length}): any ${share(measured.filter((m) => m.findings.length > 0).length)} | ${per.join(' | ')}`;
}

function byKey(measured: Measured[], key: 'group' | 'source'): Map<string, Measured[]> {
  const groups = new Map<string, Measured[]>();
  for (const m of measured) groups.set(m[key], [...(groups.get(m[key]) ?? []), m]);
  return groups;
}

const photos = (await Promise.all(positionals.map(photosOf))).flat();
const started = performance.now();
const measured = await measureAll(photos);
const seconds = (performance.now() - started) / 1000;
console.log(
  `${measured.length} photos measured in ${seconds.toFixed(1)} s (${(measured.length / seconds).toFixed(0)} photos/s, 2 at a time)`,
);
for (const name of Object.keys(measured[0]!.measures) as (keyof ImageQualityMeasures)[]) {
  console.log(`${name}: ${quantiles(measured.map((m) => m.measures[name]))}`);
}
console.log(`limits: ${JSON.stringify(IMAGE_QUALITY_LIMITS)}`);
console.log(rates('all', measured));
for (const key of ['group', 'source'] as const) {
  for (const [name, members] of byKey(measured, key)) console.log(`  ${rates(`${key} ${name}`, members)}`);
}
if (values.show) {
  for (const m of measured.filter((m) => m.findings.some((f) => f.problem === values.show)))
    console.log(`${m.file} ${JSON.stringify(m.findings)}`);
}
