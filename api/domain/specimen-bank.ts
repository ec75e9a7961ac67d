import type { IdentificationHistoryEntry } from './identification.js';
import type { PersonRef, RoomEventRecordRow } from './room.js';
import type { SpecimenImageRecord, SpecimenRecord } from './specimen.js';
import type { Role, TaxonRank, TeachingMark, VectorGroup } from './vocabulary.js';

/** A taxon as the bank names it: its names in both languages and where it sits. */
export interface BankTaxonRefRecord {
  id: string;
  rank: TaxonRank;
  group: VectorGroup;
  nameZh: string;
  nameEn: string;
  watchList: boolean;
}

export interface BankTaxonRecord {
  taxon: BankTaxonRefRecord;
  specimens: number;
  examples: number;
}

export interface TeachingMarkRecord {
  mark: TeachingMark;
  note: string | null;
  markedBy: PersonRef;
  markedAt: Date;
}

/** A confirmed specimen of the bank as the listing finds it, before its details are read. */
export interface BankListing {
  specimenId: string;
  taxonId: string;
  confirmedAt: Date;
  mark: TeachingMarkRecord | null;
}

/** A photo of a specimen shared as a consultation's still, with the annotations left on it. */
export interface ConsultationStillRecord {
  roomId: string;
  roomTitle: string;
  imageId: string;
  sharedBy: string;
  sharedAt: Date;
  annotations: RoomEventRecordRow[];
}

export interface BankSpecimenRecord {
  specimen: SpecimenRecord;
  listing: BankListing;
  stills: ConsultationStillRecord[];
}

/**
 * A confirmed specimen fit to teach with (ADR 0027): it has a taxon and a photo, and no expert hid it. What practice
 * sets, class quizzes and the bank's look-alike photos draw from.
 */
export interface TeachingSpecimen {
  specimenId: string;
  taxonId: string;
  example: boolean;
  lifeStage: string | null;
  collectedAt: Date;
  images: SpecimenImageRecord[];
}

/** Experts and administrators mark specimens and see the hidden ones (to unhide them); no one else meets a hidden specimen. */
export const marksTeachingSpecimens = (role: Role) => role === 'expert' || role === 'admin';

/** Experts' remarks on naming a specimen the taxon it was confirmed as, oldest first (the AI's answers carry none). */
export function confirmingNotes(history: readonly IdentificationHistoryEntry[], taxonId: string) {
  return history
    .filter((entry) => entry.source === 'expert' && entry.taxon === taxonId && entry.author && entry.notes?.trim())
    .map((entry) => ({ author: entry.author!, notes: entry.notes!.trim(), at: entry.createdAt }))
    .toSorted((a, b) => a.at.getTime() - b.at.getTime());
}

/**
 * The stills of one consultation with the annotations drawn on each, from its `still`, `annotation` and
 * `annotations-cleared` events on the still (marks over live video excluded), oldest first: an annotation belongs to
 * the still shared last before it, and a clear wipes that still's marks, as the people in the room saw it.
 */
export function annotatedStills(events: readonly RoomEventRecordRow[]): { still: RoomEventRecordRow; annotations: RoomEventRecordRow[] }[] {
  const stills: { still: RoomEventRecordRow; annotations: RoomEventRecordRow[] }[] = [];
  for (const event of events) {
    const current = stills.at(-1);
    if (event.kind === 'still') stills.push({ still: event, annotations: [] });
    else if (current && event.kind === 'annotation') current.annotations.push(event);
    else if (current && event.kind === 'annotations-cleared') current.annotations = [];
  }
  return stills;
}
