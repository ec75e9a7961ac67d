import { prepareTrainingInputs, type PixelPolicy } from '../training-inputs.js';
import { CommandLine } from './command-line.js';

/**
 * `npm run datasets:prepare -- <manifest> [--size 160] [--resize contain] [--out var/prepared]`
 * Writes, for every image of a dataset manifest, the exact pixels serving will feed the model
 * (`inference/preprocessing.ts`) as a lossless PNG named by the image's sha256. The trainer reads only these.
 */
const cli: CommandLine = new CommandLine(
  'datasets:prepare',
  'usage: npm run datasets:prepare -- <manifest.json> [--size 160] [--resize contain|cover] [--pad 127,127,127] [--out var/prepared]',
);

async function main(): Promise<void> {
  const { values, positionals } = cli.parse({
    size: { type: 'string', default: '160' },
    resize: { type: 'string', default: 'contain' },
    pad: { type: 'string', default: '127,127,127' },
    out: { type: 'string', default: 'var/prepared' },
  });
  const manifestPath = positionals[0];
  const size = Number(values.size);
  const padColor = values.pad.split(',').map(Number) as [number, number, number];
  if (!manifestPath) cli.fail('give a dataset manifest');
  if (!Number.isInteger(size) || size < 16) cli.fail('--size must be an integer ≥ 16');
  if (values.resize !== 'contain' && values.resize !== 'cover') cli.fail('--resize must be contain or cover');
  if (padColor.length !== 3 || padColor.some((c) => !(c >= 0 && c <= 255))) cli.fail('--pad must be three numbers 0–255, e.g. 127,127,127');
  const spec: PixelPolicy = { size, resize: values.resize, padColor };
  const { failures, ...summary } = await prepareTrainingInputs(manifestPath, spec, values.out);
  console.log(JSON.stringify({ ...summary, failed: failures.length }));
  for (const failure of failures) console.error(`failed: ${failure}`);
  if (failures.length > 0) process.exitCode = 1;
}

await main();
