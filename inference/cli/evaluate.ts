import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { OnnxClassifier } from '../classifier.js';
import { compareReports, evaluate, pct, type EvaluationReport, type ScoredExample } from '../evaluation.js';
import { findModelPackageDirs, loadModelPackage, type ModelCard } from '../model-package.js';
import { toProbabilities } from '../probabilities.js';

/**
 * `npm run models:evaluate -- <model> <manifest.json | folder> [--split test] [--compare <model>] [--margin 0.02] [--json]`
 * <model> is a package directory, `name@version`, or `name` (its newest version under --models-dir).
 * A folder holds one sub-folder per label id or taxon; sub-folders that name no label of the model are unknowns.
 */
const USAGE = 'usage: npm run models:evaluate -- <model> <manifest.json|folder> [--split test|val|train|all] [--compare <model>] [--margin 0.02] [--models-dir models] [--json]';

interface LabelledImage {
  file: string;
  group: string | null;
  lifeStage: string | null;
  taxon: string | null;
  /** A folder's name, matched against label ids as well as taxa. */
  folder?: string;
}

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        split: { type: 'string', default: 'test' },
        compare: { type: 'string' },
        margin: { type: 'string', default: '0.02' },
        'models-dir': { type: 'string', default: process.env.MODELS_DIR ?? 'models' },
        json: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    fail((error as Error).message);
  }
  const { values, positionals } = parsed;
  const [modelArg, dataArg] = positionals;
  const margin = Number(values.margin);
  if (!modelArg || !dataArg || positionals.length > 2) fail('give a model and a manifest or folder');
  if (!['test', 'val', 'train', 'all'].includes(values.split)) fail(`unknown split ${values.split}`);
  if (!(margin >= 0 && margin < 1)) fail('--margin must be between 0 and 1');

  const images = await labelledImages(dataArg, values.split).catch((error: Error) => fail(`cannot read ${dataArg}: ${error.message}`));
  const candidate = await evaluateModel(await resolveModel(modelArg, values['models-dir']), images);
  const baseline = values.compare ? await evaluateModel(await resolveModel(values.compare, values['models-dir']), images) : undefined;
  const gate = baseline ? compareReports(baseline.report, candidate.report, margin) : undefined;

  if (values.json) {
    console.log(JSON.stringify({ model: candidate.ref, data: dataArg, split: values.split, report: candidate.report, ...(baseline ? { baseline: { model: baseline.ref, report: baseline.report }, gate } : {}) }, null, 2));
  } else {
    printReport(candidate.ref, dataArg, values.split, candidate.report);
    if (baseline && gate) printComparison(baseline, candidate, margin, gate.failures);
  }
  if (gate && !gate.passed) process.exitCode = 1;
}

async function resolveModel(reference: string, modelsDir: string) {
  const asPath = path.resolve(reference);
  if (await isDirectory(asPath)) return loadModelPackage(asPath);
  const [name, version] = reference.split('@');
  const versions = (await findModelPackageDirs(path.resolve(modelsDir))).get(name!);
  const directory = version ? versions?.find((candidate) => path.basename(candidate) === version) : versions?.[0];
  if (!directory) fail(`no model package ${reference} under ${modelsDir}`);
  return loadModelPackage(directory);
}

async function evaluateModel(modelPackage: Awaited<ReturnType<typeof loadModelPackage>>, images: LabelledImage[]) {
  const classifier = await OnnxClassifier.load(modelPackage);
  const examples: ScoredExample[] = [];
  const chosen = images.flatMap((image) => {
    const label = labelFor(modelPackage.card, image);
    return label === 'skip' ? [] : [{ image, label }];
  });
  for (let start = 0; start < chosen.length; start += 64) {
    const batch = chosen.slice(start, start + 64);
    const tensors = await Promise.all(batch.map(({ image }) => classifier.tensorOf(image.file)));
    const logProbabilities = await classifier.logProbabilities(tensors);
    batch.forEach(({ label }, index) => examples.push({ probabilities: toProbabilities(logProbabilities[index]!), label }));
  }
  await classifier.release();
  const { card } = modelPackage;
  return { ref: modelPackage.ref, report: evaluate(card.labels.map((label) => label.id), examples, card.rejection.threshold) };
}

/**
 * Which label an image is, for this model: an index, `null` for an unknown the model should reject
 * (another group or life stage than a refining model covers), or `skip` when it belongs to the model's scope
 * but is labelled less specifically than the model's labels.
 */
function labelFor(card: ModelCard, image: LabelledImage): number | null | 'skip' {
  if (image.folder !== undefined) {
    const index = card.labels.findIndex((label) => label.id === image.folder || label.taxon === image.folder);
    return index >= 0 ? index : null;
  }
  const sameStage = (a: string | null, b: string | null) => a === null || b === null || a === b;
  if (card.task === 'group') {
    const index = card.labels.findIndex((label) => label.group === image.group && sameStage(label.lifeStage, image.lifeStage));
    return index >= 0 ? index : null;
  }
  const scope = card.labels[0]!;
  if (image.group !== scope.group || !sameStage(scope.lifeStage, image.lifeStage)) return null;
  const index = card.labels.findIndex((label) => image.taxon === label.taxon || image.taxon?.startsWith(`${label.taxon} `));
  return index >= 0 ? index : 'skip';
}

async function labelledImages(source: string, split: string): Promise<LabelledImage[]> {
  if (await isDirectory(source)) {
    const images: LabelledImage[] = [];
    for (const folder of await readdir(source)) {
      if (!(await isDirectory(path.join(source, folder)))) continue;
      for (const file of await readdir(path.join(source, folder))) {
        images.push({ file: path.join(source, folder, file), group: null, lifeStage: null, taxon: null, folder });
      }
    }
    return images;
  }
  const manifest = JSON.parse(await readFile(source, 'utf8')) as {
    root: string;
    images: { path: string; group: string; lifeStage: string | null; taxon: string | null; split: string | null }[];
  };
  const root = path.resolve(path.dirname(source), manifest.root);
  return manifest.images
    .filter((image) => split === 'all' || image.split === split)
    .map((image) => ({ file: path.join(root, image.path), group: image.group, lifeStage: image.lifeStage, taxon: image.taxon }));
}

function printReport(ref: string, data: string, split: string, report: EvaluationReport): void {
  console.log(`${ref} on ${data} (split ${split}): ${report.examples} labelled images, ${report.unknowns} unknowns`);
  console.log(
    `top-1 ${pct(report.top1)}   top-3 ${pct(report.top3)}   ECE ${pct(report.ece)}   rejection AUROC ${report.rejectionAuroc === null ? 'n/a (no unknowns)' : report.rejectionAuroc.toFixed(3)}`,
  );
  const { threshold, knownAccepted, unknownRejected } = report.atThreshold;
  console.log(`at threshold ${threshold.toFixed(3)}: ${pct(knownAccepted)} of known images accepted${unknownRejected === null ? '' : `, ${pct(unknownRejected)} of unknowns rejected`}`);
  const width = Math.max(12, ...report.labels.map((label) => label.length)) + 2;
  console.log(`\n${'class'.padEnd(width)}precision  recall  support`);
  for (const label of report.labels) {
    const metrics = report.perClass[label]!;
    console.log(`${label.padEnd(width)}${pct(metrics.precision).padStart(9)}  ${pct(metrics.recall).padStart(6)}  ${String(metrics.support).padStart(7)}`);
  }
  console.log('\nconfusion matrix (rows: true, columns: predicted, in the order above)');
  report.confusion.forEach((row, index) => console.log(`${report.labels[index]!.padEnd(width)}${row.map((count) => String(count).padStart(6)).join('')}`));
}

function printComparison(baseline: { ref: string; report: EvaluationReport }, candidate: { ref: string; report: EvaluationReport }, margin: number, failures: string[]): void {
  console.log(`\ncompared with ${baseline.ref} on the same images (margin ${pct(margin)}):`);
  console.log(`top-1 ${pct(baseline.report.top1)} → ${pct(candidate.report.top1)}`);
  for (const label of baseline.report.labels) {
    console.log(`recall ${label}: ${pct(baseline.report.perClass[label]!.recall)} → ${pct(candidate.report.perClass[label]?.recall ?? 0)}`);
  }
  console.log(failures.length === 0 ? 'non-regression gate: PASSED' : `non-regression gate: FAILED\n  ${failures.join('\n  ')}`);
}

async function isDirectory(candidate: string): Promise<boolean> {
  return stat(candidate).then((info) => info.isDirectory(), () => false);
}

function fail(message: string): never {
  console.error(`models:evaluate: ${message}\n${USAGE}`);
  process.exit(2);
}

await main();
