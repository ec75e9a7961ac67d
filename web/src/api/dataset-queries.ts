// Dataset snapshots as the admin console's datasets page reads and takes them (`listDatasetSnapshots`,
// `getDatasetSnapshot`, `createDatasetSnapshot`).
import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import type { CreateSnapshot } from '@contract';
import { api } from './client';
import { queryKeys } from './query-keys';

export const datasetSnapshotsQuery = queryOptions({
  queryKey: queryKeys.datasetSnapshots,
  queryFn: async ({ signal }) => (await api.listDatasetSnapshots(undefined, { signal })).items,
});

export function datasetSnapshotQuery(id: string) {
  return queryOptions({
    queryKey: queryKeys.datasetSnapshot(id),
    queryFn: ({ signal }) => api.getDatasetSnapshot({ params: { id } }, { signal }),
    // A snapshot never changes.
    staleTime: Infinity,
  });
}

/** Takes a snapshot; the answer is its detail, and the list asks again. */
export function useCreateSnapshot() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateSnapshot) => api.createDatasetSnapshot({ body }),
    onSuccess: (snapshot) => {
      queryClient.setQueryData(queryKeys.datasetSnapshot(snapshot.id), snapshot);
      void queryClient.invalidateQueries({ queryKey: queryKeys.datasetSnapshots, exact: true });
    },
  });
}
