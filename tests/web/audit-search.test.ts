// The audit trail's address: which filters and page a URL's search stands for, and the API query it asks.
import { describe, expect, it } from 'vitest';
import { AUDIT_PAGE_SIZE, auditQueryFor, parseAuditSearch } from '../../web/src/audit-search';
import { dateToIso } from '../../web/src/format';

describe('the audit trail search', () => {
  it('keeps every valid filter and the page', () => {
    const search = { action: 'user.', entityType: 'user', from: '2026-11-01', to: '2026-11-30', page: 3 };
    expect(parseAuditSearch(search)).toEqual(search);
  });

  it('drops what is not valid rather than refusing the address', () => {
    expect(parseAuditSearch({ action: '', entityType: 'spaceship', from: '2026-13-45', to: 'tomorrow', page: 1 })).toEqual({
      action: undefined,
      entityType: undefined,
      from: undefined,
      to: undefined,
      page: undefined,
    });
    expect(parseAuditSearch({ action: 'x'.repeat(101), page: 2.5 })).toMatchObject({ action: undefined, page: undefined });
  });

  it('asks for the page as limit/offset and the days as instants from the start of the first to the end of the last', () => {
    expect(auditQueryFor({ action: '  created ', entityType: 'unit', from: '2026-11-01', to: '2026-11-30', page: 2 })).toEqual({
      action: 'created',
      entityType: 'unit',
      from: dateToIso('2026-11-01', false),
      to: dateToIso('2026-11-30', true),
      limit: AUDIT_PAGE_SIZE,
      offset: AUDIT_PAGE_SIZE,
    });
    expect(auditQueryFor({ action: '   ' })).toEqual({ limit: AUDIT_PAGE_SIZE, offset: 0 });
  });
});
