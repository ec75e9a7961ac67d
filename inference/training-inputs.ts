import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { modelPixels, policyKey, preparedPng, type InputSpec } from './preprocessing.js';

export type PixelPolicy = Pick<InputSpec, 'size' | 'resize' | 'padColor'>;

export interface PreparedInputs {
  manifest: string;
  policy: string;
  outDir: string;
  written: number;
  reused: number;
  /** `<image path>: <reason>` for each image that could not be read. */
  failures: string[];
}

/**
 * Writes, for every image of a dataset manifest, the exact pixels serving will feed the model
 * (`inference/preprocessing.ts`) as a lossless PNG named by the image's sha256, under
 * `<outRoot>/<manifest name>/<policy key>/`: the trainer reads only these. PNGs already there are reused.
 */
export async function prepareTrainingInputs(
  manifestPath: string,
  spec: PixelPolicy,
  outRoot: string,
  onProgress: (done: number, total: number) => void = () => {},
): Promise<PreparedInputs> {
  const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as {
    name: string;
    root: string;
    images: { path: string; sha256: string }[];
  };
  const root = path.resolve(path.dirname(manifestPath), manifest.root);
  const outDir = path.resolve(outRoot, manifest.name, policyKey(spec));
  await mkdir(outDir, { recursive: true });

  const result: PreparedInputs = { manifest: manifest.name, policy: policyKey(spec), outDir, written: 0, reused: 0, failures: [] };
  const queue = [...manifest.images];
  const total = queue.length;
  const worker = async () => {
    for (let image = queue.shift(); image; image = queue.shift()) {
      const target = path.join(outDir, `${image.sha256}.png`);
      if (await exists(target)) {
        result.reused += 1;
      } else {
        try {
          const pixels = await modelPixels(path.join(root, image.path), spec);
          await writeFile(target, await preparedPng(pixels, spec.size));
          result.written += 1;
        } catch (error) {
          result.failures.push(`${image.path}: ${(error as Error).message}`);
        }
      }
      onProgress(result.written + result.reused + result.failures.length, total);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, os.availableParallelism()) }, worker));
  return result;
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}
