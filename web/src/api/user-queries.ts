// Accounts as administrators read and change them (`api.listUserAccounts`, `createUser`, `updateUser`; the units from
// `listUnits`). Any change makes every account list and people lookup stale.
import { keepPreviousData, queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import type { NewUserAccount, UnitNode, UserAccountPatch, UserAccountQuery } from '@contract';
import { api } from './client';
import { unitsQuery } from './organisation-queries';
import { queryKeys } from './query-keys';

/** How many accounts the page shows, in name order: a search narrows a longer list. */
export const ACCOUNTS_SHOWN = 100;

export function userAccountsQuery(query: Partial<UserAccountQuery>) {
  return queryOptions({
    queryKey: queryKeys.userAccountList(query),
    queryFn: ({ signal }) => api.listUserAccounts({ query }, { signal }),
    // Typing on keeps the last answer in view until the next one arrives.
    placeholderData: keepPreviousData,
  });
}

/** The units an administrator puts accounts in: their part of the organisation tree. */
export const administeredUnitsQuery = queryOptions({
  ...unitsQuery,
  select: (units: UnitNode[]) => units.filter((unit) => unit.administered),
});

function useRefreshPeople() {
  const queryClient = useQueryClient();
  return () => void queryClient.invalidateQueries({ queryKey: queryKeys.people });
}

export function useCreateUser() {
  const refresh = useRefreshPeople();
  return useMutation({ mutationFn: (body: NewUserAccount) => api.createUser({ body }), onSuccess: refresh });
}

export function useUpdateUser() {
  const refresh = useRefreshPeople();
  return useMutation({
    mutationFn: ({ id, patch }: { id: string; patch: UserAccountPatch }) => api.updateUser({ params: { id }, body: patch }),
    onSuccess: refresh,
  });
}
