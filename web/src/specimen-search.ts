// The specimen list's filters, order and page, as they stand in its URL (`#/specimens?status=confirmed&page=2`): a
// filtered list is a link, and Back/Forward move between filter states. Values that are not valid are dropped, not
// refused. The dashboard's click-throughs are such links too.
import {
  CONFIDENCE_BANDS,
  IDENTIFICATION_SOURCES,
  SITE_TYPES,
  SPECIMEN_SORTS,
  SPECIMEN_STATUSES,
  TRAP_METHODS,
  TRIAGE_QUEUES,
  VECTOR_GROUPS,
  type ConfidenceBand,
  type IdentificationSource,
  type SiteType,
  type SpecimenListQuery,
  type SpecimenSort,
  type SpecimenStatus,
  type SurveillanceFilters,
  type TrapMethod,
  type TriageQueue,
  type VectorGroup,
} from '@contract';
import { dateToIso } from './format';

export const PAGE_SIZE = 50;

/** The list's order when the URL names none (the server's default). */
export const DEFAULT_SORT: SpecimenSort = '-createdAt';

/** The surveillance filters as a person sets them: the dates are local days, not instants. */
export interface FilterSearch {
  /** A taxon id: this taxon and everything below it. */
  taxon?: string | undefined;
  group?: VectorGroup | undefined;
  portCode?: string | undefined;
  /** The code of a district unit. */
  district?: string | undefined;
  siteType?: SiteType | undefined;
  trapMethod?: TrapMethod | undefined;
  status?: SpecimenStatus | undefined;
  /** yyyy-mm-dd, local: collected on or after that day. */
  from?: string | undefined;
  /** yyyy-mm-dd, local: collected on or before that day. */
  to?: string | undefined;
  confidence?: ConfidenceBand | undefined;
  queue?: TriageQueue | undefined;
  identifiedBy?: IdentificationSource | undefined;
}

export interface SpecimenSearch extends FilterSearch {
  /** Only specimens I submitted. */
  mine?: boolean | undefined;
  /** Absent for the default order. */
  sort?: SpecimenSort | undefined;
  /** 1-based; absent on the first page. */
  page?: number | undefined;
}

function oneOf<V extends string>(values: readonly V[], raw: unknown): V | undefined {
  return values.find((value) => value === raw);
}

function text(raw: unknown, maxLength = 64): string | undefined {
  return typeof raw === 'string' && raw.length > 0 && raw.length <= maxLength ? raw : undefined;
}

function day(raw: unknown): string | undefined {
  return typeof raw === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(raw) && dateToIso(raw, false) ? raw : undefined;
}

/** The filters of a URL's search (every key answered, `undefined` where unset or invalid). */
export function parseFilterSearch(raw: Record<string, unknown>): FilterSearch {
  return {
    taxon: text(raw.taxon, 200),
    group: oneOf(VECTOR_GROUPS, raw.group),
    portCode: text(raw.portCode),
    district: text(raw.district),
    siteType: oneOf(SITE_TYPES, raw.siteType),
    trapMethod: oneOf(TRAP_METHODS, raw.trapMethod),
    status: oneOf(SPECIMEN_STATUSES, raw.status),
    from: day(raw.from),
    to: day(raw.to),
    confidence: oneOf(CONFIDENCE_BANDS, raw.confidence),
    queue: oneOf(TRIAGE_QUEUES, raw.queue),
    identifiedBy: oneOf(IDENTIFICATION_SOURCES, raw.identifiedBy),
  };
}

/**
 * The route's `validateSearch`. Every key is answered, `undefined` where unset or invalid: the router keeps raw
 * values of keys left out.
 */
export function parseSpecimenSearch(raw: Record<string, unknown>): SpecimenSearch {
  const sort = oneOf(SPECIMEN_SORTS, raw.sort);
  return {
    ...parseFilterSearch(raw),
    mine: raw.mine === true ? true : undefined,
    sort: sort === DEFAULT_SORT ? undefined : sort,
    page: typeof raw.page === 'number' && Number.isSafeInteger(raw.page) && raw.page > 1 ? raw.page : undefined,
  };
}

/** Whether any filter is set (the order and the page aside). */
export function hasFilters(search: SpecimenSearch): boolean {
  return Object.entries(search).some(([key, value]) => key !== 'page' && key !== 'sort' && value !== undefined);
}

/** The filters as every surveillance query takes them: only those set, the dates as instants of the local day. */
export function surveillanceFiltersFor({ from, to, ...search }: FilterSearch): SurveillanceFilters {
  const filters = Object.fromEntries(Object.entries(search).filter(([, value]) => value !== undefined)) as SurveillanceFilters;
  const fromInstant = from ? dateToIso(from, false) : undefined;
  const toInstant = to ? dateToIso(to, true) : undefined;
  if (fromInstant) filters.from = fromInstant;
  if (toInstant) filters.to = toInstant;
  return filters;
}

/** The API query for a list URL: its filters, its order, the page as limit/offset. */
export function specimenListQueryFor({ mine, sort, page, ...filters }: SpecimenSearch): SpecimenListQuery {
  const query: SpecimenListQuery = { ...surveillanceFiltersFor(filters), limit: PAGE_SIZE, offset: ((page ?? 1) - 1) * PAGE_SIZE };
  if (mine) query.mine = true;
  if (sort) query.sort = sort;
  return query;
}
