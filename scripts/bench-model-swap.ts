/**
 * `npm run bench:model-swap [-- --cycles 30 --threads 2 --intra-op 1]`: does hot activation leak memory?
 *
 * Stages the model packages in a temp models dir with the group package also under a second version (same
 * model.onnx and sha256, `version` rewritten in model.json), starts an InferencePool, then alternates the two group
 * versions with `activate` for N cycles, identifying a few images between cycles (and one request in flight during
 * each activation). Prints RSS after each cycle, onnxruntime sessions (`status().sessions`) and the least-squares
 * RSS slope over the last 20 cycles: "flat" below 1 MiB/cycle. A control run follows: as many cycles of the same
 * identify traffic without any activation, to tell growth caused by swaps from the allocator's own drift.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { InferencePool, type PoolOutcome } from '../inference/inference-pool.js';
import { benchImages, fixed, GROUP_PACKAGE, loadavg, log, mib, slope, stageModels, table } from './bench-lib.js';

const SECOND_VERSION = '2099.01.01';
const FLAT_MIB_PER_CYCLE = 1;
const { values: args } = parseArgs({
  options: {
    cycles: { type: 'string', default: '30' },
    threads: { type: 'string', default: '2' },
    'intra-op': { type: 'string', default: '1' },
    images: { type: 'string', default: '4' },
    'no-control': { type: 'boolean', default: false },
    'photos-dir': { type: 'string' },
    generated: { type: 'boolean', default: false },
  },
});
const cycles = Number(args.cycles);
const threads = Number(args.threads);
const intraOp = Number(args['intra-op']);
const imagesPerCycle = Number(args.images);
const window = Math.min(20, cycles);

const loadAtStart = loadavg();
log(`loadavg at start (1/5/15 min): ${loadAtStart}`);
const workDir = await mkdtemp(path.join(os.tmpdir(), 'vectordesk-swap-'));
let pool: InferencePool | undefined;
try {
  const staged = await stageModels(path.join(workDir, 'models'), { extraGroupVersion: SECOND_VERSION });
  const firstVersion = staged.versions[GROUP_PACKAGE]!;
  const { images, source } = await benchImages({
    count: Math.max(8, imagesPerCycle * 2),
    ...(args['photos-dir'] ? { dir: args['photos-dir'] } : {}),
    generated: args.generated,
  });
  log(`images: ${source}`);
  pool = await InferencePool.start({ modelsDir: staged.dir, active: staged.versions, threads, intraOpNumThreads: intraOp });

  let failures = 0;
  let identified = 0;
  let next = 0;
  const check = (version: string) => (outcomes: PoolOutcome[]) => {
    for (const outcome of outcomes) {
      identified += 1;
      if ('error' in outcome) failures += 1;
      // Requests in flight during an activation may finish on either version; none may fail.
      else if (version && outcome.models[0] !== `${GROUP_PACKAGE}@${version}`) failures += 1;
    }
  };
  const identifyFew = (version: string) =>
    Promise.all(
      Array.from({ length: imagesPerCycle }, () =>
        pool!.identify([[images[next++ % images.length]!]]).then(check(version), () => void (failures += 1)),
      ),
    );

  await identifyFew(firstVersion);
  await identifyFew(firstVersion);
  const rssBefore = mib(process.memoryUsage().rss);
  const sessionsBefore = pool.status().sessions;
  const rows: string[][] = [['0', firstVersion, fixed(rssBefore), '0.0', String(sessionsBefore), '', `${identified} ok so far`]];
  const rss: number[] = [];
  const sessions: number[] = [];
  for (let cycle = 1; cycle <= cycles; cycle += 1) {
    const version = cycle % 2 === 1 ? SECOND_VERSION : firstVersion;
    const inFlight = pool.identify([[images[next++ % images.length]!]]).then(check(''), () => void (failures += 1));
    const started = performance.now();
    await pool.activate(GROUP_PACKAGE, version);
    const activateMs = performance.now() - started;
    await inFlight;
    await identifyFew(version);
    const status = pool.status();
    const now = mib(process.memoryUsage().rss);
    rss.push(now);
    sessions.push(status.sessions);
    rows.push([
      String(cycle),
      version,
      fixed(now),
      fixed(now - rssBefore),
      String(status.sessions),
      fixed(activateMs, 1),
      `${failures} failed of ${identified}`,
    ]);
  }

  const cyclesAxis = rss.map((_, index) => index + 1);
  const lastSlope = slope(cyclesAxis.slice(-window), rss.slice(-window));

  // Control: the same traffic (1 request + a few) per cycle, no activation.
  const controlRss: number[] = [];
  if (!args['no-control']) {
    const version = pool.active()[GROUP_PACKAGE]!;
    for (let cycle = 1; cycle <= window; cycle += 1) {
      await pool.identify([[images[next++ % images.length]!]]).then(check(version), () => void (failures += 1));
      await identifyFew(version);
      controlRss.push(mib(process.memoryUsage().rss));
    }
  }
  const controlSlope =
    controlRss.length > 1
      ? slope(
          controlRss.map((_, index) => index + 1),
          controlRss,
        )
      : Number.NaN;
  const verdict = Math.abs(lastSlope) < FLAT_MIB_PER_CYCLE ? 'flat' : lastSlope > 0 ? 'GROWING' : 'shrinking';
  const lines = [
    `VectorDesk model-swap memory benchmark: ${cycles} activate cycles alternating ${GROUP_PACKAGE}@${firstVersion} ⇄ @${SECOND_VERSION} (same model.onnx)`,
    `pool: ${threads} thread(s) × intraOp ${intraOp}; ${imagesPerCycle} single-image requests after each cycle + 1 in flight during each activation; images: ${source}`,
    '',
    table(['cycle', 'active group version', 'RSS MiB', 'Δ MiB vs cycle 0', 'sessions', 'activate ms', 'identify'], rows),
    '',
    `sessions: ${sessionsBefore} before the first swap, ${sessions[0]} after cycle 1, ${Math.max(...sessions)} max, ${sessions.at(-1)} at the end (one per thread and loaded version, kept for the thread's life)`,
    `RSS: ${fixed(rssBefore)} MiB before, ${fixed(rss[0]!)} after cycle 1 (first load of @${SECOND_VERSION}), ${fixed(rss.at(-1)!)} at the end; ` +
      `slope over the last ${window} cycles ${lastSlope >= 0 ? '+' : ''}${fixed(lastSlope, 3)} MiB/cycle → ${verdict} (flat: |slope| < ${FLAT_MIB_PER_CYCLE} MiB/cycle)`,
    ...(controlRss.length > 0
      ? [
          `control, ${controlRss.length} cycles of the same identify traffic without activate: RSS ${fixed(controlRss[0]!)} → ${fixed(controlRss.at(-1)!)} MiB, ` +
            `slope ${controlSlope >= 0 ? '+' : ''}${fixed(controlSlope, 3)} MiB/cycle (swap slope minus control: ${fixed(lastSlope - controlSlope, 3)} MiB/cycle)`,
        ]
      : []),
    `identify: ${identified} requests, ${failures} failed or answered by an unexpected version`,
    `loadavg (1/5/15 min) at start ${loadAtStart}, at end ${loadavg()}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  if (failures > 0) process.exitCode = 1;
} finally {
  await pool?.close();
  await rm(workDir, { recursive: true, force: true });
}
