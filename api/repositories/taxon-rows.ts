import type { Kysely, Selectable } from 'kysely';
import type { Database, TaxaTable, TaxonRow } from '../db/schema.js';
import { lineageIds, type TaxonRecord } from '../domain/taxon.js';
import type { VectorGroup } from '../domain/vocabulary.js';

/** The `taxa` columns a {@link TaxonRecord} is made from. */
export const TAXON_COLUMNS = [
  // Aliased: rows joined with taxa have an `id` of their own.
  'taxa.id as taxon_id',
  'taxa.rank',
  'taxa.parent_id',
  'taxa.group',
  'taxa.name_zh',
  'taxa.name_en',
  'taxa.synonyms',
  'taxa.diseases',
  'taxa.lineage',
  'taxa.watch_list',
  'taxa.updated_at',
] as const;

export type TaxonColumns = { taxon_id: string } & Pick<
  Selectable<TaxaTable>,
  'rank' | 'parent_id' | 'group' | 'name_zh' | 'name_en' | 'synonyms' | 'diseases' | 'lineage' | 'watch_list' | 'updated_at'
>;

export function taxonRecord(row: TaxonColumns): TaxonRecord {
  return {
    id: row.taxon_id,
    rank: row.rank,
    parentId: row.parent_id,
    group: row.group as VectorGroup,
    nameZh: row.name_zh,
    nameEn: row.name_en,
    synonyms: row.synonyms,
    diseases: row.diseases,
    lineage: lineageIds(row.lineage),
    watchList: row.watch_list,
    updatedAt: row.updated_at,
  };
}

/** A whole `taxa` row (`selectAll`) as a record. */
export const taxonRecordOfRow = (row: TaxonRow): TaxonRecord => taxonRecord({ ...row, taxon_id: row.id });

/** One taxon by id, inside the caller's transaction or not. */
export async function findTaxon(executor: Kysely<Database>, id: string): Promise<TaxonRecord | undefined> {
  const row = await executor.selectFrom('taxa').select(TAXON_COLUMNS).where('taxa.id', '=', id).executeTakeFirst();
  return row && taxonRecord(row);
}
