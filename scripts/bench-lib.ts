/**
 * Shared helpers of the inference benchmarks (`npm run bench:inference`, `npm run bench:model-swap`):
 * a verified snapshot of the model packages, the benchmark images, CPU accounting and statistics.
 */
import { existsSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { findModelPackageDirs, loadModelPackage, ModelPackageError } from '../inference/model-package.js';

export const REPO_MODELS_DIR = path.resolve('models');
/** The shared photographs, as tests/helpers/models.ts names them. */
export const SHARED_DATASET_DIR = path.resolve('..', 'shared', 'datasets', 'vectors-v1');
export const GROUP_PACKAGE = 'vector-group';

export function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

export function loadavg(): string {
  return os
    .loadavg()
    .map((value) => value.toFixed(2))
    .join(' / ');
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface StagedModels {
  dir: string;
  /** Package name → the version staged (the newest under models/). */
  versions: Record<string, string>;
}

/**
 * Copies the newest version of every package under `models/` into `into` (model.onnx + model.json only) and proves
 * each copy against its card's sha256. A training job may be rewriting a package meanwhile: a copy that fails
 * verification is retried after `retryMs`, up to `attempts` times. The benchmarks then read only the snapshot.
 * `extraGroupVersion` also stages the group package under a second version (same model.onnx, card renamed).
 */
export async function stageModels(
  into: string,
  options: { extraGroupVersion?: string; attempts?: number; retryMs?: number } = {},
): Promise<StagedModels> {
  const attempts = options.attempts ?? 6;
  const retryMs = options.retryMs ?? 60_000;
  for (let attempt = 1; ; attempt += 1) {
    try {
      const versions: Record<string, string> = {};
      for (const [name, [directory]] of await findModelPackageDirs(REPO_MODELS_DIR)) {
        const version = path.basename(directory!);
        versions[name] = version;
        const targets = name === GROUP_PACKAGE && options.extraGroupVersion ? [version, options.extraGroupVersion] : [version];
        for (const target of targets) {
          const dest = path.join(into, name, target);
          await mkdir(dest, { recursive: true });
          await copyFile(path.join(directory!, 'model.onnx'), path.join(dest, 'model.onnx'));
          const card = JSON.parse(await readFile(path.join(directory!, 'model.json'), 'utf8')) as Record<string, unknown>;
          await writeFile(path.join(dest, 'model.json'), JSON.stringify({ ...card, version: target }, null, 2));
          await loadModelPackage(dest); // sha256 of the copy against the card
        }
      }
      if (!versions[GROUP_PACKAGE]) throw new Error(`no ${GROUP_PACKAGE} package under ${REPO_MODELS_DIR}`);
      return { dir: into, versions };
    } catch (error) {
      const retryable =
        error instanceof ModelPackageError || error instanceof SyntaxError || (error as NodeJS.ErrnoException).code === 'ENOENT';
      if (!retryable || attempt >= attempts) throw error;
      log(
        `model package not verifiable (${(error as Error).message.slice(0, 160)}); a training job may be rewriting it — retrying in ${retryMs / 1000} s (${attempt}/${attempts})`,
      );
      await sleep(retryMs);
    }
  }
}

export interface BenchImages {
  images: Buffer[];
  /** Human description: where the images come from, how big they are. */
  source: string;
}

/**
 * Where a benchmark's photographs come from: `dir` (every JPEG/PNG under it, round-robin over its sub-folders), else
 * the shared dataset. Without either, generated photos only when `generated` is allowed; otherwise it refuses, naming
 * where it looked, so a run on generated images is never mistaken for one on real photos.
 */
export interface ImageSourceOptions {
  count?: number;
  dir?: string;
  generated?: boolean;
}

export async function benchImages({ count = 64, dir, generated = false }: ImageSourceOptions = {}): Promise<BenchImages> {
  const root = dir ? path.resolve(dir) : SHARED_DATASET_DIR;
  const byFolder = existsSync(root) ? await photosByFolder(root) : new Map<string, string[]>();
  if (byFolder.size > 0) {
    const folders = [...byFolder.keys()].sort();
    // Round-robin over the folders, each folder sampled evenly along its (sorted) list.
    const rounds = Math.ceil(count / folders.length);
    const chosen: string[] = [];
    for (let round = 0; round < rounds; round += 1) {
      for (const folder of folders) {
        const files = byFolder.get(folder)!;
        if (round < files.length && chosen.length < count) chosen.push(files[Math.floor((round * files.length) / rounds)]!);
      }
    }
    const images = await Promise.all(chosen.map((file) => readFile(file)));
    const sizes = await Promise.all(images.map(async (image) => sharp(image).metadata()));
    const pixels = sizes.map((meta) => (meta.width ?? 0) * (meta.height ?? 0));
    const bytes = images.reduce((sum, image) => sum + image.length, 0);
    const largest = sizes.reduce((best, meta) =>
      (meta.width ?? 0) * (meta.height ?? 0) > (best.width ?? 0) * (best.height ?? 0) ? meta : best,
    );
    return {
      images,
      source:
        `${images.length} real photographs from ${path.relative(process.cwd(), root) || '.'} (${folders.length} folders, round-robin); ` +
        `mean ${Math.round(mean(pixels) / 1000)} kpx, largest ${largest.width}×${largest.height}, mean ${Math.round(bytes / images.length / 1024)} KiB/file`,
    };
  }
  if (!generated)
    throw new Error(
      `no photographs under ${root}${dir ? '' : ' (the shared dataset)'}: pass --images DIR with real photos, or --generated to measure generated images`,
    );
  const images = await Promise.all(Array.from({ length: count }, (_, seed) => generatedPhoto(seed, 640, 480)));
  const bytes = images.reduce((sum, image) => sum + image.length, 0);
  return {
    images,
    source: `${count} GENERATED 640×480 JPEGs (--generated; no photographs under ${root}); mean ${Math.round(bytes / count / 1024)} KiB/JPEG`,
  };
}

/** Every JPEG/PNG under `root`, by the folder it sits in (sorted). */
async function photosByFolder(root: string): Promise<Map<string, string[]>> {
  const byFolder = new Map<string, string[]>();
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !/\.(jpe?g|png)$/i.test(entry.name)) continue;
    const folder = entry.parentPath;
    byFolder.set(folder, [...(byFolder.get(folder) ?? []), path.join(folder, entry.name)]);
  }
  for (const files of byFolder.values()) files.sort();
  return byFolder;
}

/** A photograph-like JPEG: smooth gradients, a dark blob and sensor-like noise (so it does not compress to nothing). */
export async function generatedPhoto(seed: number, width: number, height: number): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height * 3);
  let state = (seed + 1) * 2654435761;
  const random = () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const cx = width * (0.3 + 0.4 * random());
  const cy = height * (0.3 + 0.4 * random());
  const radius = Math.min(width, height) * (0.1 + 0.15 * random());
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const offset = (y * width + x) * 3;
      const inBlob = (x - cx) ** 2 + (y - cy) ** 2 < radius ** 2;
      const noise = (random() - 0.5) * 24;
      pixels[offset] = clampByte((inBlob ? 60 : 150 + (x * 80) / width) + noise + seed * 3);
      pixels[offset + 1] = clampByte((inBlob ? 40 : 120 + (y * 90) / height) + noise);
      pixels[offset + 2] = clampByte((inBlob ? 30 : 100 + ((x + y) * 40) / (width + height)) + noise - seed * 2);
    }
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 88 })
    .toBuffer();
}

function clampByte(value: number): number {
  return Math.max(0, Math.min(255, Math.round(value)));
}

// --- statistics ---------------------------------------------------------------------------------------------

export function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** Nearest-rank percentile (p in 0..100) of unsorted values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/** Least-squares slope of y over x. */
export function slope(xs: readonly number[], ys: readonly number[]): number {
  const mx = mean(xs);
  const my = mean(ys);
  let numerator = 0;
  let denominator = 0;
  xs.forEach((x, index) => {
    numerator += (x - mx) * (ys[index]! - my);
    denominator += (x - mx) ** 2;
  });
  return denominator === 0 ? 0 : numerator / denominator;
}

// --- CPU accounting -----------------------------------------------------------------------------------------

/** Busy and total jiffies of the whole machine (Linux /proc/stat), to see how much CPU other jobs took. */
function machineJiffies(): { busy: number; total: number } | undefined {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const total = fields.reduce((sum, value) => sum + value, 0);
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return undefined;
  }
}

export interface CpuWindow {
  /** Ends the window: this process's CPU (all its threads) and the whole machine's, in % of one core. */
  stop(extraProcessCpuMs?: number): CpuReport;
}

export interface CpuReport {
  seconds: number;
  /** This process (plus `extraProcessCpuMs`, e.g. a child server), % of one core. */
  ownPercent: number;
  /** The same as CPU milliseconds. */
  ownMs: number;
  /** Every process on the machine, % of one core (200 % = both cores of a 2-core machine), when known. */
  machinePercent: number | undefined;
}

export function cpuWindow(): CpuWindow {
  const startedAt = process.hrtime.bigint();
  const ownStart = process.cpuUsage();
  const machineStart = machineJiffies();
  return {
    stop(extraProcessCpuMs = 0) {
      const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
      const own = process.cpuUsage(ownStart);
      const machineEnd = machineJiffies();
      const cores = os.availableParallelism();
      const machinePercent =
        machineStart && machineEnd && machineEnd.total > machineStart.total
          ? ((machineEnd.busy - machineStart.busy) / (machineEnd.total - machineStart.total)) * 100 * cores
          : undefined;
      const ownMs = (own.user + own.system) / 1000 + extraProcessCpuMs;
      return { seconds, ownPercent: ownMs / 10 / seconds, ownMs, machinePercent };
    },
  };
}

export function describeCpu(report: CpuReport, ownLabel = 'bench'): string {
  const machine =
    report.machinePercent === undefined
      ? ''
      : `, machine ${Math.round(report.machinePercent)}% (others ≈${Math.max(0, Math.round(report.machinePercent - report.ownPercent))}%)`;
  return `CPU ${ownLabel} ${Math.round(report.ownPercent)}%${machine}`;
}

// --- output -------------------------------------------------------------------------------------------------

/** A plain text table: header, rule, rows; columns padded to their widest cell. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]!)))
      .join(' | ')
      .trimEnd();
  return [line(header), widths.map((width) => '-'.repeat(width)).join('-|-'), ...rows.map(line)].join('\n');
}

export function fixed(value: number, digits = 1): string {
  return Number.isFinite(value) ? value.toFixed(digits) : '–';
}

export function mib(bytes: number): number {
  return bytes / 1024 / 1024;
}
