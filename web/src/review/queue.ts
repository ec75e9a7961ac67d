// Where a specimen stands in the expert's review queue, for "previous" and "next".
export interface QueuePosition {
  previous: string | null;
  next: string | null;
  /** 1-based; null when the specimen is not (or no longer) in the queue. */
  position: number | null;
  total: number;
}

/**
 * Its neighbours in the queue (ids in queue order). A specimen not in it — just decided, so gone from the queue, or
 * opened from elsewhere — has no previous, and the queue's first specimen as next.
 */
export function queuePosition(queue: readonly string[], specimenId: string): QueuePosition {
  const index = queue.indexOf(specimenId);
  if (index < 0) return { previous: null, next: queue[0] ?? null, position: null, total: queue.length };
  return {
    previous: queue[index - 1] ?? null,
    next: queue[index + 1] ?? null,
    position: index + 1,
    total: queue.length,
  };
}
