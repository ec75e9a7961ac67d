// The taxonomy and the triage rules as the pages read and change them (`api.searchTaxa`, `getTaxon`, `updateTaxon`,
// `listTriageRules`, `updateTriageRule`). Taxa hardly change: a looked-up taxon is kept for the session.
import { keepPreviousData, queryOptions, skipToken, useMutation, useQueries, useQueryClient } from '@tanstack/react-query';
import type { Taxon, TaxonSearchQuery, TriageCondition, TriageRule, TriageRulePatch, VectorGroup } from '@contract';
import { UNKNOWN_TAXON } from '../identification';
import { api } from './client';
import { queryKeys } from './query-keys';

export function taxonSearchQuery(query: Partial<TaxonSearchQuery>) {
  return queryOptions({
    queryKey: queryKeys.taxonSearch(query),
    queryFn: ({ signal }) => api.searchTaxa({ query }, { signal }),
    // Typing on keeps the last answer in view until the next one arrives.
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  });
}

/** What a taxon picker offers for the text typed (nothing is asked while there is none). */
export function taxonSuggestionsQuery(text: string, group: VectorGroup | undefined) {
  const query: Partial<TaxonSearchQuery> = { q: text, group, limit: 20 };
  return queryOptions({
    queryKey: queryKeys.taxonSearch(query),
    queryFn: text === '' ? skipToken : ({ signal }) => api.searchTaxa({ query }, { signal }),
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  });
}

export function taxonQuery(id: string) {
  return queryOptions({
    queryKey: queryKeys.taxon(id),
    queryFn: ({ signal }) => api.getTaxon({ params: { id } }, { signal }),
    staleTime: Infinity,
  });
}

/** The taxa of these ids that the taxonomy knows, by id (`unknown`, the models' "no answer", is never asked for). */
export function useTaxa(ids: readonly string[]): ReadonlyMap<string, Taxon> {
  const wanted = [...new Set(ids)].filter((id) => id !== UNKNOWN_TAXON);
  return useQueries({
    queries: wanted.map((id) => taxonQuery(id)),
    combine: (results) => new Map(results.flatMap((result) => (result.data ? [[result.data.id, result.data] as const] : []))),
  });
}

/** Puts a taxon on the watch list or takes it off (administrators); searches showing it ask again. */
export function useUpdateTaxon() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, watchList }: { id: string; watchList: boolean }) => api.updateTaxon({ params: { id }, body: { watchList } }),
    onSuccess: (taxon) => {
      queryClient.setQueryData(queryKeys.taxon(taxon.id), taxon);
      void queryClient.invalidateQueries({ queryKey: queryKeys.taxonSearches });
    },
  });
}

export const triageRulesQuery = queryOptions({
  queryKey: queryKeys.triageRules,
  queryFn: ({ signal }) => api.listTriageRules(undefined, { signal }),
});

/** Changes one triage rule (administrators); the rule list takes the answer in place. */
export function useUpdateTriageRule() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ code, patch }: { code: TriageCondition; patch: TriageRulePatch }) =>
      api.updateTriageRule({ params: { code }, body: patch }),
    onSuccess: (rule) =>
      queryClient.setQueryData<{ items: TriageRule[] }>(queryKeys.triageRules, (list) =>
        list ? { items: list.items.map((item) => (item.code === rule.code ? rule : item)) } : list,
      ),
  });
}
