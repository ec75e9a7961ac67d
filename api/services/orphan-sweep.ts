import type { FastifyBaseLogger } from 'fastify';
import type { SpecimenRepository } from '../repositories/specimen.repository.js';
import type { ImageStore } from '../storage/image-store.js';
import { PeriodicSweep } from './periodic-sweep.js';

export interface OrphanSweepOptions {
  /** How often the sweep runs (it runs at start too). */
  intervalMs: number;
  /**
   * Files written more recently are left alone: they may belong to an upload whose rows are not committed yet, or be
   * a temporary file still being written. Longer than the longest upload.
   */
  minAgeMs: number;
}

/** What one sweep removed. */
export interface OrphanSweepResult {
  /** Originals (with their thumbnails) no database row refers to. */
  originals: number;
  /** Files under `tmp/`: writes a crash cut short. */
  temporary: number;
}

/**
 * Removes stored files no database row refers to — what a crash between writing a file and committing its rows leaves
 * behind — and temporary files a crash cut short: at start and every `intervalMs`, and only files older than
 * `minAgeMs`, which is what keeps uploads in flight safe. An upload that reuses stored bytes marks them written now
 * (`ImageStore.put`) before committing its rows, and the sweep reads the age again after finding no row, just before
 * removing: an old unreferenced file an upload picks up meanwhile is seen young and kept.
 */
export class OrphanSweeper {
  private readonly periodic: PeriodicSweep;

  constructor(
    private readonly store: ImageStore,
    private readonly specimens: Pick<SpecimenRepository, 'isBlobReferenced'>,
    private readonly log: FastifyBaseLogger,
    private readonly options: OrphanSweepOptions,
    /** Told what each sweep removed (the metrics). */
    private readonly onSwept: (result: OrphanSweepResult) => void = () => undefined,
  ) {
    this.periodic = new PeriodicSweep(() => this.sweep(), log, 'orphan file sweep');
  }

  async sweep(now = new Date()): Promise<OrphanSweepResult> {
    const oldEnough = (writtenAt: Date | undefined) =>
      writtenAt !== undefined && now.getTime() - writtenAt.getTime() >= this.options.minAgeMs;
    const originals: string[] = [];
    for await (const file of this.store.list()) {
      if (!oldEnough(file.writtenAt) || (await this.specimens.isBlobReferenced(file.sha256))) continue;
      if (!oldEnough(await this.store.writtenAt(file.sha256))) continue;
      await this.store.remove(file.sha256);
      originals.push(file.sha256);
    }
    let temporary = 0;
    for await (const file of this.store.listTemporary()) {
      if (!oldEnough(file.writtenAt)) continue;
      await this.store.removeTemporary(file.name);
      temporary += 1;
    }
    const result = { originals: originals.length, temporary };
    if (originals.length + temporary > 0) {
      this.log.warn(
        { ...result, sha256s: originals },
        'removed stored files no database row referred to and temporary files left by a crash',
      );
    }
    this.onSwept(result);
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
