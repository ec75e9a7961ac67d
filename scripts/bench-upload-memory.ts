/**
 * `npm run bench:upload-memory`: the api process's memory under large uploads — the real app in a child process
 * (scripts/bench-server.ts), `POST /api/v1/identify` with four ~23 MiB PNGs (≈ 94 MiB, 7.8 megapixels each) per request:
 *
 *   idle     after one small identify (models loaded): the baseline
 *   one      one large upload alone
 *   ten      ten large uploads at once
 *   after    10 s after the last answer
 *
 * Prints, for each phase, the peak resident set of the server process (VmHWM, reset before each phase) and its
 * ratio to the idle baseline, with the answers' statuses. Options (environment of the server): any VectorDesk
 * variable, e.g. DECODE_MEMORY_BUDGET_MB.
 */
import { randomBytes } from 'node:crypto';
import { readFile, writeFile, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import sharp from 'sharp';
import { fixed, log, mib, sleep, table } from './bench-lib.js';
import { imagesMultipart, postIdentify, startBenchServer, type BenchServer } from './bench-server-client.js';

const ADMIN_PASSWORD = 'bench-admin-password';
const IMAGES_PER_UPLOAD = 4;
const SIDE = 2800;
const CONCURRENT = 10;
const SETTLE_MS = 10_000;

/** A PNG of random pixels, stored uncompressed: as large on the wire as it is decoded (SIDE² × 3 bytes). */
async function noisePng(): Promise<Buffer> {
  return sharp(randomBytes(SIDE * SIDE * 3), { raw: { width: SIDE, height: SIDE, channels: 3 } })
    .png({ compressionLevel: 0 })
    .toBuffer();
}

/** VmRSS and VmHWM (peak) of `pid`, in MiB. */
async function memoryOf(pid: number): Promise<{ rss: number; peak: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 };
}

/** Runs `phase` and returns the server's peak RSS during it (the kernel's high-water mark, reset first). */
async function peakDuring(server: BenchServer, phase: () => Promise<unknown>): Promise<number> {
  await writeFile(`/proc/${server.pid}/clear_refs`, '5');
  await phase();
  return (await memoryOf(server.pid)).peak;
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'vectordesk-bench-upload-'));
  const server = await startBenchServer({ DATA_DIR: dataDir, VECTORDESK_ADMIN_PASSWORD: ADMIN_PASSWORD });
  try {
    log('generating the images');
    const png = (data: Buffer, index: number) => ({ data, filename: `noise-${index}.png`, type: 'image/png' });
    const large = imagesMultipart((await Promise.all(Array.from({ length: IMAGES_PER_UPLOAD }, noisePng))).map(png));
    const small = imagesMultipart([
      png(
        await sharp(randomBytes(320 * 240 * 3), { raw: { width: 320, height: 240, channels: 3 } })
          .png()
          .toBuffer(),
        0,
      ),
    ]);
    log(`one large upload is ${fixed(mib(large.length), 1)} MiB`);
    const warm = await postIdentify(server, small);
    if (warm !== 200) throw new Error(`the warm-up identify answered ${warm}`);
    await sleep(2000);
    const idle = await peakDuring(server, () => sleep(1000));

    const statuses: Record<string, number[]> = { one: [], ten: [] };
    let tenMs = 0;
    const one = await peakDuring(server, async () => statuses.one!.push(await postIdentify(server, large)));
    const ten = await peakDuring(server, async () => {
      const started = performance.now();
      statuses.ten = await Promise.all(Array.from({ length: CONCURRENT }, () => postIdentify(server, large)));
      tenMs = performance.now() - started;
    });
    await sleep(SETTLE_MS);
    const after = (await memoryOf(server.pid)).rss;

    const count = (list: number[]) =>
      Object.entries(list.reduce<Record<number, number>>((counts, status) => ({ ...counts, [status]: (counts[status] ?? 0) + 1 }), {}))
        .map(([status, n]) => `${n}×${status}`)
        .join(' ');
    process.stdout.write(
      table(
        ['phase', 'server RSS (MiB)', '× idle', 'answers'],
        [
          ['idle (baseline)', fixed(idle, 0), '1.00', ''],
          [`one upload of ${fixed(mib(large.length), 0)} MiB`, fixed(one, 0), fixed(one / idle, 2), count(statuses.one!)],
          [`${CONCURRENT} at once (${fixed(tenMs / 1000, 1)} s)`, fixed(ten, 0), fixed(ten / idle, 2), count(statuses.ten!)],
          [`${SETTLE_MS / 1000} s after`, fixed(after, 0), fixed(after / idle, 2), ''],
        ],
      ) + '\n',
    );
  } finally {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
