import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { modelPixels, policyKey, preparedPng, type InputSpec } from '../preprocessing.js';
import { CommandLine } from './command-line.js';

/**
 * `npm run datasets:prepare -- <manifest> [--size 160] [--resize contain] [--out var/prepared]`
 * Writes, for every image of a dataset manifest, the exact pixels serving will feed the model
 * (`inference/preprocessing.ts`) as a lossless PNG named by the image's sha256. The trainer reads only these.
 */
interface ManifestImage {
  path: string;
  sha256: string;
}

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
  const spec: Pick<InputSpec, 'size' | 'resize' | 'padColor'> = { size, resize: values.resize, padColor };
  const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as { name: string; root: string; images: ManifestImage[] };
  const root = path.resolve(path.dirname(manifestPath), manifest.root);
  const outDir = path.resolve(values.out, manifest.name, policyKey(spec));
  await mkdir(outDir, { recursive: true });

  let written = 0;
  let reused = 0;
  const failures: string[] = [];
  const queue = [...manifest.images];
  const worker = async () => {
    for (let image = queue.shift(); image; image = queue.shift()) {
      const target = path.join(outDir, `${image.sha256}.png`);
      if (await exists(target)) {
        reused += 1;
        continue;
      }
      try {
        const pixels = await modelPixels(path.join(root, image.path), spec);
        await writeFile(target, await preparedPng(pixels, size));
        written += 1;
      } catch (error) {
        failures.push(`${image.path}: ${(error as Error).message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, os.availableParallelism()) }, worker));
  console.log(JSON.stringify({ manifest: manifest.name, policy: policyKey(spec), outDir, written, reused, failed: failures.length }));
  for (const failure of failures) console.error(`failed: ${failure}`);
  if (failures.length > 0) process.exitCode = 1;
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

await main();
