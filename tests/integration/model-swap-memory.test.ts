import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InferencePool, type PoolOutcome } from '../../inference/inference-pool.js';
import { findModelPackageDirs, loadModelPackage, ModelPackageError } from '../../inference/model-package.js';
import { jpegImage } from '../helpers/images.js';
import { MODELS_DIR } from '../helpers/models.js';

/** A second version of the group model: the same ONNX file (same sha256), its card's `version` rewritten. */
const NEXT_VERSION = '2099.01.01';
const GROUP = 'vector-group';
const CYCLES = 24;
const MiB = 1024 * 1024;

/**
 * Copies the newest committed packages (plus the group model under NEXT_VERSION) and proves every copy against its
 * card's sha256. A training job may be rewriting a package under models/ meanwhile: a copy that does not verify is
 * retried a little later instead of failing the test on a half-written file.
 */
async function stagePackages(into: string): Promise<Record<string, string>> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      const versions: Record<string, string> = {};
      for (const [name, [directory]] of await findModelPackageDirs(MODELS_DIR)) {
        const version = path.basename(directory!);
        versions[name] = version;
        for (const target of name === GROUP ? [version, NEXT_VERSION] : [version]) {
          const dest = path.join(into, name, target);
          await mkdir(dest, { recursive: true });
          await copyFile(path.join(directory!, 'model.onnx'), path.join(dest, 'model.onnx'));
          const card = JSON.parse(await readFile(path.join(directory!, 'model.json'), 'utf8')) as Record<string, unknown>;
          await writeFile(path.join(dest, 'model.json'), JSON.stringify({ ...card, version: target }));
          await loadModelPackage(dest);
        }
      }
      return versions;
    } catch (error) {
      if (attempt >= 4 || !(error instanceof ModelPackageError || error instanceof SyntaxError)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20_000));
    }
  }
}

describe('InferencePool hot model swaps (real models, real worker threads)', () => {
  let modelsDir: string;
  let versions: Record<string, string>;
  let pool: InferencePool;
  let images: Buffer[];

  beforeAll(async () => {
    modelsDir = await mkdtemp(path.join(os.tmpdir(), 'vectordesk-swap-'));
    versions = await stagePackages(modelsDir);
    images = await Promise.all([1, 2, 3, 4, 5, 6].map((seed) => jpegImage(seed, 320, 240)));
    pool = await InferencePool.start({ modelsDir, active: versions, threads: 1, intraOpNumThreads: 1, maxDelayMs: 2 });
  }, 240_000);

  afterAll(async () => {
    await pool?.close();
    if (modelsDir) await rm(modelsDir, { recursive: true, force: true });
  });

  it(`keeps sessions and memory flat over ${CYCLES} activate cycles, failing no request`, async () => {
    const failures: string[] = [];
    let next = 0;
    const identify = () =>
      pool.identify([[images[next++ % images.length]!]]).then(
        ([outcome]: PoolOutcome[]) => {
          if (!outcome || 'error' in outcome) failures.push(`identification error: ${outcome ? outcome.error : 'no outcome'}`);
          return outcome;
        },
        (error: Error) => {
          failures.push(`rejected: ${error.message}`);
          return undefined;
        },
      );

    // Warm up: every thread has run every model of the active set at least once.
    await Promise.all([identify(), identify(), identify()]);
    const sessions: number[] = [];
    const rss: number[] = [];
    for (let cycle = 1; cycle <= CYCLES; cycle += 1) {
      const version = cycle % 2 === 1 ? NEXT_VERSION : versions[GROUP]!;
      // Requests in flight while the activation happens: they finish on either version, never fail.
      const during = [identify(), identify()];
      await pool.activate(GROUP, version);
      await Promise.all(during);
      const after = await Promise.all([identify(), identify(), identify()]);
      for (const outcome of after) {
        if (outcome && !('error' in outcome) && outcome.models[0] !== `${GROUP}@${version}`)
          failures.push(`cycle ${cycle}: answered by ${outcome.models[0]}, not ${GROUP}@${version}`);
      }
      expect(pool.active()[GROUP]).toBe(version);
      sessions.push(pool.status().sessions);
      rss.push(process.memoryUsage().rss);
    }

    expect(failures).toEqual([]);
    // One session per thread and loaded version: both group versions are loaded by the end of cycle 1, then no more.
    expect(sessions[0]).toBe(Object.keys(versions).length + 1);
    expect(Math.max(...sessions.slice(1))).toBeLessThanOrEqual(sessions[0]!);
    const growthFromCycle5 = (rss.at(-1)! - rss[4]!) / MiB;
    expect(growthFromCycle5, `RSS ${rss.map((value) => (value / MiB).toFixed(1)).join(', ')} MiB`).toBeLessThan(40);
    expect(pool.status()).toMatchObject({ threads: 1, replacedThreads: 0, queuedImages: 0 });
  });
});
