import type { Registry } from 'prom-client';
import { mirroredCounter, stateGauge } from './metric-readers.js';

/**
 * How many bytes of uploads this process holds in memory at once, across requests (ADR 0042). A file that nothing
 * stores (`POST /api/v1/identify`, the quality check) is held while this allows, which spares it the disk round trip
 * that costs a small photo more CPU than its decode; past it, files are spooled to disk as stored ones always are, so
 * memory stays bounded however many large uploads arrive at once.
 */
export class UploadMemory {
  private heldBytes = 0;
  /** Files read whole into memory, and files that went to disk (larger than {@link HELD_FILE_MAX_BYTES}, or no room). */
  readonly files = { held: 0, spilled: 0 };

  constructor(readonly limitBytes: number) {}

  get held(): number {
    return this.heldBytes;
  }

  /**
   * Takes `bytes` more for a file that holds `fileBytes` so far, if the file stays within {@link HELD_FILE_MAX_BYTES}
   * and the process within its limit; false (nothing taken) otherwise.
   */
  take(bytes: number, fileBytes: number): boolean {
    if (fileBytes + bytes > HELD_FILE_MAX_BYTES || this.heldBytes + bytes > this.limitBytes) return false;
    this.heldBytes += bytes;
    return true;
  }

  give(bytes: number): void {
    this.heldBytes -= bytes;
  }
}

/**
 * The largest file held in memory. A phone's photo of several megabytes is spooled: its decode costs far more than the
 * disk round trip, and holding it cost more than it saved (its copies made V8 collect garbage in every thread, ≈ +10 %
 * CPU per image with 1.8 MiB photos; ADR 0042).
 */
export const HELD_FILE_MAX_BYTES = 256 * 1024;

export function uploadMemoryMetrics(registry: Registry, memory: UploadMemory): void {
  stateGauge(
    registry,
    'vectordesk_upload_memory_bytes',
    'Memory for uploads that nothing stores (identify, the quality check): the limit and how much of it is held now',
    () => ({ capacity: memory.limitBytes, in_use: memory.held }),
  );
  mirroredCounter(
    registry,
    'vectordesk_upload_files_held_total',
    'Uploaded files that nothing stores, read whole into memory',
    () => memory.files.held,
  );
  mirroredCounter(
    registry,
    'vectordesk_upload_files_spilled_total',
    'Uploaded files that nothing stores, spooled to disk because the upload memory was full',
    () => memory.files.spilled,
  );
}
