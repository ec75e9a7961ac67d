// A trainee's practice sets and progress as the practice pages read and change them (`api.startPracticeSession`,
// `listPracticeSessions`, `getPracticeSession`, `answerPracticeQuestion`, `practiceProgress`).
import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import type { PracticeSessionRequest } from '@contract';
import { api } from './client';
import { queryKeys } from './query-keys';

export const practiceSessionsQuery = queryOptions({
  queryKey: queryKeys.practiceSessions,
  queryFn: async ({ signal }) => (await api.listPracticeSessions(undefined, { signal })).items,
  staleTime: 0,
});

export function practiceSessionQuery(id: string) {
  return queryOptions({
    queryKey: queryKeys.practiceSession(id),
    queryFn: ({ signal }) => api.getPracticeSession({ params: { id } }, { signal }),
    staleTime: 0,
  });
}

export const practiceProgressQuery = queryOptions({
  queryKey: queryKeys.practiceProgress,
  queryFn: ({ signal }) => api.practiceProgress(undefined, { signal }),
  staleTime: 0,
});

export function useStartPractice() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: PracticeSessionRequest) => api.startPracticeSession({ body }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKeys.practiceRoot }),
  });
}

/** Answers one question; the set, the list's scores and the progress are asked again afterwards. */
export function useAnswerQuestion(sessionId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ questionId, taxon }: { questionId: string; taxon: string }) =>
      api.answerPracticeQuestion({ params: { id: questionId }, body: { taxon } }),
    onSettled: async () => {
      await queryClient.invalidateQueries({ queryKey: queryKeys.practiceSession(sessionId) });
      void queryClient.invalidateQueries({ queryKey: queryKeys.practiceRoot });
    },
  });
}
