import type { FastifyBaseLogger } from 'fastify';
import type { SpecimenRepository } from '../repositories/specimen.repository.js';
import type { ImageStore } from '../storage/image-store.js';

/** Files younger than this may belong to an upload whose transaction is still open. */
const GRACE_PERIOD_MS = 60 * 60 * 1000;

/**
 * Removes stored files no database row refers to: what a crash between writing a file and
 * committing its rows leaves behind. Run at start-up; safe while uploads are in flight.
 */
export async function sweepOrphanFiles(
  store: ImageStore,
  specimens: SpecimenRepository,
  log: FastifyBaseLogger,
  now = new Date(),
): Promise<number> {
  let removed = 0;
  for await (const file of store.list()) {
    if (now.getTime() - file.writtenAt.getTime() < GRACE_PERIOD_MS) continue;
    if (await specimens.isBlobReferenced(file.sha256)) continue;
    await store.remove(file.sha256);
    removed += 1;
  }
  if (removed > 0) log.warn({ removed }, 'removed image files that no database row referred to');
  return removed;
}
