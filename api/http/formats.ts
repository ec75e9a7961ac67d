import type { Ajv } from 'ajv';
import { Format } from 'typebox/format';

// The string formats of the wire contract, defined once for both validators: Ajv (routes) and TypeBox's compiler
// (multipart JSON fields, room signalling). Each accepts only what PostgreSQL and `new Date` take as the same value.

/** A plain UUID: no `urn:uuid:` prefix, no braces (PostgreSQL refuses the prefix, which ajv-formats accepts). */
const UUID = /^[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}$/i;

/** RFC 3339: date, `T`, time to the second with an optional fraction, and `Z` or a numeric offset; no `[Zone]` suffix. */
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(?:Z|[+-](\d{2}):(\d{2}))$/i;
const FIRST_INSTANT = Date.parse('0001-01-01T00:00:00Z');
const END_OF_INSTANTS = Date.parse('+010000-01-01T00:00:00Z');

/**
 * A real instant: a day that exists, no leap second (`:60`, which `Date` cannot hold), and within years 1–9999 in UTC
 * (PostgreSQL has no year 0000).
 */
function isInstant(value: string): boolean {
  const match = DATE_TIME.exec(value);
  if (!match) return false;
  const [year, month, day, hour, minute, second, offsetHours = 0, offsetMinutes = 0] = match.slice(1).map((digits) => Number(digits ?? 0));
  const calendarDay = new Date(0);
  calendarDay.setUTCFullYear(year!, month! - 1, day);
  const dayExists = calendarDay.getUTCMonth() === month! - 1 && calendarDay.getUTCDate() === day;
  if (!dayExists || hour! > 23 || minute! > 59 || second! > 59 || offsetHours > 23 || offsetMinutes > 59) return false;
  const instant = Date.parse(value.toUpperCase());
  return instant >= FIRST_INSTANT && instant < END_OF_INSTANTS;
}

export const FORMATS: Readonly<Record<string, (value: string) => boolean>> = {
  uuid: (value) => UUID.test(value),
  'date-time': isInstant,
};

// TypeBox compiles a schema's format check in at `Compile` time: set before any module compiles one (importers of
// this module, so their `Compile` runs after this line).
for (const [name, check] of Object.entries(FORMATS)) Format.Set(name, check);

/** Puts this API's formats into `ajv`, replacing any of the same name. */
export function withContractFormats(ajv: Ajv): Ajv {
  for (const [name, check] of Object.entries(FORMATS)) ajv.addFormat(name, { type: 'string', validate: check });
  return ajv;
}
