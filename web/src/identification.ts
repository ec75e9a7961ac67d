// Helpers for showing the automatic identification: taxon typography, percentages, and keeping
// the freshest identification when a fetched specimen and a pushed one race each other.
import type { Specimen, SpecimenIdentification } from '@contract';
import { localeFor, type Language } from './i18n';

/** The taxon the server answers when the models reject the image (no confident label). */
export const UNKNOWN_TAXON = 'unknown';
export const NOT_VECTOR_TAXON = 'not_vector';

/** Ranks above genus are written upright; their names end like this (family, subfamily, tribe, order…). */
const SUPRAGENERIC_ENDINGS = ['idae', 'inae', 'ini', 'oidea', 'formes', 'ptera', 'odea'];
const SUPRAGENERIC_NAMES = new Set([
  'Acari',
  'Acarina',
  'Arachnida',
  'Arthropoda',
  'Insecta',
  'Ixodida',
  'Mammalia',
  'Parasitiformes',
  'Rodentia',
]);

/**
 * Whether a scientific name is a genus, species (or subspecies) name, which are written in italics:
 * `Culex`, `Ixodes scapularis` yes; `Culicidae`, `Ixodida`, `not_vector`, `unknown` no.
 */
export function isItalicTaxon(taxon: string): boolean {
  const words = taxon.trim().split(/\s+/);
  const [genus, ...rest] = words;
  if (!genus || !/^[A-Z][a-z]+$/.test(genus)) return false;
  if (rest.length > 0) return rest.every((word) => /^(\(?[A-Z][a-z]+\)?|[a-z][a-z-]+)$/.test(word));
  if (SUPRAGENERIC_NAMES.has(genus)) return false;
  return !SUPRAGENERIC_ENDINGS.some((ending) => genus.endsWith(ending));
}

/** A probability (0–1) as a percentage in the UI language, e.g. `87.3%`; tiny non-zero values show as `<0.1%`. */
export function formatPercent(p: number, lng: Language): string {
  const value = Number.isFinite(p) ? Math.max(0, Math.min(1, p)) : 0;
  const nf = new Intl.NumberFormat(localeFor(lng), { style: 'percent', maximumFractionDigits: 1 });
  if (value > 0 && value < 0.001) return `<${nf.format(0.001)}`;
  return nf.format(value);
}

/** The probability (0–1) as a percentage (one decimal) for bar widths and aria-valuenow. */
export function percentValue(p: number): number {
  if (!Number.isFinite(p)) return 0;
  return Math.round(Math.max(0, Math.min(1, p)) * 1000) / 10;
}

export function isCompleted(identification: SpecimenIdentification | null | undefined): boolean {
  return identification?.status === 'done' || identification?.status === 'failed';
}

/** The fresher of two identifications of the same specimen: a newer request wins, then a finished one. */
function fresherIdentification(
  current: SpecimenIdentification | null,
  incoming: SpecimenIdentification | null,
): SpecimenIdentification | null {
  if (!current || !incoming) return incoming ?? current;
  const currentAt = Date.parse(current.requestedAt);
  const incomingAt = Date.parse(incoming.requestedAt);
  if (incomingAt !== currentAt) return incomingAt > currentAt ? incoming : current;
  if (isCompleted(current) && !isCompleted(incoming)) return current;
  return incoming;
}

/**
 * Replaces `current` by `incoming` (both the same specimen), but never lets an identification go back
 * from finished to pending: a GET answered before the `identification.completed` push may arrive after it.
 */
export function mergeSpecimen(current: Specimen | null | undefined, incoming: Specimen): Specimen {
  if (!current || current.id !== incoming.id) return incoming;
  const identification = fresherIdentification(current.identification ?? null, incoming.identification ?? null);
  return identification === incoming.identification ? incoming : { ...incoming, identification };
}
