// The alert inbox as the pages read and change it; the live push's `alert.changed` makes every alert query ask again.
import { keepPreviousData, queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import type { Alert, AlertListQuery } from '@contract';
import { api } from './client';
import { queryKeys } from './query-keys';

export function alertListQuery(query: Partial<AlertListQuery>) {
  return queryOptions({
    queryKey: queryKeys.alertList(query),
    queryFn: ({ signal }) => api.listAlerts({ query }, { signal }),
    placeholderData: keepPreviousData,
  });
}

export function alertQuery(id: string) {
  return queryOptions({
    queryKey: queryKeys.alert(id),
    queryFn: ({ signal }) => api.getAlert({ params: { id } }, { signal }),
  });
}

/** How many alerts wait for someone to acknowledge them (the navigation's badge). */
export const openAlertCountQuery = queryOptions({
  ...alertListQuery({ status: 'open', limit: 1 }),
  select: (page) => page.total,
});

export type AlertActionInput = { alertId: string } & ({ action: 'acknowledge' | 'confirm' } | { action: 'dismiss'; reason: string });

function act(input: AlertActionInput): Promise<Alert> {
  const params = { id: input.alertId };
  switch (input.action) {
    case 'acknowledge':
      return api.acknowledgeAlert({ params });
    case 'confirm':
      return api.confirmAlert({ params });
    case 'dismiss':
      return api.dismissAlert({ params, body: { reason: input.reason } });
  }
}

/** Acknowledges, confirms or dismisses an alert; the alert takes the answer and the inboxes ask again. */
export function useAlertAction() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: act,
    onSuccess: (alert) => {
      queryClient.setQueryData(queryKeys.alert(alert.id), alert);
      void queryClient.invalidateQueries({ queryKey: queryKeys.alerts, predicate: (query) => query.queryKey[1] === 'list' });
    },
  });
}
