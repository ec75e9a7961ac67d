// The audit trail as administrators read it (`api.listAuditEntries`).
import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import type { AuditQuery } from '@contract';
import { api } from './client';
import { queryKeys } from './query-keys';

export function auditEntriesQuery(query: Partial<AuditQuery>) {
  return queryOptions({
    queryKey: queryKeys.auditEntries(query),
    queryFn: ({ signal }) => api.listAuditEntries({ query }, { signal }),
    // Every change made elsewhere adds to the trail: read it afresh whenever it is opened.
    staleTime: 0,
    placeholderData: keepPreviousData,
  });
}
