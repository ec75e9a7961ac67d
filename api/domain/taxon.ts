import type { TaxonRank, VectorGroup } from './vocabulary.js';

/** A taxon of the curated table, as services and presenters see it. */
export interface TaxonRecord {
  id: string;
  rank: TaxonRank;
  parentId: string | null;
  group: VectorGroup;
  nameZh: string;
  nameEn: string;
  synonyms: string[];
  diseases: { nameZh: string; nameEn: string }[];
  /** Its ancestors and itself, broadest first. */
  lineage: string[];
  watchList: boolean;
  updatedAt: Date;
}

/** `/Culicidae/Aedes/Aedes albopictus/` → its ids, broadest first. */
export const lineageIds = (lineagePath: string) => lineagePath.split('/').filter(Boolean);

/** Ids broadest first → the stored lineage path (`/Culicidae/Aedes/Aedes albopictus/`). */
export const lineagePath = (ids: readonly string[]) => `/${ids.join('/')}/`;
