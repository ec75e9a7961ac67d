// A specimen the server sent (pushed, or answering our own change) written into every cached query that shows it,
// so open pages follow without asking again. Lists are newest first (by createdAt); where a page of a list gains or
// loses a row that the cache alone cannot supply, that page is asked again.
import type { QueryClient } from '@tanstack/react-query';
import type { Specimen, SpecimenListQuery } from '@contract';
import { mergeSpecimen } from '../identification';
import { queryKeys, specimenListQueryOf, type SpecimenPage } from './query-keys';
import { getSession } from './session';

/** Whether a specimen passes a list's filters (the scope aside: the server pushes only what the user may see). */
export function passesFilters(specimen: Specimen, query: SpecimenListQuery, userId: string | undefined): boolean {
  if (query.mine && specimen.createdBy.id !== userId) return false;
  if (query.portCode && specimen.port.code !== query.portCode) return false;
  if (query.status && specimen.status !== query.status) return false;
  if (query.siteType && specimen.siteType !== query.siteType) return false;
  const collectedAt = Date.parse(specimen.collectedAt);
  if (query.from && collectedAt < Date.parse(query.from)) return false;
  if (query.to && collectedAt > Date.parse(query.to)) return false;
  return true;
}

/** Whether a specimen passing the filters sorts onto this page (by its creation time). */
function sortsOnto(page: SpecimenPage, specimen: Specimen): boolean {
  const createdAt = Date.parse(specimen.createdAt);
  const newest = page.items[0];
  const oldest = page.items.at(-1);
  if (!newest || !oldest) return page.offset === 0;
  const afterNewer = page.offset === 0 || createdAt <= Date.parse(newest.createdAt);
  const beforeOlder = page.items.length < page.limit || createdAt >= Date.parse(oldest.createdAt);
  return afterNewer && beforeOlder;
}

function cachedLists(queryClient: QueryClient): { key: readonly unknown[]; query: SpecimenListQuery; page: SpecimenPage }[] {
  return queryClient
    .getQueriesData<SpecimenPage>({ queryKey: queryKeys.specimenLists })
    .flatMap(([key, page]) => (page ? [{ key, query: specimenListQueryOf(key), page }] : []));
}

function askAgain(queryClient: QueryClient, key: readonly unknown[]): void {
  void queryClient.invalidateQueries({ queryKey: key, exact: true });
}

/** A specimen just submitted: the newest row of the first page of every list it passes; later pages shift by one. */
export function addSpecimen(queryClient: QueryClient, specimen: Specimen): void {
  const userId = getSession()?.user.id;
  for (const { key, query, page } of cachedLists(queryClient)) {
    if (!passesFilters(specimen, query, userId) || page.items.some((item) => item.id === specimen.id)) continue;
    if (page.offset > 0) askAgain(queryClient, key);
    else
      queryClient.setQueryData<SpecimenPage>(key, {
        ...page,
        items: [specimen, ...page.items].slice(0, page.limit),
        total: page.total + 1,
      });
  }
}

/** A changed specimen: its own page and the lists showing it take it in place; a page it joins or leaves is asked again. */
export function storeSpecimen(queryClient: QueryClient, specimen: Specimen): void {
  queryClient.setQueryData<Specimen>(queryKeys.specimen(specimen.id), (current) => (current ? mergeSpecimen(current, specimen) : current));
  const userId = getSession()?.user.id;
  for (const { key, query, page } of cachedLists(queryClient)) {
    const shown = page.items.some((item) => item.id === specimen.id);
    const passes = passesFilters(specimen, query, userId);
    if (shown && passes) {
      queryClient.setQueryData<SpecimenPage>(key, {
        ...page,
        items: page.items.map((item) => (item.id === specimen.id ? mergeSpecimen(item, specimen) : item)),
      });
    } else if (shown || (passes && sortsOnto(page, specimen))) {
      askAgain(queryClient, key);
    }
  }
}
