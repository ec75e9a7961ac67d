// Display helpers that depend on the current language.
import type { GeoPosition, PortRef, Unit } from '@contract';
import { localeFor, type Language } from './i18n';

export function portName(port: Pick<PortRef, 'nameZh' | 'nameEn'>, lng: Language): string {
  return (lng === 'zh' ? port.nameZh : port.nameEn) || port.nameEn || port.nameZh;
}

export function unitName(unit: Pick<Unit, 'nameZh' | 'nameEn'>, lng: Language): string {
  return (lng === 'zh' ? unit.nameZh : unit.nameEn) || unit.nameEn || unit.nameZh;
}

export function portLabel(port: Pick<PortRef, 'code' | 'nameZh' | 'nameEn'>, lng: Language): string {
  return `${port.code} · ${portName(port, lng)}`;
}

/** Latitude, longitude in signed decimal degrees, as maps and GPS units take them (five decimals: about a metre). */
export function formatCoordinates({ latitude, longitude }: GeoPosition): string {
  return `${latitude.toFixed(5)}, ${longitude.toFixed(5)}`;
}

export function formatDateTime(iso: string | null | undefined, lng: Language): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(localeFor(lng), { dateStyle: 'medium', timeStyle: 'short' }).format(d);
}

export function formatBytes(bytes: number, lng: Language): string {
  const nf = new Intl.NumberFormat(localeFor(lng), { maximumFractionDigits: 1 });
  if (bytes < 1024) return `${nf.format(bytes)} B`;
  if (bytes < 1024 * 1024) return `${nf.format(bytes / 1024)} KB`;
  return `${nf.format(bytes / (1024 * 1024))} MB`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** Value for <input type="datetime-local"> in local time, minute precision. */
export function toDateTimeLocalValue(date: Date): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** datetime-local value (local time) -> ISO 8601 UTC, or null if invalid. */
export function dateTimeLocalToIso(value: string): string | null {
  if (!value) return null;
  const d = new Date(value); // "YYYY-MM-DDTHH:mm" without offset is parsed as local time
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** <input type="date"> value -> ISO timestamp at the start (or end) of that local day. */
export function dateToIso(value: string, endOfDay: boolean): string | undefined {
  if (!value) return undefined;
  const d = new Date(`${value}T00:00:00`);
  if (Number.isNaN(d.getTime())) return undefined;
  if (endOfDay) d.setHours(23, 59, 59, 999);
  return d.toISOString();
}

/** A slot's time of day, start to end, in local time (`09:00–10:30`). */
export function formatTimeRange(startsAt: string, endsAt: string, lng: Language): string {
  const time = new Intl.DateTimeFormat(localeFor(lng), { hour: '2-digit', minute: '2-digit' });
  return `${time.format(new Date(startsAt))}–${time.format(new Date(endsAt))}`;
}

/** A local day (`yyyy-mm-dd`) as a heading: weekday and date. */
export function formatDay(day: string, lng: Language): string {
  const date = new Date(`${day}T00:00:00`);
  if (Number.isNaN(date.getTime())) return day;
  return new Intl.DateTimeFormat(localeFor(lng), { weekday: 'short', month: 'short', day: 'numeric' }).format(date);
}
