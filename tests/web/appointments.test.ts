// The appointment pages' pure parts: the day or week a schedule shows and its URL, slots grouped by local day, which
// slots and appointments can still be booked or changed, and the new-slot form. Days are local, whatever the time zone.
import { describe, expect, it } from 'vitest';
import {
  addDays,
  checkSlotDraft,
  dayKeyOf,
  dayStart,
  isChangeable,
  MAX_SLOT_CAPACITY,
  parseScheduleSearch,
  periodOf,
  slotsByDay,
  slotState,
  weekStartOf,
} from '../../web/src/appointments';

const localIso = (year: number, month: number, day: number, hours = 0, minutes = 0) =>
  new Date(year, month - 1, day, hours, minutes).toISOString();

describe('days and weeks', () => {
  it('reads yyyy-mm-dd as a local day, refusing days that do not exist', () => {
    expect(dayStart('2026-03-02')?.getTime()).toBe(new Date(2026, 2, 2).getTime());
    expect(dayStart('2026-02-30')).toBeUndefined();
    expect(dayStart('2026-2-3')).toBeUndefined();
    expect(dayStart('yesterday')).toBeUndefined();
    expect(dayKeyOf(new Date(2026, 0, 5, 23, 59))).toBe('2026-01-05');
  });

  it('steps across months and years', () => {
    expect(addDays('2026-01-31', 1)).toBe('2026-02-01');
    expect(addDays('2026-12-29', 7)).toBe('2027-01-05');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });

  it('starts weeks on Monday', () => {
    expect(weekStartOf('2026-03-04')).toBe('2026-03-02'); // a Wednesday
    expect(weekStartOf('2026-03-02')).toBe('2026-03-02'); // the Monday itself
    expect(weekStartOf('2026-03-08')).toBe('2026-03-02'); // the Sunday ends it
    expect(weekStartOf('2027-01-01')).toBe('2026-12-28'); // across a year's end
  });

  it('covers a day, or Monday to Sunday, from midnight to the midnight after', () => {
    expect(periodOf('2026-03-04', 'day')).toEqual({
      days: ['2026-03-04'],
      query: { from: localIso(2026, 3, 4), to: localIso(2026, 3, 5) },
    });
    const week = periodOf('2026-03-04', 'week');
    expect(week.days).toEqual(['2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05', '2026-03-06', '2026-03-07', '2026-03-08']);
    expect(week.query).toEqual({ from: localIso(2026, 3, 2), to: localIso(2026, 3, 9) });
  });

  it('keeps what the URL says that makes sense and drops the rest', () => {
    const lab = '3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f';
    expect(parseScheduleSearch({ lab, day: '2026-03-04', view: 'day' })).toEqual({ lab, day: '2026-03-04', view: 'day' });
    expect(parseScheduleSearch({ lab: 'x', day: '2026-13-01', view: 'month' })).toEqual({
      lab: undefined,
      day: undefined,
      view: undefined,
    });
    expect(parseScheduleSearch({})).toEqual({ lab: undefined, day: undefined, view: undefined });
  });
});

describe('slots and appointments', () => {
  const now = new Date(2026, 2, 4, 12, 0);

  it('groups slots by the local day they start on, keeping their order and leaving out other days', () => {
    const slots = [
      { id: 'a', startsAt: localIso(2026, 3, 2, 9) },
      { id: 'b', startsAt: localIso(2026, 3, 2, 23, 30) },
      { id: 'c', startsAt: localIso(2026, 3, 4, 0, 0) },
      { id: 'd', startsAt: localIso(2026, 3, 9, 9) },
    ];
    const byDay = slotsByDay(slots, periodOf('2026-03-04', 'week').days);
    expect(byDay.get('2026-03-02')?.map((slot) => slot.id)).toEqual(['a', 'b']);
    expect(byDay.get('2026-03-03')).toEqual([]);
    expect(byDay.get('2026-03-04')?.map((slot) => slot.id)).toEqual(['c']);
    expect([...byDay.values()].flat()).toHaveLength(3);
  });

  it('offers a slot while it has a free place and has not started', () => {
    expect(slotState({ startsAt: localIso(2026, 3, 4, 14), free: 2 }, now)).toBe('open');
    expect(slotState({ startsAt: localIso(2026, 3, 4, 14), free: 0 }, now)).toBe('full');
    expect(slotState({ startsAt: localIso(2026, 3, 4, 12), free: 2 }, now)).toBe('started');
  });

  it('lets booked appointments change until their slot starts', () => {
    const at = (hours: number) => ({ startsAt: localIso(2026, 3, 4, hours), endsAt: localIso(2026, 3, 4, hours + 1) });
    expect(isChangeable({ status: 'booked', slot: { id: 's', labId: 'l', ...at(13) } }, now)).toBe(true);
    expect(isChangeable({ status: 'cancelled', slot: { id: 's', labId: 'l', ...at(13) } }, now)).toBe(false);
    expect(isChangeable({ status: 'booked', slot: { id: 's', labId: 'l', ...at(11) } }, now)).toBe(false);
  });
});

describe('the new-slot form', () => {
  const draft = { day: '2026-03-04', start: '09:00', end: '10:30', capacity: '4' };

  it('describes the slot in local time', () => {
    expect(checkSlotDraft(draft)).toEqual({
      kind: 'ok',
      body: { startsAt: localIso(2026, 3, 4, 9), endsAt: localIso(2026, 3, 4, 10, 30), capacity: 4 },
    });
  });

  it('says what is wrong: a missing field, an end before the start, places the contract does not take', () => {
    expect(checkSlotDraft({ ...draft, start: '' })).toEqual({ kind: 'incomplete' });
    expect(checkSlotDraft({ ...draft, day: '2026-02-30' })).toEqual({ kind: 'incomplete' });
    expect(checkSlotDraft({ ...draft, capacity: ' ' })).toEqual({ kind: 'incomplete' });
    expect(checkSlotDraft({ ...draft, end: '09:00' })).toEqual({ kind: 'ends-before-start' });
    expect(checkSlotDraft({ ...draft, end: '08:00' })).toEqual({ kind: 'ends-before-start' });
    expect(checkSlotDraft({ ...draft, capacity: '0' })).toEqual({ kind: 'bad-capacity' });
    expect(checkSlotDraft({ ...draft, capacity: '2.5' })).toEqual({ kind: 'bad-capacity' });
    expect(MAX_SLOT_CAPACITY).toBe(1000);
    expect(checkSlotDraft({ ...draft, capacity: String(MAX_SLOT_CAPACITY + 1) })).toEqual({ kind: 'bad-capacity' });
  });
});
