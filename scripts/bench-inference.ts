/**
 * `npm run bench:inference [-- --quick]`: how close serving comes to the raw onnxruntime ceiling on this machine.
 *
 *   (a) raw `session.run` (OnnxClassifier.logits) of the group model on ready tensors, batch 1…32, intraOp 1 and 2;
 *       the best cell is the ceiling (a). Also: preprocessing alone (sharp decode + resize + normalise).
 *   (b) InferencePool.identify — decode + preprocess + group model + refiners in worker threads — with many requests
 *       in flight, for threads × intraOp ∈ {1×2, 2×1, 1×1}; (b)/(a).
 *   (f) the fair ceiling: each photo decoded once + the group model + the refiner it is routed to, CPU ms per image
 *       for the same photos at the serving thread settings, and the images/s that allows on every core.
 *   (c) HTTP end to end: the real app in a child process (scripts/bench-server.ts, in-memory PGlite), keep-alive
 *       clients posting one image per request to POST /api/v1/identify at 1, 4 and 16 concurrent clients (the best
 *       (b) setting; the other settings at 16 clients), then an open-loop run at half the best (c) throughput; (c)/(f).
 *   (i) the intake: 8 clients uploading specimens of two photos (POST /api/v1/specimens), their identify jobs running
 *       behind them; then the same while 16 more clients keep POST /api/v1/identify saturated.
 *
 * Photos: `--images DIR` (every JPEG/PNG under it), else the shared dataset; generated images only with `--generated`.
 *
 * Prints progress on stderr and ONE table (plus targets, best settings, images and load) on stdout.
 */
import http from 'node:http';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { OnnxClassifier } from '../inference/classifier.js';
import { InferencePool } from '../inference/inference-pool.js';
import { loadModelPackage } from '../inference/model-package.js';
import { endpoints } from '../api/contract/index.js';
import {
  benchImages,
  cpuWindow,
  describeCpu,
  fixed,
  GROUP_PACKAGE,
  loadavg,
  log,
  mean,
  percentile,
  sleep,
  stageModels,
  table,
  type CpuReport,
} from './bench-lib.js';
import { measureFairCeiling } from './bench-fair-ceiling.js';
import { identifyJobs, imagesMultipart, postIdentify, postMultipart, startBenchServer, type BenchServer } from './bench-server-client.js';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    images: { type: 'string' },
    generated: { type: 'boolean', default: false },
  },
});
const quick = args.quick;
const durations = quick
  ? {
      cellMs: 250,
      poolWarmupMs: 500,
      poolMs: 1500,
      httpWarmupMs: 500,
      httpMs: 2000,
      openLoopMs: 3000,
      ceilingPasses: 1,
      otherSettingsAt16: false,
      groupOnlyPool: false,
    }
  : {
      cellMs: 1200,
      poolWarmupMs: 1500,
      poolMs: 6000,
      httpWarmupMs: 1000,
      httpMs: 8000,
      openLoopMs: 12_000,
      ceilingPasses: 4,
      otherSettingsAt16: true,
      groupOnlyPool: true,
    };
const BATCH_SIZES = [1, 2, 4, 8, 16, 32];
const RAW_INTRA_OP = [1, 2];
const POOL_SETTINGS = [
  { threads: 1, intraOp: 2 },
  { threads: 2, intraOp: 1 },
  { threads: 1, intraOp: 1 },
] as const;
type PoolSetting = (typeof POOL_SETTINGS)[number];
const POOL_IN_FLIGHT = 48;
const PACKAGE_BATCH = 8;
const MAX_BATCH_IMAGES = 16;
const MAX_DELAY_MS = 5;
const HTTP_CLIENTS = [1, 4, 16];
const TARGET_RATIO = 0.85;
const TARGET_P99_MS = 250;
const BENCH_PORT = 'CNNGB-BL';
const HEALTH_TARGET_MS = 50;
const INTAKE_CLIENTS = 8;
const ALONGSIDE_CLIENTS = 16;
const INTAKE_TARGET_P99_MS = 500;
const SERVING_INTRA_OP = 1;
const ADMIN_PASSWORD = 'bench-admin-password';

const settingName = (setting: PoolSetting) => `${setting.threads}×${setting.intraOp}`;
const rows: string[][] = [];
const row = (
  phase: string,
  configuration: string,
  imagesPerSecond: number | undefined,
  cpuMsPerImage: number | undefined,
  p50: number | undefined,
  p99: number | undefined,
  non200: string,
  note: string,
) =>
  rows.push([
    phase,
    configuration,
    imagesPerSecond === undefined ? '' : fixed(imagesPerSecond, 1),
    cpuMsPerImage === undefined ? '' : fixed(cpuMsPerImage, 1),
    p50 === undefined ? '' : fixed(p50, 1),
    p99 === undefined ? '' : fixed(p99, 1),
    non200,
    note,
  ]);

const loadAtStart = loadavg();
const startedAt = performance.now();
log(`${quick ? 'QUICK smoke run' : 'full run'}; ${os.availableParallelism()} CPU cores; loadavg at start (1/5/15 min): ${loadAtStart}`);

const workDir = await mkdtemp(path.join(os.tmpdir(), 'vectordesk-bench-'));
try {
  const staged = await stageModels(path.join(workDir, 'models'));
  const groupRef = `${GROUP_PACKAGE}@${staged.versions[GROUP_PACKAGE]}`;
  log(
    `staged and verified ${Object.entries(staged.versions)
      .map(([name, version]) => `${name}@${version}`)
      .join(', ')}`,
  );
  const { images, source } = await benchImages({ count: 64, ...(args.images ? { dir: args.images } : {}), generated: args.generated });
  log(`images: ${source}`);

  // --- (a) raw onnxruntime ----------------------------------------------------------------------------------
  const groupPackage = await loadModelPackage(path.join(staged.dir, GROUP_PACKAGE, staged.versions[GROUP_PACKAGE]!));
  const tensorMaker = await OnnxClassifier.load(groupPackage, { intraOpNumThreads: 1 });
  const preprocessMs: number[] = [];
  const tensors: Float32Array[] = [];
  for (const image of images) {
    const started = performance.now();
    tensors.push(await tensorMaker.tensorOf(image));
    preprocessMs.push(performance.now() - started);
  }
  for (const image of images) {
    // Second pass, timed again (the first one warms sharp/libvips up).
    const started = performance.now();
    await tensorMaker.tensorOf(image);
    preprocessMs.push(performance.now() - started);
  }
  const sequentialPreprocess = preprocessMs.slice(images.length);
  const parallel = await preprocessThroughput(tensorMaker, images, 8, quick ? 1 : 3);
  await tensorMaker.release();
  const preprocessRowNote = `group input ${groupPackage.card.input.size}px ${groupPackage.card.input.resize}; one at a time: mean ${fixed(mean(sequentialPreprocess), 2)} ms/image (p50 ${fixed(percentile(sequentialPreprocess, 50), 2)})`;
  row(
    'pre',
    'sharp decode+resize+normalise, 8 in flight',
    parallel.imagesPerSecond,
    parallel.cpu.ownMs / parallel.images,
    undefined,
    undefined,
    '',
    `${preprocessRowNote}; ${describeCpu(parallel.cpu)}`,
  );
  log(
    `preprocess: ${fixed(mean(sequentialPreprocess), 2)} ms/image sequential, ${fixed(parallel.imagesPerSecond)} images/s with 8 in flight`,
  );

  let ceiling = { imagesPerSecond: 0, intraOp: 0, batch: 0 };
  const rawByIntra = new Map<number, number>();
  for (const intraOp of RAW_INTRA_OP) {
    const classifier = await OnnxClassifier.load(groupPackage, { intraOpNumThreads: intraOp, maxBatchSize: Math.max(...BATCH_SIZES) });
    for (const batchSize of BATCH_SIZES) {
      const batch = Array.from({ length: batchSize }, (_, index) => tensors[index % tensors.length]!);
      await classifier.logits(batch);
      await classifier.logits(batch);
      const cpu = cpuWindow();
      const started = performance.now();
      let runs = 0;
      while (performance.now() - started < durations.cellMs || runs < 3) {
        await classifier.logits(batch);
        runs += 1;
      }
      const seconds = (performance.now() - started) / 1000;
      const imagesPerSecond = (runs * batchSize) / seconds;
      const report = cpu.stop();
      row(
        'a',
        `raw session.run, intraOp ${intraOp}, batch ${batchSize}`,
        imagesPerSecond,
        report.ownMs / (runs * batchSize),
        undefined,
        undefined,
        '',
        `${fixed((seconds * 1000) / runs, 2)} ms/run; ${describeCpu(report)}`,
      );
      rawByIntra.set(intraOp, Math.max(rawByIntra.get(intraOp) ?? 0, imagesPerSecond));
      if (imagesPerSecond > ceiling.imagesPerSecond) ceiling = { imagesPerSecond, intraOp, batch: batchSize };
      log(`(a) intraOp ${intraOp} batch ${batchSize}: ${fixed(imagesPerSecond)} images/s`);
    }
    await classifier.release();
  }
  row(
    'a',
    `CEILING (a): intraOp ${ceiling.intraOp}, batch ${ceiling.batch}`,
    ceiling.imagesPerSecond,
    undefined,
    undefined,
    undefined,
    '',
    `best per intraOp: ${[...rawByIntra].map(([intra, ips]) => `${intra} → ${fixed(ips)}`).join(', ')} images/s`,
  );

  // Each package alone at one setting: what a refiner costs next to the group model (a larger one shows here).
  const perPackage = new Map<string, number>();
  for (const [name, version] of Object.entries(staged.versions)) {
    const modelPackage = await loadModelPackage(path.join(staged.dir, name, version));
    const classifier = await OnnxClassifier.load(modelPackage, { intraOpNumThreads: 2, maxBatchSize: PACKAGE_BATCH });
    const ready = await Promise.all(images.slice(0, PACKAGE_BATCH).map((image) => classifier.tensorOf(image)));
    await classifier.logits(ready);
    const started = performance.now();
    let runs = 0;
    while (performance.now() - started < durations.cellMs || runs < 3) {
      await classifier.logits(ready);
      runs += 1;
    }
    perPackage.set(modelPackage.ref, (runs * PACKAGE_BATCH * 1000) / (performance.now() - started));
    await classifier.release();
  }
  const groupAlone = perPackage.get(groupRef)!;
  for (const [ref, imagesPerSecond] of perPackage)
    row(
      'a',
      `${ref} alone, intraOp 2, batch ${PACKAGE_BATCH}`,
      imagesPerSecond,
      undefined,
      undefined,
      undefined,
      '',
      `${fixed(groupAlone / imagesPerSecond, 2)}× the group model's cost per image`,
    );

  // --- (f) the fair ceiling -----------------------------------------------------------------------------------
  const fair = await measureFairCeiling(staged.dir, staged.versions, images, {
    intraOp: SERVING_INTRA_OP,
    passes: durations.ceilingPasses,
  });
  row(
    'f',
    `FAIR CEILING (f): one decode + group + refiner, intraOp ${SERVING_INTRA_OP}`,
    fair.imagesPerSecond,
    fair.cpuMsPerImage,
    undefined,
    undefined,
    '',
    `= ${os.availableParallelism()} cores × 1000 / CPU ms per image: decode + group input ${fixed(fair.decodeCpuMsPerImage, 2)} + group model ${fixed(fair.groupCpuMsPerImage, 2)} + refiners ${fixed(fair.refinerCpuMsPerImage, 2)} ms (${fixed(100 * fair.refinedShare, 0)} % of the photos go on to one)`,
  );
  log(`(f) fair ceiling: ${fixed(fair.cpuMsPerImage, 2)} CPU ms/image → ${fixed(fair.imagesPerSecond)} images/s`);

  // --- (b) the in-process pipeline ----------------------------------------------------------------------------
  const poolResults: { setting: PoolSetting; imagesPerSecond: number }[] = [];
  const poolRow = (label: string, result: PoolResult) =>
    row(
      'b',
      label,
      result.imagesPerSecond,
      result.cpuMsPerImage,
      result.p50,
      result.p99,
      `${result.failures} failed`,
      `batch ${fixed(result.meanBatch)} img; per image: preprocess ${fixed(result.preprocessMsPerImage, 2)} ms + onnx ${fixed(result.inferenceMsPerImage, 2)} ms (thread wall); ${describeCpu(result.cpu)}`,
    );
  for (const setting of POOL_SETTINGS) {
    const result = await benchPool(staged.dir, staged.versions, setting, images);
    poolResults.push({ setting, imagesPerSecond: result.imagesPerSecond });
    poolRow(`InferencePool ${settingName(setting)} (threads×intraOp), ${POOL_IN_FLIGHT} in flight`, result);
    log(`(b) ${settingName(setting)}: ${fixed(result.imagesPerSecond)} images/s`);
  }
  const bestPool = poolResults.reduce((best, result) => (result.imagesPerSecond > best.imagesPerSecond ? result : best));
  row(
    'b',
    `BEST (b): ${settingName(bestPool.setting)}`,
    bestPool.imagesPerSecond,
    undefined,
    undefined,
    undefined,
    '',
    `(b)/(a) = ${fixed(bestPool.imagesPerSecond / ceiling.imagesPerSecond, 2)}`,
  );
  if (durations.groupOnlyPool) {
    // Where the pipeline's time goes: the same pool without the refiners (group model only).
    const groupOnly = await benchPool(staged.dir, { [GROUP_PACKAGE]: staged.versions[GROUP_PACKAGE]! }, bestPool.setting, images);
    poolRow(`(diagnostic) ${settingName(bestPool.setting)}, group model only — no refiners`, groupOnly);
    log(`(b) ${settingName(bestPool.setting)} group model only: ${fixed(groupOnly.imagesPerSecond)} images/s`);
  }

  // --- (c) HTTP end to end ------------------------------------------------------------------------------------
  const bodies = images.map((image, index) => imagesMultipart([{ data: image, filename: `bench-${index}.jpg`, type: 'image/jpeg' }]));
  const httpAt16: {
    setting: PoolSetting;
    imagesPerSecond: number;
    cpuMsPerImage: number;
    maxImagesPerSecond: number;
    health: HttpResult['health'];
  }[] = [];
  const order = [bestPool.setting, ...(durations.otherSettingsAt16 ? POOL_SETTINGS.filter((setting) => setting !== bestPool.setting) : [])];
  let server: BenchServer | undefined;
  let serverSetting: PoolSetting | undefined;
  try {
    for (const setting of order) {
      await server?.stop();
      server = await startServer(staged.dir, setting, path.join(workDir, `data-${settingName(setting)}`));
      serverSetting = setting;
      log(`(c) server up (${server.inference})`);
      let maxImagesPerSecond = 0;
      for (const clients of setting === bestPool.setting ? HTTP_CLIENTS : [16]) {
        const result = await closedLoop(server, identifyEach(server, bodies), clients);
        maxImagesPerSecond = Math.max(maxImagesPerSecond, result.imagesPerSecond);
        const ratio =
          clients === 16
            ? `; (c)/(f) = ${fixed(result.imagesPerSecond / fair.imagesPerSecond, 2)}, CPU (f)/(c) = ${fixed(fair.cpuMsPerImage / result.cpuMsPerImage, 2)}`
            : '';
        row(
          'c',
          `HTTP ${clients} client${clients === 1 ? '' : 's'}, server pool ${settingName(setting)}`,
          result.imagesPerSecond,
          result.cpuMsPerImage,
          result.p50,
          result.p99,
          non200Text(result.statuses),
          `${result.requests} req${ratio}; server main thread ${fixed(result.mainThreadMsPerRequest, 1)} ms/req; ${describeCpu(result.cpu, 'server')} client ${Math.round(result.clientCpuPercent)}%`,
        );
        log(
          `(c) ${settingName(setting)} ${clients} clients: ${fixed(result.imagesPerSecond)} images/s, p50 ${fixed(result.p50)} ms, p99 ${fixed(result.p99)} ms`,
        );
        if (clients === 16)
          httpAt16.push({
            setting,
            imagesPerSecond: result.imagesPerSecond,
            cpuMsPerImage: result.cpuMsPerImage,
            maxImagesPerSecond: 0,
            health: result.health,
          });
        if (clients === 16) {
          row(
            'health',
            `GET /health during the 16 clients, server pool ${settingName(setting)}`,
            undefined,
            undefined,
            result.health.p50,
            result.health.p99,
            '',
            `${result.health.samples} probes, max ${fixed(result.health.max, 1)} ms`,
          );
        }
      }
      httpAt16.find((entry) => entry.setting === setting)!.maxImagesPerSecond = maxImagesPerSecond;
    }
    const bestHttp = httpAt16.reduce((best, entry) => (entry.imagesPerSecond > best.imagesPerSecond ? entry : best));
    let groupOnlyHttp: HttpResult | undefined;
    if (durations.groupOnlyPool) {
      // Where HTTP's time goes: the same server with the group model alone (no refiners, no second decode).
      await server?.stop();
      const groupOnlyDir = path.join(workDir, 'models-group-only');
      await cp(path.join(staged.dir, GROUP_PACKAGE), path.join(groupOnlyDir, GROUP_PACKAGE), { recursive: true });
      server = await startServer(groupOnlyDir, bestHttp.setting, path.join(workDir, `data-group-only-${settingName(bestHttp.setting)}`));
      serverSetting = undefined;
      groupOnlyHttp = await closedLoop(server, identifyEach(server, bodies), 16);
      row(
        'c',
        `(diagnostic) HTTP 16 clients, ${settingName(bestHttp.setting)}, group model only`,
        groupOnlyHttp.imagesPerSecond,
        groupOnlyHttp.cpuMsPerImage,
        groupOnlyHttp.p50,
        groupOnlyHttp.p99,
        non200Text(groupOnlyHttp.statuses),
        `${groupOnlyHttp.requests} req; (c)/(a) = ${fixed(groupOnlyHttp.imagesPerSecond / ceiling.imagesPerSecond, 2)}; server main thread ${fixed(groupOnlyHttp.mainThreadMsPerRequest, 1)} ms/req; ${describeCpu(groupOnlyHttp.cpu, 'server')}`,
      );
      row(
        'health',
        `GET /health during it`,
        undefined,
        undefined,
        groupOnlyHttp.health.p50,
        groupOnlyHttp.health.p99,
        '',
        `${groupOnlyHttp.health.samples} probes, max ${fixed(groupOnlyHttp.health.max, 1)} ms`,
      );
      log(`(c) group model only, 16 clients: ${fixed(groupOnlyHttp.imagesPerSecond)} images/s`);
    }
    if (serverSetting !== bestHttp.setting) {
      await server?.stop();
      server = await startServer(staged.dir, bestHttp.setting, path.join(workDir, `data-open-${settingName(bestHttp.setting)}`));
      serverSetting = bestHttp.setting;
    }
    const rate = bestHttp.maxImagesPerSecond / 2;
    const open = await openLoop(server!, bodies, rate);
    row(
      'c',
      `OPEN LOOP ${fixed(rate)} req/s (½ max (c)), server pool ${settingName(bestHttp.setting)}`,
      open.imagesPerSecond,
      open.cpuMsPerImage,
      open.p50,
      open.p99,
      non200Text(open.statuses),
      `${open.requests} req, latency from the scheduled send time; server main thread ${fixed(open.mainThreadMsPerRequest, 1)} ms/req; ${describeCpu(open.cpu, 'server')} client ${Math.round(open.clientCpuPercent)}%`,
    );
    log(`(c) open loop at ${fixed(rate)} req/s: p99 ${fixed(open.p99)} ms`);

    // --- (i) the intake, with identification behind it -----------------------------------------------------------
    const specimenBodies = images.map((image, index) =>
      imagesMultipart(
        [0, 1].map((offset) => ({
          data: images[(index + offset) % images.length]!,
          filename: `bench-${index}-${offset}.jpg`,
          type: 'image/jpeg',
        })),
        { metadata: JSON.stringify({ portCode: BENCH_PORT, siteType: 'port_area', collectedAt: new Date().toISOString() }) },
      ),
    );
    const upload: Send = (agent, index) =>
      postMultipart(server!, endpoints.createSpecimen.url, specimenBodies[index % specimenBodies.length]!, agent);
    const intakeRuns = [
      { label: `INTAKE ${INTAKE_CLIENTS} clients × 2 photos, identify jobs behind`, alongside: undefined },
      {
        label: `INTAKE ${INTAKE_CLIENTS} clients × 2 photos + ${ALONGSIDE_CLIENTS} identify clients`,
        alongside: identifyEach(server!, bodies),
      },
    ];
    const intakeResults: HttpResult[] = [];
    for (const run of intakeRuns) {
      const jobsBefore = await identifyJobs(server!);
      const started = performance.now();
      const result = await closedLoop(server!, upload, INTAKE_CLIENTS, 201, run.alongside);
      const jobsAfter = await identifyJobs(server!);
      const jobsPerSecond = ((jobsAfter.completed - jobsBefore.completed) * 1000) / (performance.now() - started);
      intakeResults.push(result);
      row(
        'i',
        `${run.label}, server pool ${settingName(bestHttp.setting)}`,
        result.imagesPerSecond,
        undefined,
        result.p50,
        result.p99,
        non200Text(result.statuses, 201),
        `specimens/s in the images/s column; ${result.requests} uploads; identify jobs done ${fixed(jobsPerSecond, 1)}/s, ${jobsAfter.waiting} waiting at the end; server main thread ${fixed(result.mainThreadMsPerRequest, 1)} ms/upload; /health p99 ${fixed(result.health.p99, 1)} ms; ${describeCpu(result.cpu, 'server')}`,
      );
      log(`(i) ${run.label}: ${fixed(result.imagesPerSecond)} specimens/s, p99 ${fixed(result.p99)} ms`);
    }
    await server?.stop();
    server = undefined;

    // --- summary ------------------------------------------------------------------------------------------------
    const ratioC = bestHttp.imagesPerSecond / fair.imagesPerSecond;
    const elapsed = (performance.now() - startedAt) / 1000;
    const lines = [
      `VectorDesk inference benchmark — ${quick ? 'QUICK smoke run (short phases; numbers are rough)' : 'full run'}; ${os.availableParallelism()} CPU cores, ${os.cpus()[0]?.model ?? 'unknown CPU'}; Node ${process.version}`,
      `group model ${groupRef}; refiners ${Object.entries(staged.versions)
        .filter(([name]) => name !== GROUP_PACKAGE)
        .map(([name, version]) => `${name}@${version}`)
        .join(', ')}`,
      `images: ${source}`,
      `pool: maxBatchImages ${MAX_BATCH_IMAGES}, maxDelayMs ${MAX_DELAY_MS}; HTTP: one image per request, keep-alive, server in a child process`,
      '',
      table(['phase', 'configuration', 'images/s', 'CPU ms/img', 'p50 ms', 'p99 ms', 'non-200', 'notes'], rows),
      '',
      `(b)/(a) = ${fixed(bestPool.imagesPerSecond / ceiling.imagesPerSecond, 2)}   (c)/(a) at 16 clients = ${fixed(bestHttp.imagesPerSecond / ceiling.imagesPerSecond, 2)}   (c)/(f) at 16 clients = ${fixed(ratioC, 2)} (server pool ${settingName(bestHttp.setting)})`,
      `fair ceiling (f): ${fixed(fair.cpuMsPerImage, 2)} CPU ms per image (one decode + group input ${fixed(fair.decodeCpuMsPerImage, 2)}, group model ${fixed(fair.groupCpuMsPerImage, 2)}, refiners ${fixed(fair.refinerCpuMsPerImage, 2)}) → ${fixed(fair.imagesPerSecond)} images/s on ${os.availableParallelism()} cores; HTTP at 16 clients costs ${fixed(bestHttp.cpuMsPerImage, 2)} CPU ms per image (CPU ratio (f)/(c) = ${fixed(fair.cpuMsPerImage / bestHttp.cpuMsPerImage, 2)})`,
      `target (c) ≥ ${TARGET_RATIO} × (f) at 16 clients: ${ratioC >= TARGET_RATIO ? 'MET' : 'MISSED'} (${fixed(bestHttp.imagesPerSecond)} vs ${fixed(TARGET_RATIO * fair.imagesPerSecond)} images/s needed)` +
        (groupOnlyHttp ? `; with the group model alone ${fixed(groupOnlyHttp.imagesPerSecond)} images/s` : ''),
      `target /health < ${HEALTH_TARGET_MS} ms while inference is saturated (16 clients, server pool ${settingName(bestHttp.setting)}): ${bestHttp.health.p99 < HEALTH_TARGET_MS ? 'MET' : 'MISSED'} (p50 ${fixed(bestHttp.health.p50, 1)} ms, p99 ${fixed(bestHttp.health.p99, 1)} ms, max ${fixed(bestHttp.health.max, 1)} ms)`,
      `target p99 < ${TARGET_P99_MS} ms at half the max throughput (${fixed(rate)} req/s): ${open.p99 < TARGET_P99_MS && open.non200 === 0 ? 'MET' : 'MISSED'} (p99 ${fixed(open.p99)} ms, ${open.non200} non-200)`,
      `target intake p99 < ${INTAKE_TARGET_P99_MS} ms (${intakeRuns[0]!.label}): ${intakeResults[0]!.p99 < INTAKE_TARGET_P99_MS && intakeResults[0]!.non200 === 0 ? 'MET' : 'MISSED'} (${fixed(intakeResults[0]!.imagesPerSecond)} specimens/s, p50 ${fixed(intakeResults[0]!.p50)} ms, p99 ${fixed(intakeResults[0]!.p99)} ms, ${intakeResults[0]!.non200} not 201; with ${ALONGSIDE_CLIENTS} identify clients besides, a stress run with no target: p99 ${fixed(intakeResults[1]!.p99)} ms)`,
      `best thread settings on this machine: raw session.run intraOp ${ceiling.intraOp} (batch ${ceiling.batch}); pool ${settingName(bestPool.setting)} (threads×intraOp) in-process; ` +
        `HTTP ${settingName(bestHttp.setting)} → INFERENCE_THREADS=${bestHttp.setting.threads} INFERENCE_INTRA_OP_THREADS=${bestHttp.setting.intraOp}`,
      `loadavg (1/5/15 min) at start ${loadAtStart}, at end ${loadavg()}; wall time ${fixed(elapsed, 0)} s`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await server?.stop();
  }
} finally {
  await rm(workDir, { recursive: true, force: true });
}

// --- helpers ------------------------------------------------------------------------------------------------

async function preprocessThroughput(
  classifier: OnnxClassifier,
  images: Buffer[],
  inFlight: number,
  passes: number,
): Promise<{ imagesPerSecond: number; images: number; cpu: CpuReport }> {
  const cpu = cpuWindow();
  const started = performance.now();
  let next = 0;
  const total = images.length * passes;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < total) {
        const index = next++;
        await classifier.tensorOf(images[index % images.length]!);
      }
    }),
  );
  return { imagesPerSecond: total / ((performance.now() - started) / 1000), images: total, cpu: cpu.stop() };
}

interface PoolResult {
  imagesPerSecond: number;
  cpuMsPerImage: number;
  p50: number;
  p99: number;
  failures: number;
  meanBatch: number;
  preprocessMsPerImage: number;
  inferenceMsPerImage: number;
  cpu: CpuReport;
}

async function benchPool(modelsDir: string, active: Record<string, string>, setting: PoolSetting, images: Buffer[]): Promise<PoolResult> {
  const batches: { images: number; preprocessMs: number; inferenceMs: number; at: number }[] = [];
  const pool = await InferencePool.start({
    modelsDir,
    active,
    threads: setting.threads,
    intraOpNumThreads: setting.intraOp,
    maxBatchImages: MAX_BATCH_IMAGES,
    maxDelayMs: MAX_DELAY_MS,
    maxQueuedImages: 1024,
    metrics: {
      batch: (count, preprocessMs, inferenceMs) => batches.push({ images: count, preprocessMs, inferenceMs, at: performance.now() }),
      queued: () => undefined,
    },
  });
  try {
    const started = performance.now();
    const measureFrom = started + durations.poolWarmupMs;
    const end = measureFrom + durations.poolMs;
    let cpu: ReturnType<typeof cpuWindow> | undefined;
    setTimeout(() => (cpu = cpuWindow()), durations.poolWarmupMs);
    let next = 0;
    let completed = 0;
    let afterWarmup = 0; // completions after the warm-up, the drain included: what the CPU window saw
    let failures = 0;
    const latencies: number[] = [];
    await Promise.all(
      Array.from({ length: POOL_IN_FLIGHT }, async () => {
        while (performance.now() < end) {
          const image = images[next++ % images.length]!;
          const sent = performance.now();
          let ok = true;
          try {
            const [outcome] = await pool.identify([[image]]);
            if (!outcome || 'error' in outcome) ok = false;
          } catch {
            ok = false;
          }
          const done = performance.now();
          if (done >= measureFrom) afterWarmup += 1;
          if (done >= measureFrom && done <= end) {
            completed += 1;
            latencies.push(done - sent);
            if (!ok) failures += 1;
          }
        }
      }),
    );
    const report = (cpu ?? cpuWindow()).stop();
    const measured = batches.filter((batch) => batch.at >= measureFrom && batch.at <= end);
    const measuredImages = measured.reduce((sum, batch) => sum + batch.images, 0);
    return {
      imagesPerSecond: completed / (durations.poolMs / 1000),
      cpuMsPerImage: report.ownMs / Math.max(1, afterWarmup),
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      failures,
      meanBatch: measuredImages / Math.max(1, measured.length),
      preprocessMsPerImage: measured.reduce((sum, batch) => sum + batch.preprocessMs, 0) / Math.max(1, measuredImages),
      inferenceMsPerImage: measured.reduce((sum, batch) => sum + batch.inferenceMs, 0) / Math.max(1, measuredImages),
      cpu: report,
    };
  } finally {
    await pool.close();
  }
}

function startServer(modelsDir: string, setting: PoolSetting, dataDir: string): Promise<BenchServer> {
  return startBenchServer({
    MODELS_DIR: modelsDir,
    DATA_DIR: dataDir,
    VECTORDESK_ADMIN_PASSWORD: ADMIN_PASSWORD,
    INFERENCE_THREADS: String(setting.threads),
    INFERENCE_INTRA_OP_THREADS: String(setting.intraOp),
    INFERENCE_MAX_BATCH_IMAGES: String(MAX_BATCH_IMAGES),
    INFERENCE_MAX_DELAY_MS: String(MAX_DELAY_MS),
    INFERENCE_MAX_QUEUED_IMAGES: '256',
  });
}

/** `GET /health` every 25 ms on its own connection until `until`, recording each answer's latency. */
async function probeHealth(server: BenchServer, until: number, latencies: number[]): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    while (performance.now() < until) {
      const sent = performance.now();
      await new Promise<void>((resolve) => {
        http
          .get({ host: server.url.hostname, port: server.url.port, path: '/health', agent }, (response) => {
            response.resume();
            response.on('end', () => resolve());
          })
          .on('error', () => resolve());
      });
      latencies.push(performance.now() - sent);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  } finally {
    agent.destroy();
  }
}

interface HttpResult {
  /** `GET /health` answered while the clients kept inference saturated (closed loop only). */
  health: { p50: number; p99: number; max: number; samples: number };
  imagesPerSecond: number;
  requests: number;
  ok: number;
  /** Server main-thread busy time (HTTP, multipart, auth incl. its database lookup, JSON, hand-over to the pool) per request. */
  mainThreadMsPerRequest: number;
  /** Server CPU (all its threads) per image answered with 200. */
  cpuMsPerImage: number;
  p50: number;
  p99: number;
  statuses: Map<number, number>;
  non200: number;
  cpu: CpuReport;
  clientCpuPercent: number;
}

interface Measured {
  cpu: CpuReport;
  clientCpuPercent: number;
  mainThreadActiveMs: number;
}

async function measured(server: BenchServer, run: () => Promise<void>): Promise<Measured> {
  const before = await server.cpu();
  const client = cpuWindow();
  await run();
  const after = await server.cpu();
  const clientReport = client.stop();
  // The window's own-process share is the client's; the server's CPU is reported instead (machine = both + others).
  const serverMs = after.cpuMs - before.cpuMs;
  const cpu: CpuReport = { ...clientReport, ownMs: serverMs, ownPercent: serverMs / 10 / clientReport.seconds };
  return { cpu, clientCpuPercent: clientReport.ownPercent, mainThreadActiveMs: after.mainThreadActiveMs - before.mainThreadActiveMs };
}

/** `all`: every request the CPU window saw (warm-up and drain included), to normalise the CPU figures. */
function summarise(
  latencies: number[],
  statuses: Map<number, number>,
  seconds: number,
  measurement: Measured,
  all: { requests: number; ok: number },
  okStatus = 200,
): Omit<HttpResult, 'health'> {
  const ok = statuses.get(okStatus) ?? 0;
  const requests = [...statuses.values()].reduce((sum, count) => sum + count, 0);
  return {
    imagesPerSecond: ok / seconds,
    requests,
    ok,
    mainThreadMsPerRequest: measurement.mainThreadActiveMs / Math.max(1, all.requests),
    cpuMsPerImage: measurement.cpu.ownMs / Math.max(1, all.ok),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    statuses,
    non200: requests - ok,
    cpu: measurement.cpu,
    clientCpuPercent: measurement.clientCpuPercent,
  };
}

/** Sends request number `index` on `agent`: the answer's status, or -1 when the connection failed. */
type Send = (agent: http.Agent, index: number) => Promise<number>;

function identifyEach(server: BenchServer, bodies: readonly Buffer[]): Send {
  return (agent, index) => postIdentify(server, bodies[index % bodies.length]!, agent);
}

/**
 * `clients` keep-alive connections, each sending the next request as soon as its previous answer arrived; `okStatus`
 * is the success answer. `alongside`: 16 more clients keep sending those requests during the measured window (load
 * that is not measured).
 */
async function closedLoop(server: BenchServer, send: Send, clients: number, okStatus = 200, alongside?: Send): Promise<HttpResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: clients + (alongside ? ALONGSIDE_CLIENTS : 0) });
  let next = 0;
  const loop = async (
    until: number,
    count: number,
    request: Send,
    record?: (latency: number, status: number, inWindow: boolean) => void,
  ) => {
    await Promise.all(
      Array.from({ length: count }, async () => {
        while (performance.now() < until) {
          const sent = performance.now();
          const status = await request(agent, next++);
          const done = performance.now();
          record?.(done - sent, status, done <= until);
        }
      }),
    );
  };
  try {
    await loop(performance.now() + durations.httpWarmupMs, clients, send);
    const latencies: number[] = [];
    const statuses = new Map<number, number>();
    const all = { requests: 0, ok: 0 };
    const health: number[] = [];
    const cpu = await measured(server, async () => {
      const until = performance.now() + durations.httpMs;
      await Promise.all([
        loop(until, clients, send, (latency, status, inWindow) => {
          all.requests += 1;
          if (status === okStatus) all.ok += 1;
          if (!inWindow) return;
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          if (status === okStatus) latencies.push(latency);
        }),
        ...(alongside ? [loop(until, ALONGSIDE_CLIENTS, alongside)] : []),
        probeHealth(server, until, health),
      ]);
    });
    return {
      ...summarise(latencies, statuses, durations.httpMs / 1000, cpu, all, okStatus),
      health: { p50: percentile(health, 50), p99: percentile(health, 99), max: Math.max(...health), samples: health.length },
    };
  } finally {
    agent.destroy();
  }
}

/** Requests sent at a fixed rate whatever the answers; latency counted from each request's scheduled time. */
async function openLoop(server: BenchServer, bodies: Buffer[], ratePerSecond: number): Promise<Omit<HttpResult, 'health'>> {
  const agent = new http.Agent({ keepAlive: true });
  const interval = 1000 / ratePerSecond;
  const warmupMs = Math.min(1000, durations.openLoopMs / 4);
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  const pending: Promise<void>[] = [];
  const all = { requests: 0, ok: 0 };
  try {
    const cpu = await measured(server, async () => {
      const start = performance.now();
      for (let index = 0; ; index += 1) {
        const scheduled = start + index * interval;
        if (scheduled - start >= durations.openLoopMs) break;
        const wait = scheduled - performance.now();
        if (wait > 1) await sleep(wait);
        const counted = scheduled - start >= warmupMs;
        pending.push(
          postIdentify(server, bodies[index % bodies.length]!, agent).then((status) => {
            all.requests += 1;
            if (status === 200) all.ok += 1;
            if (!counted) return;
            statuses.set(status, (statuses.get(status) ?? 0) + 1);
            if (status === 200) latencies.push(performance.now() - scheduled);
          }),
        );
      }
      await Promise.all(pending);
    });
    return summarise(latencies, statuses, (durations.openLoopMs - warmupMs) / 1000, cpu, all);
  } finally {
    agent.destroy();
  }
}

function non200Text(statuses: Map<number, number>, okStatus = 200): string {
  const others = [...statuses].filter(([status]) => status !== okStatus);
  return others.length === 0 ? '0' : others.map(([status, count]) => `${count}×${status === -1 ? 'err' : status}`).join(' ');
}
