import type { BankEntry, BankLookAlike, BankSpecimen, SpecimenTeachingMark } from '../contract/index.js';
import { confirmingNotes, type BankSpecimenRecord, type TeachingMarkRecord } from '../domain/specimen-bank.js';
import type { BankEntryRecord, BankLookAlikeRecord } from '../services/specimen-bank.service.js';
import { presentImage, presentRoomEvent } from './index.js';
import { presentTaxon } from './taxa.js';

export function presentTeachingMark(mark: TeachingMarkRecord): SpecimenTeachingMark {
  return { ...mark, markedAt: mark.markedAt.toISOString() };
}

export function presentBankSpecimen({ specimen, listing, stills }: BankSpecimenRecord): BankSpecimen {
  const images = new Map(specimen.images.map((image) => [image.id, presentImage(image)]));
  return {
    id: specimen.id,
    port: specimen.port,
    collectedAt: specimen.collectedAt.toISOString(),
    confirmedAt: listing.confirmedAt.toISOString(),
    lifeStage: specimen.lifeStage,
    sex: specimen.sex,
    images: [...images.values()],
    expertNotes: confirmingNotes(specimen.identifications, listing.taxonId).map((note) => ({ ...note, at: note.at.toISOString() })),
    mark: listing.mark && presentTeachingMark(listing.mark),
    stills: stills.flatMap((still) => {
      const image = images.get(still.imageId);
      if (!image) return [];
      return [
        {
          roomId: still.roomId,
          roomTitle: still.roomTitle,
          image,
          sharedBy: still.sharedBy,
          sharedAt: still.sharedAt.toISOString(),
          annotations: still.annotations.map(presentRoomEvent),
        },
      ];
    }),
  };
}

function presentLookAlike(lookAlike: BankLookAlikeRecord): BankLookAlike {
  return {
    taxon: lookAlike.taxon,
    confusions: lookAlike.confusions,
    sibling: lookAlike.sibling,
    specimens: lookAlike.specimens,
    photos: lookAlike.photos.flatMap(({ specimenId, images: [first] }) => (first ? [{ specimenId, image: presentImage(first) }] : [])),
  };
}

export function presentBankEntry(entry: BankEntryRecord, page: { limit: number; offset: number }): BankEntry {
  return {
    taxon: presentTaxon(entry.taxon),
    specimens: { items: entry.specimens.items.map(presentBankSpecimen), total: entry.specimens.total, ...page },
    lookAlikes: entry.lookAlikes.map(presentLookAlike),
  };
}
