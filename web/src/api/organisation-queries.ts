// The organisation as the admin console reads and changes it (`api.listUnits`, `createUnit`, `updateUnit`, `createPort`,
// `updatePort`, `listLabDetails`, `createLab`, `updateLab`, `addLabManager`, `removeLabManager`). The tree serves
// every page that picks a unit. A change asks again for what it makes stale: the tree and the ports after a unit or
// port changes (and who the user is: their unit may have been renamed), every lab list after a lab changes.
import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import type { LabBody, LabPatch, PortBody, PortPatch, UnitBody, UnitPatch } from '@contract';
import { api } from './client';
import { queryKeys } from './query-keys';

/** The units of the user's part of the organisation with their ports, parents first. */
export const unitsQuery = queryOptions({
  queryKey: queryKeys.units,
  queryFn: async ({ signal }) => (await api.listUnits(undefined, { signal })).items,
  staleTime: 5 * 60_000,
});

/** Every laboratory with its managers, in service or not (administrators). */
export const labDetailsQuery = queryOptions({
  queryKey: queryKeys.labDetails,
  queryFn: async ({ signal }) => (await api.listLabDetails(undefined, { signal })).items,
});

function useRefreshUnits() {
  const queryClient = useQueryClient();
  // Awaited: the form that made the change closes once the tree shows it.
  return () => Promise.all([queryKeys.units, queryKeys.ports, queryKeys.me].map((queryKey) => queryClient.invalidateQueries({ queryKey })));
}

function useRefreshLabs() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: queryKeys.labs });
}

export function useCreateUnit() {
  return useMutation({ mutationFn: (body: UnitBody) => api.createUnit({ body }), onSuccess: useRefreshUnits() });
}

export function useRenameUnit() {
  return useMutation({
    mutationFn: ({ id, patch }: { id: string; patch: UnitPatch }) => api.updateUnit({ params: { id }, body: patch }),
    onSuccess: useRefreshUnits(),
  });
}

export function useCreatePort() {
  return useMutation({ mutationFn: (body: PortBody) => api.createPort({ body }), onSuccess: useRefreshUnits() });
}

export function useUpdatePort() {
  return useMutation({
    mutationFn: ({ id, patch }: { id: string; patch: PortPatch }) => api.updatePort({ params: { id }, body: patch }),
    onSuccess: useRefreshUnits(),
  });
}

export function useCreateLab() {
  return useMutation({ mutationFn: (body: LabBody) => api.createLab({ body }), onSuccess: useRefreshLabs() });
}

export function useUpdateLab() {
  return useMutation({
    mutationFn: ({ id, patch }: { id: string; patch: LabPatch }) => api.updateLab({ params: { id }, body: patch }),
    onSuccess: useRefreshLabs(),
  });
}

export function useAddLabManager() {
  return useMutation({
    mutationFn: ({ labId, userId }: { labId: string; userId: string }) => api.addLabManager({ params: { id: labId, userId } }),
    onSuccess: useRefreshLabs(),
  });
}

export function useRemoveLabManager() {
  return useMutation({
    mutationFn: ({ labId, userId }: { labId: string; userId: string }) => api.removeLabManager({ params: { id: labId, userId } }),
    onSuccess: useRefreshLabs(),
  });
}
