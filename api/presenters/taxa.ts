import type { Taxon } from '../contract/index.js';
import type { TaxonRow } from '../db/schema.js';

export function presentTaxon(row: TaxonRow): Taxon {
  return {
    id: row.id,
    rank: row.rank,
    parentId: row.parent_id,
    group: row.group,
    nameZh: row.name_zh,
    nameEn: row.name_en,
    synonyms: row.synonyms,
    diseases: row.diseases,
    // `/Culicidae/Aedes/Aedes albopictus/` → its ids, broadest first (taxon ids hold no slash).
    lineage: row.lineage.split('/').filter(Boolean),
    watchList: row.watch_list,
    updatedAt: row.updated_at.toISOString(),
  };
}
