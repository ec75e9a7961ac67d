import path from 'node:path';
import { pct } from '../evaluation.js';
import { retrain, type RetrainOutcome, type RetrainProgress } from '../retrain/retrain.js';
import { CommandLine } from './command-line.js';

/**
 * `npm run models:retrain -- --model <name> --snapshot <manifest.json> [--base <manifest.json> …] [--margin 0.02]
 * [--size N] [--backbone B] [--max-epochs N] [--fresh] [--set K=V …] [--against <model>] [--version V] [--json]`
 * Exit status 0: registered; 1: refused by the gate (nothing registered); 2: bad arguments; 3: the run failed.
 */
const cli: CommandLine = new CommandLine(
  'models:retrain',
  'usage: npm run models:retrain -- --model <name> --snapshot <manifest.json> [--snapshot …] [--base <manifest.json> …] [--margin 0.02] ' +
    '[--size N] [--backbone B] [--max-epochs N] [--fresh] [--set KEY=VALUE …] [--against <name@version|dir>] [--version V] [--models-dir models] [--json]',
);

async function main(): Promise<void> {
  const { values, positionals } = cli.parse({
    model: { type: 'string' },
    snapshot: { type: 'string', multiple: true, default: [] },
    base: { type: 'string', multiple: true, default: [] },
    margin: { type: 'string', default: '0.02' },
    size: { type: 'string' },
    backbone: { type: 'string' },
    'max-epochs': { type: 'string' },
    fresh: { type: 'boolean', default: false },
    set: { type: 'string', multiple: true, default: [] },
    against: { type: 'string' },
    version: { type: 'string' },
    'models-dir': { type: 'string', default: process.env.MODELS_DIR ?? 'models' },
    python: { type: 'string', default: '.venv/bin/python' },
    json: { type: 'boolean', default: false },
  });
  const margin = Number(values.margin);
  const size = values.size === undefined ? undefined : Number(values.size);
  const maxEpochs = values['max-epochs'] === undefined ? undefined : Number(values['max-epochs']);
  if (positionals.length > 0) cli.fail(`unexpected argument ${positionals[0]}`);
  if (!values.model) cli.fail('give the model to retrain: --model <name>');
  if (values.snapshot.length === 0 && values.base.length === 0) cli.fail('give at least one --snapshot or --base manifest');
  if (!(margin >= 0 && margin < 1)) cli.fail('--margin must be between 0 and 1');
  if (size !== undefined && !(Number.isInteger(size) && size >= 16)) cli.fail('--size must be an integer ≥ 16');
  if (maxEpochs !== undefined && !(Number.isInteger(maxEpochs) && maxEpochs >= 1)) cli.fail('--max-epochs must be a positive integer');
  const badSetting = values.set.find((setting) => !/^[a-z_]+=.+$/.test(setting));
  if (badSetting) cli.fail(`--set takes KEY=VALUE, got ${badSetting}`);
  const version = values.version ?? undefined;

  let last = '';
  const show = ({ phase, progress, epoch, epochs }: RetrainProgress) => {
    const line = `${phase}${epoch ? ` epoch ${epoch}/${epochs}` : ''}`;
    if (line !== last) console.error(`[${pct(progress).padStart(7)}] ${line}`);
    last = line;
  };
  const outcome = await retrain({
    model: values.model,
    snapshots: values.snapshot,
    base: values.base,
    modelsDir: values['models-dir'],
    workDir: path.resolve('var', 'retrain', `${values.model}-${process.pid}`),
    python: values.python,
    script: path.resolve('models', 'training', 'train_all.py'),
    against: values.against,
    margin,
    size,
    backbone: values.backbone,
    maxEpochs,
    fresh: values.fresh,
    set: values.set,
    version,
    onProgress: show,
  }).catch((error: Error) => {
    console.error(`models:retrain: ${error.message}`);
    process.exit(3);
  });
  if (values.json) console.log(JSON.stringify(outcome, null, 2));
  else printOutcome(outcome);
  if (!outcome.registered) process.exitCode = 1;
}

function printOutcome({ candidate, parent, gate, registered }: RetrainOutcome): void {
  console.log(`${candidate} against ${parent} on the same test split (${gate.candidate.examples} images), margin ${pct(gate.margin)}:`);
  console.log(`top-1 ${pct(gate.active.top1)} → ${pct(gate.candidate.top1)}   ECE ${pct(gate.active.ece)} → ${pct(gate.candidate.ece)}`);
  for (const row of gate.perClass) {
    const after = row.candidate === null ? 'missing' : pct(row.candidate);
    console.log(`  recall ${row.label}: ${pct(row.active)} → ${after} (${row.support} images)${row.passed ? '' : '  FAILED'}`);
  }
  if (registered) console.log(`non-regression gate: PASSED; registered in ${registered} (not active: activate it on the models page)`);
  else console.log(`non-regression gate: FAILED; nothing registered\n  ${gate.failures.join('\n  ')}`);
}

await main();
