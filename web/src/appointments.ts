// Sample submission appointments in the browser: the day or week a schedule shows (local days, weeks from Monday), as it
// stands in the URL (`#/appointments?lab=…&day=2026-05-04`), which slots can still be booked, what may still be done
// with an appointment, and the slot a lab manager's form describes.
import { LabSlotBody, type Appointment, type LabSlot, type ScheduleQuery } from '@contract';

export const SCHEDULE_VIEWS = ['day', 'week'] as const;
export type ScheduleView = (typeof SCHEDULE_VIEWS)[number];

export interface ScheduleSearch {
  /** The lab shown; the first of the page's labs when left out. */
  lab?: string | undefined;
  /** yyyy-mm-dd, local: the day shown, or a day of the week shown; today when left out. */
  day?: string | undefined;
  /** The lab schedule's view (the booking page always shows a week); a week when left out. */
  view?: ScheduleView | undefined;
}

const DAY_KEY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The local midnight that starts a yyyy-mm-dd day, or undefined when it names no day. */
export function dayStart(key: string): Date | undefined {
  const match = DAY_KEY.exec(key);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(year, month - 1, day);
  return date.getFullYear() === year && date.getMonth() === month - 1 && date.getDate() === day ? date : undefined;
}

const pad = (value: number) => String(value).padStart(2, '0');

/** The local day an instant falls on, as yyyy-mm-dd. */
export function dayKeyOf(date: Date): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** The day `days` after (before, when negative) a yyyy-mm-dd day. */
export function addDays(key: string, days: number): string {
  const date = dayStart(key) ?? new Date();
  date.setDate(date.getDate() + days);
  return dayKeyOf(date);
}

/** The Monday of the day's week. */
export function weekStartOf(key: string): string {
  const date = dayStart(key) ?? new Date();
  return addDays(dayKeyOf(date), -((date.getDay() + 6) % 7));
}

/** The route's `validateSearch`: every key answered, `undefined` where unset or invalid. */
export function parseScheduleSearch(raw: Record<string, unknown>): ScheduleSearch {
  return {
    lab: typeof raw.lab === 'string' && /^[0-9a-f-]{36}$/i.test(raw.lab) ? raw.lab : undefined,
    day: typeof raw.day === 'string' && dayStart(raw.day) ? raw.day : undefined,
    view: SCHEDULE_VIEWS.find((view) => view === raw.view),
  };
}

export interface Period {
  /** The days shown, yyyy-mm-dd, in order. */
  days: string[];
  /** The schedule query covering them: from the first day's midnight to the midnight after the last. */
  query: ScheduleQuery;
}

/** The day itself, or the week (Monday to Sunday) it falls in. */
export function periodOf(day: string, view: ScheduleView): Period {
  const first = view === 'day' ? day : weekStartOf(day);
  const days = Array.from({ length: view === 'day' ? 1 : 7 }, (_, index) => addDays(first, index));
  const from = dayStart(first) ?? new Date();
  const to = dayStart(addDays(days.at(-1) ?? first, 1)) ?? new Date();
  return { days, query: { from: from.toISOString(), to: to.toISOString() } };
}

/** The slots of each day shown, by the local day they start on, in the order given (the server's: earliest first). */
export function slotsByDay<S extends Pick<LabSlot, 'startsAt'>>(slots: readonly S[], days: readonly string[]): Map<string, S[]> {
  const byDay = new Map(days.map((day) => [day, [] as S[]]));
  for (const slot of slots) byDay.get(dayKeyOf(new Date(slot.startsAt)))?.push(slot);
  return byDay;
}

export type SlotState = 'open' | 'full' | 'started';

/** Whether a slot can still be booked: not once it has started, nor when no place is free. */
export function slotState(slot: Pick<LabSlot, 'startsAt' | 'free'>, now: Date): SlotState {
  if (new Date(slot.startsAt) <= now) return 'started';
  return slot.free > 0 ? 'open' : 'full';
}

/** Whether an appointment can still be moved, changed or cancelled: booked, and its slot not started. */
export function isChangeable(appointment: Pick<Appointment, 'status' | 'slot'>, now: Date): boolean {
  return appointment.status === 'booked' && new Date(appointment.slot.startsAt) > now;
}

/** What a lab manager's new-slot form holds: a day, local start and end times (HH:MM) and a capacity, as typed. */
export interface SlotDraft {
  day: string;
  start: string;
  end: string;
  capacity: string;
}

export type SlotDraftCheck =
  { kind: 'ok'; body: LabSlotBody } | { kind: 'incomplete' } | { kind: 'ends-before-start' } | { kind: 'bad-capacity' };

/** The most places a slot may have (the contract's). */
export const MAX_SLOT_CAPACITY = (LabSlotBody.properties.capacity as { maximum?: number }).maximum ?? Number.MAX_SAFE_INTEGER;

const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

function at(day: string, time: string): Date | undefined {
  const date = dayStart(day);
  const match = TIME.exec(time);
  if (!date || !match) return undefined;
  date.setHours(Number(match[1]), Number(match[2]));
  return date;
}

/** The slot a draft describes, or what is wrong with it (the server checks again, and refuses slots in the past). */
export function checkSlotDraft(draft: SlotDraft): SlotDraftCheck {
  const startsAt = at(draft.day, draft.start);
  const endsAt = at(draft.day, draft.end);
  if (!startsAt || !endsAt || draft.capacity.trim() === '') return { kind: 'incomplete' };
  if (endsAt <= startsAt) return { kind: 'ends-before-start' };
  const capacity = Number(draft.capacity);
  if (!Number.isInteger(capacity) || capacity < 1 || capacity > MAX_SLOT_CAPACITY) return { kind: 'bad-capacity' };
  return { kind: 'ok', body: { startsAt: startsAt.toISOString(), endsAt: endsAt.toISOString(), capacity } };
}
