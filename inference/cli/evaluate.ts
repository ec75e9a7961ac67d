import { ANSWER_LEVELS, gateReports, pct, type EvaluationReport, type LevelReport } from '../evaluation.js';
import { evaluateChain, evaluateModel, labelledImages, resolveModel, type SourceTopOne } from '../model-evaluation.js';
import { CommandLine } from './command-line.js';

/**
 * `npm run models:evaluate -- <model> <manifest.json | folder> [--split test] [--compare <model>] [--margin 0.02] [--tta flip] [--json]`
 * <model> is a package directory, `name@version`, or `name` (its newest version under --models-dir).
 * A folder holds one sub-folder per label id or taxon; sub-folders that name no label of the model are unknowns.
 * `npm run models:evaluate -- --chain <manifest.json> [--split test]` runs the whole chain under --models-dir instead
 * and reports each level (group, genus, species): coverage, accuracy when committed, and ECE.
 * `--tta flip` scores each image with its mirror image as a second view (test-time augmentation; twice the model runs).
 */
const cli: CommandLine = new CommandLine(
  'models:evaluate',
  'usage: npm run models:evaluate -- <model> <manifest.json|folder> [--split test|val|train|all] [--compare <model>] [--margin 0.02] [--tta flip] [--models-dir models] [--json]\n' +
    '       npm run models:evaluate -- --chain <manifest.json> [--split test|val|train|all] [--models-dir models] [--json]',
);

async function main(): Promise<void> {
  const { values, positionals } = cli.parse({
    split: { type: 'string', default: 'test' },
    compare: { type: 'string' },
    margin: { type: 'string', default: '0.02' },
    'models-dir': { type: 'string', default: process.env.MODELS_DIR ?? 'models' },
    json: { type: 'boolean', default: false },
    chain: { type: 'boolean', default: false },
    tta: { type: 'string', default: 'single' },
  });
  if (values.chain) return evaluateLevels(positionals, values.split, values['models-dir'], values.json);
  const [modelArg, dataArg] = positionals;
  const margin = Number(values.margin);
  if (!modelArg || !dataArg || positionals.length > 2) cli.fail('give a model and a manifest or folder');
  if (!['test', 'val', 'train', 'all'].includes(values.split)) cli.fail(`unknown split ${values.split}`);
  if (!(margin >= 0 && margin < 1)) cli.fail('--margin must be between 0 and 1');
  const views = values.tta;
  if (views !== 'single' && views !== 'flip') cli.fail(`--tta takes flip, got ${views}`);

  const images = await labelledImages(dataArg, values.split).catch((error: Error) => cli.fail(`cannot read ${dataArg}: ${error.message}`));
  const load = (reference: string) => resolveModel(reference, values['models-dir']).catch((error: Error) => cli.fail(error.message));
  const candidate = await evaluateModel(await load(modelArg), images, views);
  const baseline = values.compare ? await evaluateModel(await load(values.compare), images, views) : undefined;
  const gate = baseline ? gateReports(baseline.report, candidate.report, margin) : undefined;

  if (values.json) {
    console.log(
      JSON.stringify(
        {
          model: candidate.ref,
          data: dataArg,
          split: values.split,
          views,
          report: candidate.report,
          bySource: candidate.bySource,
          ...(baseline ? { baseline: { model: baseline.ref, report: baseline.report }, gate } : {}),
        },
        null,
        2,
      ),
    );
  } else {
    printReport(
      views === 'flip' ? `${candidate.ref} (each image with its mirror image)` : candidate.ref,
      dataArg,
      values.split,
      candidate.report,
    );
    printSources(candidate.bySource);
    if (baseline && gate) printComparison(baseline, candidate, margin, gate.failures);
  }
  if (gate && !gate.passed) process.exitCode = 1;
}

async function evaluateLevels(positionals: string[], split: string, modelsDir: string, json: boolean): Promise<void> {
  const [dataArg] = positionals;
  if (!dataArg || positionals.length > 1) cli.fail('give one manifest with --chain');
  if (!['test', 'val', 'train', 'all'].includes(split)) cli.fail(`unknown split ${split}`);
  const images = await labelledImages(dataArg, split).catch((error: Error) => cli.fail(`cannot read ${dataArg}: ${error.message}`));
  if (!images.some((image) => image.group !== null)) cli.fail(`${dataArg} labels no image with its group: --chain needs a manifest`);
  const { models, report } = await evaluateChain(modelsDir, images).catch((error: Error) => cli.fail(error.message));
  if (json) console.log(JSON.stringify({ models, data: dataArg, split, levels: report }, null, 2));
  else printLevels(models, dataArg, split, report);
}

/** Photo styles differ by source (on-skin, trap, smartphone): top-1 on each source's labelled images. */
function printSources(bySource: SourceTopOne[]): void {
  if (bySource.length === 0) return;
  const width = Math.max(...bySource.map(({ source }) => source.length), 'source'.length);
  console.log(`\n${'source'.padEnd(width)}  images    top-1`);
  for (const { source, examples, top1 } of bySource)
    console.log(`${source.padEnd(width)}  ${String(examples).padStart(6)}  ${pct(top1).padStart(7)}`);
}

function printLevels(models: string[], data: string, split: string, report: LevelReport): void {
  console.log(`${models.join(', ')} on ${data} (split ${split}): ${report.examples} images, ${pct(report.rejected)} rejected`);
  console.log(`\n${'level'.padEnd(9)}committed  coverage  accuracy when committed  judged      ECE`);
  for (const level of [...ANSWER_LEVELS].reverse()) {
    const metrics = report.levels[level];
    const accuracy = metrics.accuracyWhenCommitted === null ? 'n/a' : pct(metrics.accuracyWhenCommitted);
    const ece = metrics.ece === null ? 'n/a' : pct(metrics.ece);
    console.log(
      `${level.padEnd(9)}${String(metrics.committed).padStart(9)}  ${pct(metrics.coverage).padStart(8)}  ${accuracy.padStart(23)}  ${String(metrics.judged).padStart(6)}  ${ece.padStart(7)}`,
    );
  }
}

function printReport(ref: string, data: string, split: string, report: EvaluationReport): void {
  console.log(`${ref} on ${data} (split ${split}): ${report.examples} labelled images, ${report.unknowns} unknowns`);
  console.log(
    `top-1 ${pct(report.top1)}   top-3 ${pct(report.top3)}   ECE ${pct(report.ece)}   rejection AUROC ${report.rejectionAuroc === null ? 'n/a (no unknowns)' : report.rejectionAuroc.toFixed(3)}`,
  );
  const { threshold, knownAccepted, unknownRejected } = report.atThreshold;
  console.log(
    `at threshold ${threshold.toFixed(3)}: ${pct(knownAccepted)} of known images accepted${unknownRejected === null ? '' : `, ${pct(unknownRejected)} of unknowns rejected`}`,
  );
  const width = Math.max(12, ...report.labels.map((label) => label.length)) + 2;
  console.log(`\n${'class'.padEnd(width)}precision  recall  support`);
  for (const label of report.labels) {
    const metrics = report.perClass[label]!;
    console.log(
      `${label.padEnd(width)}${pct(metrics.precision).padStart(9)}  ${pct(metrics.recall).padStart(6)}  ${String(metrics.support).padStart(7)}`,
    );
  }
  console.log('\nconfusion matrix (rows: true, columns: predicted, in the order above)');
  report.confusion.forEach((row, index) =>
    console.log(`${report.labels[index]!.padEnd(width)}${row.map((count) => String(count).padStart(6)).join('')}`),
  );
}

function printComparison(
  baseline: { ref: string; report: EvaluationReport },
  candidate: { ref: string; report: EvaluationReport },
  margin: number,
  failures: string[],
): void {
  console.log(`\ncompared with ${baseline.ref} on the same images (margin ${pct(margin)}):`);
  console.log(`top-1 ${pct(baseline.report.top1)} → ${pct(candidate.report.top1)}`);
  for (const label of baseline.report.labels) {
    console.log(`recall ${label}: ${pct(baseline.report.perClass[label]!.recall)} → ${pct(candidate.report.perClass[label]?.recall ?? 0)}`);
  }
  console.log(failures.length === 0 ? 'non-regression gate: PASSED' : `non-regression gate: FAILED\n  ${failures.join('\n  ')}`);
}

await main();
