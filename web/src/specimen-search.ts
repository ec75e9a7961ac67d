// The specimen list's filters and page, as they stand in its URL (`#/specimens?status=confirmed&page=2`): a filtered
// list is a link, and Back/Forward move between filter states. Values that are not valid are dropped, not refused.
import { SITE_TYPES, SPECIMEN_STATUSES, type SiteType, type SpecimenListQuery, type SpecimenStatus } from '@contract';
import { dateToIso } from './format';

export const PAGE_SIZE = 50;

export interface SpecimenSearch {
  portCode?: string;
  status?: SpecimenStatus;
  siteType?: SiteType;
  /** yyyy-mm-dd, local: collected on or after that day. */
  from?: string;
  /** yyyy-mm-dd, local: collected on or before that day. */
  to?: string;
  /** Only specimens I submitted. */
  mine?: boolean;
  /** 1-based; absent on the first page. */
  page?: number;
}

function oneOf<V extends string>(values: readonly V[], raw: unknown): V | undefined {
  return values.find((value) => value === raw);
}

function text(raw: unknown): string | undefined {
  return typeof raw === 'string' && raw.length > 0 && raw.length <= 64 ? raw : undefined;
}

function day(raw: unknown): string | undefined {
  return typeof raw === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(raw) && dateToIso(raw, false) ? raw : undefined;
}

/**
 * The route's `validateSearch`. Every key is answered, `undefined` where unset or invalid: the router keeps raw
 * values of keys left out.
 */
export function parseSpecimenSearch(raw: Record<string, unknown>): SpecimenSearch {
  return {
    portCode: text(raw.portCode),
    status: oneOf(SPECIMEN_STATUSES, raw.status),
    siteType: oneOf(SITE_TYPES, raw.siteType),
    from: day(raw.from),
    to: day(raw.to),
    mine: raw.mine === true ? true : undefined,
    page: typeof raw.page === 'number' && Number.isSafeInteger(raw.page) && raw.page > 1 ? raw.page : undefined,
  };
}

/** Whether any filter is set (the page aside). */
export function hasFilters(search: SpecimenSearch): boolean {
  return Object.entries(search).some(([key, value]) => key !== 'page' && value !== undefined);
}

/** The API query for a list URL: its filters, the dates as instants of the local day, the page as limit/offset. */
export function specimenListQueryFor(search: SpecimenSearch): SpecimenListQuery {
  const query: SpecimenListQuery = { limit: PAGE_SIZE, offset: ((search.page ?? 1) - 1) * PAGE_SIZE };
  if (search.portCode) query.portCode = search.portCode;
  if (search.status) query.status = search.status;
  if (search.siteType) query.siteType = search.siteType;
  const from = search.from ? dateToIso(search.from, false) : undefined;
  const to = search.to ? dateToIso(search.to, true) : undefined;
  if (from) query.from = from;
  if (to) query.to = to;
  if (search.mine) query.mine = true;
  return query;
}
