// The audit trail's filters and page, as they stand in its URL (`#/admin/audit?entityType=user&page=2`): a filtered
// trail is a link, and Back/Forward move between filter states. Values that are not valid are dropped, not refused.
import { AUDIT_ENTITY_TYPES, type AuditEntityType, type AuditQuery } from '@contract';
import { dateToIso } from './format';

export const AUDIT_PAGE_SIZE = 50;

export interface AuditSearch {
  /** Part of the action (`created`, `user.`). */
  action?: string | undefined;
  entityType?: AuditEntityType | undefined;
  /** yyyy-mm-dd, local: changed on or after that day. */
  from?: string | undefined;
  /** yyyy-mm-dd, local: changed on or before that day. */
  to?: string | undefined;
  /** 1-based; absent on the first page. */
  page?: number | undefined;
}

function day(raw: unknown): string | undefined {
  return typeof raw === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(raw) && dateToIso(raw, false) ? raw : undefined;
}

/** The route's `validateSearch`: every key answered, `undefined` where unset or invalid. */
export function parseAuditSearch(raw: Record<string, unknown>): AuditSearch {
  return {
    action: typeof raw.action === 'string' && raw.action.length > 0 && raw.action.length <= 100 ? raw.action : undefined,
    entityType: AUDIT_ENTITY_TYPES.find((type) => type === raw.entityType),
    from: day(raw.from),
    to: day(raw.to),
    page: typeof raw.page === 'number' && Number.isSafeInteger(raw.page) && raw.page > 1 ? raw.page : undefined,
  };
}

/** The API query for a trail URL: its filters (the days as instants of the local day), the page as limit/offset. */
export function auditQueryFor({ action, entityType, from, to, page }: AuditSearch): Partial<AuditQuery> {
  const query: Partial<AuditQuery> = { limit: AUDIT_PAGE_SIZE, offset: ((page ?? 1) - 1) * AUDIT_PAGE_SIZE };
  if (action?.trim()) query.action = action.trim();
  if (entityType) query.entityType = entityType;
  const fromInstant = from ? dateToIso(from, false) : undefined;
  const toInstant = to ? dateToIso(to, true) : undefined;
  if (fromInstant) query.from = fromInstant;
  if (toInstant) query.to = toInstant;
  return query;
}
