import type { FastifyBaseLogger } from 'fastify';
import type { ExportRepository } from '../repositories/export.repository.js';
import type { ExportStore } from '../storage/export-store.js';
import { PeriodicSweep } from './periodic-sweep.js';

export interface ExportExpiryOptions {
  /** How long a finished export's file is kept. */
  retentionMs: number;
  /** How often the sweep runs (it runs at start too). */
  intervalMs: number;
}

/** What one sweep removed. */
export interface ExportExpiryResult {
  /** Exports whose file was deleted after the retention: now `expired`. */
  expired: number;
  /** Files no done export refers to: `.part` files of attempts that died, a file whose row was never marked done. */
  leftovers: number;
}

/**
 * A file being written grows every batch, and one just committed waits only for its row: anything untouched this long
 * is no attempt's any more.
 */
const LEFTOVER_AGE_MS = 60 * 60_000;

/**
 * Keeps `<storage>/exports/` from growing for ever (ADR 0021): at start and every `intervalMs`, done exports older
 * than the retention become `expired` and lose their file (their download answers `410 export_expired`), and files
 * no done export refers to are removed once an hour old.
 */
export class ExportExpiry {
  private readonly periodic: PeriodicSweep;

  constructor(
    private readonly exports: Pick<ExportRepository, 'expire' | 'doneFiles'>,
    private readonly store: ExportStore,
    private readonly log: FastifyBaseLogger,
    private readonly options: ExportExpiryOptions,
  ) {
    this.periodic = new PeriodicSweep(() => this.sweep(), log, 'export expiry sweep');
  }

  async sweep(now = new Date()): Promise<ExportExpiryResult> {
    // The rows first: a crash between the two leaves a file no done export refers to, which the next sweep removes.
    const expiredFiles = await this.exports.expire(new Date(now.getTime() - this.options.retentionMs));
    for (const fileName of expiredFiles) await this.store.remove(fileName);
    const old = (await this.store.list()).filter((file) => now.getTime() - file.modifiedAt.getTime() >= LEFTOVER_AGE_MS);
    const kept = new Set(await this.exports.doneFiles(old.map((file) => file.name)));
    const leftovers = old.filter((file) => !kept.has(file.name));
    for (const file of leftovers) await this.store.remove(file.name);
    const result = { expired: expiredFiles.length, leftovers: leftovers.length };
    if (result.expired + result.leftovers > 0) this.log.info(result, 'removed expired export files and leftovers');
    return result;
  }

  /** Sweeps now, then every `intervalMs`; a sweep still running when the next is due is not doubled. */
  start(): void {
    this.periodic.start(this.options.intervalMs);
  }

  /** Stops sweeping and waits for a sweep in progress (before the database closes). */
  stop(): Promise<void> {
    return this.periodic.stop();
  }
}
