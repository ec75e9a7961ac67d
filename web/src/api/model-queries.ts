// The model registry as the models page changes it (`activateModel`, `startShadowModel`, `stopShadowModel`), the
// shadow comparison it shows (`getShadowComparison`) and the retrain jobs it starts and follows (`retrainModel`,
// `listRetrainJobs`). The list itself is `modelsQuery` (queries.ts).
import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import type { ModelList, RetrainRequest } from '@contract';
import { api } from './client';
import { queryKeys } from './query-keys';

/** How the shadow runs of one version (`name@version`) answered compared with the primary answers. */
export function shadowComparisonQuery(shadowModel: string) {
  return queryOptions({
    queryKey: queryKeys.shadowComparison(shadowModel),
    queryFn: ({ signal }) => api.getShadowComparison({ query: { shadowModel } }, { signal }),
  });
}

export type ModelChange = { action: 'activate' | 'startShadow'; name: string; version: string } | { action: 'stopShadow'; name: string };

function change(input: ModelChange): Promise<ModelList> {
  switch (input.action) {
    case 'activate':
      return api.activateModel({ params: { name: input.name, version: input.version } });
    case 'startShadow':
      return api.startShadowModel({ params: { name: input.name, version: input.version } });
    case 'stopShadow':
      return api.stopShadowModel({ params: { name: input.name } });
  }
}

/**
 * Activates a version, or starts or stops a shadow run. The list takes the answer and the comparisons ask again; a
 * refusal makes the list ask again too (a package found broken since it was listed shows as such).
 */
export function useModelChange() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: change,
    onSuccess: (list) => {
      queryClient.setQueryData(queryKeys.models, list);
      void queryClient.invalidateQueries({ queryKey: queryKeys.shadowComparisons });
    },
    onError: () => queryClient.invalidateQueries({ queryKey: queryKeys.models }),
  });
}

/** How often the retrain jobs are asked again while one is queued or running. */
const RETRAIN_POLL_MS = 2000;

/** The latest retrain jobs; polled while one of them has not ended. */
export const retrainJobsQuery = queryOptions({
  queryKey: queryKeys.retrainJobs,
  queryFn: ({ signal }) => api.listRetrainJobs({}, { signal }),
  refetchInterval: (query) =>
    query.state.data?.items.some((job) => job.status === 'queued' || job.status === 'running') ? RETRAIN_POLL_MS : false,
});

/** Starts retraining a model from a snapshot; the job list asks again at once. */
export function useRetrain() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ name, body }: { name: string; body: RetrainRequest }) => api.retrainModel({ params: { name }, body }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.retrainJobs }),
  });
}
