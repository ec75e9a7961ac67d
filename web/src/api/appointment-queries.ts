// Labs, their schedules and the appointments booked in them, as the pages read and change them (`api.listLabs`,
// `getLabSchedule`, `listAppointments`, `createLabSlot`, `createAppointment`, `updateAppointment`, `cancelAppointment`).
// Appointments have no live push: a change made here asks every schedule and list again; others' show on the next visit.
import { keepPreviousData, queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import type { AppointmentBody, AppointmentListQuery, AppointmentPatch, LabSlotBody, ScheduleQuery } from '@contract';
import { api } from './client';
import { queryKeys } from './query-keys';

export const labsQuery = queryOptions({
  queryKey: queryKeys.labs,
  queryFn: async ({ signal }) => (await api.listLabs(undefined, { signal })).items,
  staleTime: 5 * 60_000,
});

export function labScheduleQuery(labId: string, period: ScheduleQuery) {
  return queryOptions({
    queryKey: queryKeys.labSchedule(labId, period),
    queryFn: ({ signal }) => api.getLabSchedule({ params: { id: labId }, query: period }, { signal }),
    // Another week keeps the one it replaces in view until it arrives.
    placeholderData: keepPreviousData,
    staleTime: 0,
  });
}

export function appointmentListQuery(query: Partial<AppointmentListQuery>) {
  return queryOptions({
    queryKey: queryKeys.appointmentList(query),
    queryFn: ({ signal }) => api.listAppointments({ query }, { signal }),
    staleTime: 0,
  });
}

/** After any booking change: free places and appointment lists are stale everywhere. */
function useRefreshAppointments() {
  const queryClient = useQueryClient();
  return () => void queryClient.invalidateQueries({ queryKey: queryKeys.appointmentsRoot });
}

export function useCreateSlot() {
  const refresh = useRefreshAppointments();
  return useMutation({
    mutationFn: ({ labId, body }: { labId: string; body: LabSlotBody }) => api.createLabSlot({ params: { id: labId }, body }),
    onSuccess: refresh,
  });
}

export function useBookAppointment() {
  const refresh = useRefreshAppointments();
  return useMutation({ mutationFn: (body: AppointmentBody) => api.createAppointment({ body }), onSettled: refresh });
}

export function useChangeAppointment() {
  const refresh = useRefreshAppointments();
  return useMutation({
    mutationFn: ({ id, patch }: { id: string; patch: AppointmentPatch }) => api.updateAppointment({ params: { id }, body: patch }),
    onSettled: refresh,
  });
}

export function useCancelAppointment() {
  const refresh = useRefreshAppointments();
  return useMutation({ mutationFn: (id: string) => api.cancelAppointment({ params: { id } }), onSettled: refresh });
}
