import { sql, type Kysely, type Transaction } from 'kysely';
import type { Taxon, Taxonomy } from '../../datasets/taxonomy.js';
import type { Database, TaxonRow } from '../db/schema.js';
import { TAXON_RANKS, type TaxonRank, type VectorGroup } from '../domain/vocabulary.js';
import type { TaxonRecord } from '../domain/taxon.js';
import { escapeLike } from './scope-filter.js';
import { findTaxon, taxonRecordOfRow } from './taxon-rows.js';

export interface TaxonSearch {
  /** Trimmed and lower-cased; empty lists by the filters alone. */
  text: string;
  group?: VectorGroup;
  rank?: TaxonRank;
  watchList?: boolean;
  limit: number;
}

/** One name per line of `search_text`, so a whole name or the start of one can be told from a match inside one. */
const NAME_BREAK = '\n';

/** The curated taxa: copied from the checked-in taxonomy at start-up; their watch-list flags belong to administrators. */
export class TaxonRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Inserts the taxonomy's new taxa and refreshes the others from it, in one statement (safe when several processes
   * start at once). `watch_list` is the file's only for a taxon seen for the first time; afterwards administrators own it.
   * Taxa no longer in the file stay: detections and reviews may name them.
   */
  async sync(taxonomy: Taxonomy): Promise<void> {
    const rows = taxonomy.taxa
      .map((taxon) => ({ taxon, lineage: taxonomy.lineage(taxon.id).reverse() }))
      // Parents before children, for the parent_id foreign key.
      .sort((a, b) => a.lineage.length - b.lineage.length)
      .map(({ taxon, lineage }) => ({
        id: taxon.id,
        rank: taxon.rank,
        parent_id: taxon.parent,
        group: taxon.group,
        name_zh: taxon.nameZh,
        name_en: taxon.nameEn,
        synonyms: JSON.stringify(taxon.synonyms),
        diseases: JSON.stringify(taxon.diseases),
        lineage: `/${lineage.map((ancestor) => ancestor.id).join('/')}/`,
        search_text: searchText(taxon),
        watch_list: taxon.watchList,
      }));
    const refreshed = ['rank', 'parent_id', 'group', 'name_zh', 'name_en', 'synonyms', 'diseases', 'lineage', 'search_text'] as const;
    await this.db
      .insertInto('taxa')
      .values(rows)
      .onConflict((conflict) =>
        conflict
          .column('id')
          .doUpdateSet((eb) => ({
            ...Object.fromEntries(refreshed.map((column) => [column, eb.ref(`excluded.${column}`)])),
            updated_at: sql<Date>`now()`,
          }))
          // A start with an unchanged file writes nothing.
          .where(
            sql<boolean>`(${sql.join(refreshed.map((column) => sql.ref(`taxa.${column}`)))}) is distinct from (${sql.join(
              refreshed.map((column) => sql.ref(`excluded.${column}`)),
            )})`,
          ),
      )
      .execute();
  }

  /** Exact names first, then names that start with the text, then names with a word that does, then the rest. */
  async search({ text, group, rank, watchList, limit }: TaxonSearch): Promise<TaxonRecord[]> {
    let query = this.db.selectFrom('taxa').selectAll();
    if (group !== undefined) query = query.where('group', '=', group);
    if (rank !== undefined) query = query.where('rank', '=', rank);
    if (watchList !== undefined) query = query.where('watch_list', '=', watchList);
    // Without text: the tree, each taxon after its parent ("C": the separator sorts before every letter).
    if (text === '')
      return (
        await query
          .orderBy(sql`lineage collate "C"`)
          .limit(limit)
          .execute()
      ).map(taxonRecordOfRow);
    const literal = escapeLike(text);
    const names = sql`(${NAME_BREAK} || taxa.search_text || ${NAME_BREAK})`;
    const matchOrder = sql`case
      when ${names} like ${`%${NAME_BREAK}${literal}${NAME_BREAK}%`} then 0
      when ${names} like ${`%${NAME_BREAK}${literal}%`} then 1
      when ${names} like ${`% ${literal}%`} then 2
      else 3 end`;
    const rows = await query
      .where('search_text', 'like', `%${literal}%`)
      .orderBy(matchOrder)
      .orderBy(rankOrder)
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(taxonRecordOfRow);
  }

  get(id: string): Promise<TaxonRecord | undefined> {
    return findTaxon(this.db, id);
  }

  /**
   * Sets the watch-list flag; `afterChange` runs in the same transaction when the flag changed (the audit entry).
   * Undefined when there is no such taxon; the row as it was when the flag already had that value.
   */
  async setWatchList(
    id: string,
    watchList: boolean,
    userId: string,
    afterChange: (trx: Transaction<Database>, before: TaxonRow, after: TaxonRow) => Promise<void>,
  ): Promise<TaxonRecord | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const before = await trx.selectFrom('taxa').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
      if (!before || before.watch_list === watchList) return before && taxonRecordOfRow(before);
      const after = await trx
        .updateTable('taxa')
        .set({ watch_list: watchList, updated_by: userId, updated_at: sql<Date>`now()` })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await afterChange(trx, before, after);
      return taxonRecordOfRow(after);
    });
  }
}

/** Broadest first, for results that match equally well. */
const rankOrder = sql`case taxa.rank ${sql.join(
  TAXON_RANKS.map((rank, position) => sql`when ${sql.lit(rank)} then ${sql.lit(position)}`),
  sql` `,
)} end`;

function searchText(taxon: Taxon): string {
  return [taxon.id, taxon.nameZh, taxon.nameEn, ...taxon.synonyms].map((name) => name.toLowerCase()).join(NAME_BREAK);
}
