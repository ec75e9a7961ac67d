// The specimen list's address: which filters, order and page a URL's search stands for, and the API query it asks.
import { describe, expect, it } from 'vitest';
import { dateToIso } from '../../web/src/format';
import { hasFilters, PAGE_SIZE, parseSpecimenSearch, specimenListQueryFor, surveillanceFiltersFor } from '../../web/src/specimen-search';

const everyFilter = {
  taxon: 'Aedes albopictus',
  group: 'mosquito',
  portCode: 'CNNGB-BL',
  district: 'NB',
  siteType: 'ship',
  trapMethod: 'light_trap',
  status: 'confirmed',
  from: '2026-11-01',
  to: '2026-11-30',
  confidence: 'high',
  queue: 'critical',
  identifiedBy: 'expert',
};

describe('the specimen list search', () => {
  it('keeps every valid filter, the order, "mine" and the page', () => {
    expect(parseSpecimenSearch({ ...everyFilter, mine: true, sort: '-confidence', page: 3 })).toEqual({
      ...everyFilter,
      mine: true,
      sort: '-confidence',
      page: 3,
    });
  });

  it('answers every key, undefined where unset, so the router drops the raw values', () => {
    const parsed = parseSpecimenSearch({});
    expect(Object.keys(parsed).sort()).toEqual([...Object.keys(everyFilter), 'mine', 'sort', 'page'].sort());
    expect(Object.values(parsed).every((value) => value === undefined)).toBe(true);
  });

  it('drops values that are not valid instead of refusing the address', () => {
    const parsed = parseSpecimenSearch({
      taxon: 'x'.repeat(201),
      group: 'dragon',
      portCode: '',
      district: 42,
      siteType: 'moon',
      trapMethod: 'net',
      status: 'lost',
      from: '2026-13-45',
      to: 'yesterday',
      confidence: 'certain',
      queue: 'urgent',
      identifiedBy: 'oracle',
      mine: 'true',
      sort: 'name',
      page: 1.5,
    });
    expect(Object.values(parsed).every((value) => value === undefined)).toBe(true);
  });

  it('leaves the default order and the first page out of the address', () => {
    expect(parseSpecimenSearch({ sort: '-createdAt', page: 1 })).toMatchObject({ sort: undefined, page: undefined });
    expect(parseSpecimenSearch({ page: 0 }).page).toBeUndefined();
  });

  it('counts filters, not the order or the page', () => {
    expect(hasFilters(parseSpecimenSearch({ sort: 'collectedAt', page: 2 }))).toBe(false);
    expect(hasFilters(parseSpecimenSearch({ confidence: 'low' }))).toBe(true);
    expect(hasFilters(parseSpecimenSearch({ mine: true }))).toBe(true);
  });
});

describe('the API query of a list address', () => {
  it('sends every filter set, the local days as instants, the order and the page as limit/offset', () => {
    const search = parseSpecimenSearch({ ...everyFilter, mine: true, sort: 'collectedAt', page: 2 });
    expect(specimenListQueryFor(search)).toEqual({
      ...everyFilter,
      from: dateToIso('2026-11-01', false),
      to: dateToIso('2026-11-30', true),
      mine: true,
      sort: 'collectedAt',
      limit: PAGE_SIZE,
      offset: PAGE_SIZE,
    });
  });

  it('sends nothing unset: an empty search is the first page in the default order', () => {
    expect(specimenListQueryFor(parseSpecimenSearch({}))).toEqual({ limit: PAGE_SIZE, offset: 0 });
  });

  it('gives the statistics the same filters without the list’s own keys', () => {
    expect(surveillanceFiltersFor(parseSpecimenSearch({ taxon: 'Culex', to: '2026-11-30' }))).toEqual({
      taxon: 'Culex',
      to: dateToIso('2026-11-30', true),
    });
  });
});
