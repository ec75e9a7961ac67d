// The review queue's filter as it stands in the URL (`#/review?queue=critical`, and on the review page the same, so
// "next" walks the queue the expert chose).
import { REVIEW_QUEUES, ReviewQueueQuery, type ReviewQueue } from '@contract';

export interface ReviewSearch {
  queue?: ReviewQueue | undefined;
}

/** The routes' `validateSearch`: an unknown queue is dropped (every key answered: see specimen-search.ts). */
export function parseReviewSearch(raw: Record<string, unknown>): ReviewSearch {
  return { queue: REVIEW_QUEUES.find((queue) => queue === raw.queue) };
}

/** The most the server lists at once (the contract's): the queue page shows them all, and "next" walks them. */
export const REVIEW_QUEUE_LIMIT = (ReviewQueueQuery.properties.limit as { maximum?: number }).maximum ?? 100;

export function reviewQueueQueryFor(search: ReviewSearch): Partial<ReviewQueueQuery> {
  return search.queue ? { queue: search.queue, limit: REVIEW_QUEUE_LIMIT } : { limit: REVIEW_QUEUE_LIMIT };
}
