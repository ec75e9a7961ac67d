// The expert review as the pages read and change it: the queue, the similar confirmed specimens, and the decision.
import { keepPreviousData, queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import type { ReviewBody, ReviewQueueQuery } from '@contract';
import { api } from './client';
import { queryKeys } from './query-keys';
import { storeSpecimen } from './specimen-cache';

export function reviewQueueQuery(query: Partial<ReviewQueueQuery>) {
  return queryOptions({
    queryKey: queryKeys.reviewQueue(query),
    queryFn: ({ signal }) => api.reviewQueue({ query }, { signal }),
    placeholderData: keepPreviousData,
  });
}

export function similarSpecimensQuery(specimenId: string) {
  return queryOptions({
    queryKey: queryKeys.similarSpecimens(specimenId),
    queryFn: ({ signal }) => api.similarSpecimens({ params: { id: specimenId } }, { signal }),
    staleTime: 60_000,
  });
}

/**
 * An expert's decision on a specimen: every page showing the specimen takes the answer, the queues ask again (the
 * specimen leaves the expert's queue), and so do the alert inboxes when the decision opened an alert.
 */
export function useReviewSpecimen() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ specimenId, body }: { specimenId: string; body: ReviewBody }) =>
      api.reviewSpecimen({ params: { id: specimenId }, body }),
    onSuccess: (outcome) => {
      storeSpecimen(queryClient, outcome.specimen);
      void queryClient.invalidateQueries({ queryKey: queryKeys.reviewQueues });
      if (outcome.alertId) void queryClient.invalidateQueries({ queryKey: queryKeys.alerts });
    },
  });
}
