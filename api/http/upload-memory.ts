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
  /** Files read whole into memory, and files that went to disk for lack of it. */
  readonly files = { held: 0, spilled: 0 };

  constructor(readonly limitBytes: number) {}

  get held(): number {
    return this.heldBytes;
  }

  /** Takes `bytes` if they fit; false (nothing taken) when they do not. */
  take(bytes: number): boolean {
    if (this.heldBytes + bytes > this.limitBytes) return false;
    this.heldBytes += bytes;
    return true;
  }

  give(bytes: number): void {
    this.heldBytes -= bytes;
  }
}

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
