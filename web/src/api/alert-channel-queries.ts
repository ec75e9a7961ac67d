// Where alerts go, as the alert channels page reads and changes it (`listAlertChannels`, `createAlertChannel`,
// `updateAlertChannel`). A webhook's secret comes back once, in the answer that set it, and is never stored here.
import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import type { AlertChannelBody, AlertChannelPatch } from '@contract';
import { api } from './client';
import { queryKeys } from './query-keys';

export const alertChannelsQuery = queryOptions({
  queryKey: queryKeys.alertChannels,
  queryFn: ({ signal }) => api.listAlertChannels(undefined, { signal }),
});

/** Adds a channel; the list asks again. */
export function useCreateAlertChannel() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: AlertChannelBody) => api.createAlertChannel({ body }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.alertChannels }),
  });
}

/** Renames, enables or disables a channel, or replaces its endpoint; the list asks again. */
export function useUpdateAlertChannel() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, patch }: { id: string; patch: AlertChannelPatch }) => api.updateAlertChannel({ params: { id }, body: patch }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.alertChannels }),
  });
}
