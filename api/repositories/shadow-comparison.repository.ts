import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import type { Scope } from '../domain/access.js';
import { unitInScope } from './scope-filter.js';

/** Which shadow answers a comparison reads. */
export interface ShadowComparisonFilter {
  /** `name@version`: only shadow runs that consulted this version (one of the names in their `model_key`). */
  shadowModel?: string | undefined;
  /** Only shadow answers recorded at or after this instant. */
  since?: Date | undefined;
  /** At most this many disagreeing specimens per shadow model key, newest first. */
  disagreementLimit: number;
  /** At most this many (primary taxon, shadow taxon) pairs per shadow model key, most frequent first. */
  confusionLimit: number;
}

/** The parts of an AI answer a comparison shows. */
export interface ComparedAnswer {
  group: string;
  taxon: string;
  confidence: number | null;
  rejected: boolean;
}

/** Shadow answers of one shadow `model_key` set against the primary answers of the same specimens. */
export interface ShadowComparison {
  shadowModelKey: string;
  primaryModelKeys: string[];
  specimens: number;
  agreement: { taxon: number; group: number };
  rejected: { primary: number; shadow: number };
  meanConfidence: { primary: number | null; shadow: number | null };
  disagreements: { specimenId: string; primary: ComparedAnswer; shadow: ComparedAnswer }[];
  confusion: { primaryTaxon: string; shadowTaxon: string; count: number }[];
}

/** How shadow model versions answer against the primary ones, over the AI answers already stored (read only). */
export class ShadowComparisonRepository {
  constructor(private readonly db: Db) {}

  /**
   * Each shadow AI answer in scope, paired with the primary AI answer of the same specimen from the same run (the
   * latest primary recorded at or before it; if none, the first one after), then summed up per shadow `model_key`:
   * the counts and means, the disagreements (group or taxon differ) and the taxon confusion pairs are computed in SQL.
   */
  async compare(scope: Scope, filter: ShadowComparisonFilter): Promise<ShadowComparison[]> {
    const { shadowModel, since } = filter;
    const pairs = this.db
      .selectFrom('identifications as s')
      .innerJoin('specimens', 'specimens.id', 's.specimen_id')
      .innerJoinLateral(
        (eb) =>
          eb
            .selectFrom('identifications as p')
            .select(['p.model_key', 'p.group', 'p.taxon', 'p.confidence', 'p.rejected'])
            .whereRef('p.specimen_id', '=', 's.specimen_id')
            .where('p.source', '=', 'ai')
            .where('p.role', '=', 'primary')
            .where('p.model_key', 'is not', null)
            .orderBy(sql`case when p.created_at <= s.created_at then 0 else 1 end`)
            .orderBy(sql`abs(extract(epoch from p.created_at - s.created_at))`)
            .orderBy('p.id')
            .limit(1)
            .as('p'),
        (join) => join.onTrue(),
      )
      .select([
        's.specimen_id as specimen_id',
        's.created_at as created_at',
        sql<string>`s.model_key`.as('shadow_key'),
        sql<string>`p.model_key`.as('primary_key'),
        'p.group as p_group',
        'p.taxon as p_taxon',
        'p.confidence as p_confidence',
        'p.rejected as p_rejected',
        's.group as s_group',
        's.taxon as s_taxon',
        's.confidence as s_confidence',
        's.rejected as s_rejected',
      ])
      .where('s.source', '=', 'ai')
      .where('s.role', '=', 'shadow')
      .where('s.model_key', 'is not', null)
      .where((eb) => unitInScope(eb, eb.ref('specimens.unit_id'), scope))
      .$if(shadowModel !== undefined, (qb) => qb.where(sql<boolean>`${shadowModel ?? ''} = any(string_to_array(s.model_key, ','))`))
      .$if(since !== undefined, (qb) => qb.where('s.created_at', '>=', since ?? new Date(0)));

    // One snapshot for the three queries, so the summary, the disagreements and the confusion pairs agree.
    const { summaries, disagreements, confusion } = await this.db
      .transaction()
      .setIsolationLevel('repeatable read')
      .setAccessMode('read only')
      .execute(async (trx) => {
        const summaries = await trx
          .with('pairs', () => pairs)
          .selectFrom('pairs')
          .select([
            'shadow_key',
            sql<string[]>`array_agg(distinct primary_key order by primary_key)`.as('primary_keys'),
            sql<string | number>`count(*)`.as('specimens'),
            sql<string | number>`count(*) filter (where p_taxon = s_taxon)`.as('taxon_agree'),
            sql<string | number>`count(*) filter (where p_group = s_group)`.as('group_agree'),
            sql<string | number>`count(*) filter (where p_rejected)`.as('p_rejected'),
            sql<string | number>`count(*) filter (where s_rejected)`.as('s_rejected'),
            sql<number | null>`avg(p_confidence)`.as('p_confidence'),
            sql<number | null>`avg(s_confidence)`.as('s_confidence'),
          ])
          .groupBy('shadow_key')
          .orderBy('shadow_key')
          .execute();
        const disagreements = await trx
          .with('pairs', () => pairs)
          .with('ranked', (db) =>
            db
              .selectFrom('pairs')
              .selectAll()
              .select(sql<string | number>`row_number() over (partition by shadow_key order by created_at desc, specimen_id)`.as('rank'))
              .where((eb) => eb.or([eb('p_taxon', '<>', eb.ref('s_taxon')), eb('p_group', '<>', eb.ref('s_group'))])),
          )
          .selectFrom('ranked')
          .selectAll()
          .where('rank', '<=', filter.disagreementLimit)
          .orderBy('shadow_key')
          .orderBy('rank')
          .execute();
        const confusion = await trx
          .with('pairs', () => pairs)
          .with('counted', (db) =>
            db
              .selectFrom('pairs')
              .select(['shadow_key', 'p_taxon', 's_taxon', sql<string | number>`count(*)`.as('n')])
              .where('p_taxon', '<>', (eb) => eb.ref('s_taxon'))
              .groupBy(['shadow_key', 'p_taxon', 's_taxon']),
          )
          .with('ranked', (db) =>
            db
              .selectFrom('counted')
              .selectAll()
              .select(sql<string | number>`row_number() over (partition by shadow_key order by n desc, p_taxon, s_taxon)`.as('rank')),
          )
          .selectFrom('ranked')
          .selectAll()
          .where('rank', '<=', filter.confusionLimit)
          .orderBy('shadow_key')
          .orderBy('rank')
          .execute();
        return { summaries, disagreements, confusion };
      });

    return summaries.map((row) => {
      const specimens = Number(row.specimens);
      return {
        shadowModelKey: row.shadow_key,
        primaryModelKeys: row.primary_keys,
        specimens,
        agreement: { taxon: Number(row.taxon_agree) / specimens, group: Number(row.group_agree) / specimens },
        rejected: { primary: Number(row.p_rejected), shadow: Number(row.s_rejected) },
        meanConfidence: {
          primary: row.p_confidence === null ? null : Number(row.p_confidence),
          shadow: row.s_confidence === null ? null : Number(row.s_confidence),
        },
        disagreements: disagreements
          .filter((pair) => pair.shadow_key === row.shadow_key)
          .map((pair) => ({
            specimenId: pair.specimen_id,
            primary: { group: pair.p_group, taxon: pair.p_taxon, confidence: pair.p_confidence, rejected: pair.p_rejected },
            shadow: { group: pair.s_group, taxon: pair.s_taxon, confidence: pair.s_confidence, rejected: pair.s_rejected },
          })),
        confusion: confusion
          .filter((pair) => pair.shadow_key === row.shadow_key)
          .map((pair) => ({ primaryTaxon: pair.p_taxon, shadowTaxon: pair.s_taxon, count: Number(pair.n) })),
      };
    });
  }
}
