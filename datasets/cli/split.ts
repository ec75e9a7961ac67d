import { readManifest, writeManifest } from '../manifest.js';
import { DEFAULT_SPLIT_OPTIONS, describeSplit, splitManifest, splitOptionsProblem, type SplitOptions } from '../split.js';
import { numberOption, parseCommandLine, runCommand, UsageError } from './arguments.js';

const { seed, fractions, nearDuplicateDistance } = DEFAULT_SPLIT_OPTIONS;
const USAGE = `usage: npm run datasets:split -- <manifest.json> [--seed ${seed}] [--train ${fractions.train} --val ${fractions.val} --test ${fractions.test}] [--near-duplicate-distance ${nearDuplicateDistance}]`;

await runCommand(USAGE, async () => {
  const { target: manifestFile, values } = parseCommandLine(
    {
      seed: { type: 'string', default: String(seed) },
      train: { type: 'string', default: String(fractions.train) },
      val: { type: 'string', default: String(fractions.val) },
      test: { type: 'string', default: String(fractions.test) },
      'near-duplicate-distance': { type: 'string', default: String(nearDuplicateDistance) },
    },
    'manifest file',
  );
  const options: SplitOptions = {
    seed: numberOption('seed', values.seed),
    fractions: {
      train: numberOption('train', values.train),
      val: numberOption('val', values.val),
      test: numberOption('test', values.test),
    },
    nearDuplicateDistance: numberOption('near-duplicate-distance', values['near-duplicate-distance']),
  };
  const problem = splitOptionsProblem(options);
  if (problem) throw new UsageError(problem);
  const report = splitManifest(await readManifest(manifestFile), options);
  await writeManifest(manifestFile, report.manifest);
  console.log(describeSplit(report));
  console.log(`\nwrote splits into ${manifestFile}`);
});
