// The specimen bank as the pages read and change it (`api.listBankTaxa`, `getBankEntry`, `markBankSpecimen`,
// `clearBankSpecimenMark`): a mark changes the taxon's entry and the counts of the list, so both ask again.
import { keepPreviousData, queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import type { BankEntryQuery, BankTaxaQuery, TeachingMarkBody } from '@contract';
import { api } from './client';
import { queryKeys } from './query-keys';

export function bankTaxaQuery(query: Partial<BankTaxaQuery>) {
  return queryOptions({
    queryKey: queryKeys.bankTaxa(query),
    queryFn: ({ signal }) => api.listBankTaxa({ query }, { signal }),
    placeholderData: keepPreviousData,
  });
}

export function bankEntryQuery(taxonId: string, query: Partial<BankEntryQuery>) {
  return queryOptions({
    queryKey: queryKeys.bankEntry(taxonId, query),
    queryFn: ({ signal }) => api.getBankEntry({ params: { id: taxonId }, query }, { signal }),
    placeholderData: keepPreviousData,
  });
}

/** Marks a specimen as a teaching example, hides it (a body), or clears its mark (null). */
export function useMarkBankSpecimen() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ specimenId, body }: { specimenId: string; body: TeachingMarkBody | null }) =>
      body ? api.markBankSpecimen({ params: { id: specimenId }, body }) : api.clearBankSpecimenMark({ params: { id: specimenId } }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.bank }),
  });
}
