import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { LookAlike } from '../domain/look-alike.js';

/**
 * The taxa people mistake a taxon for (ADR 0027): the pairs confused in practice (the AI's answer against the confirmed
 * one, trainees' wrong answers in practice sets and class quizzes), most often first, then its siblings under the same
 * parent. What it returns is knowledge about taxa, counted over every unit; it names no specimen and no person.
 */
export class LookAlikeRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Up to `limit` look-alikes of each of `taxonIds`, the most confused first. */
  async lookAlikesOf(taxonIds: readonly string[], limit: number): Promise<Map<string, LookAlike[]>> {
    const result = new Map<string, LookAlike[]>(taxonIds.map((id) => [id, []]));
    if (taxonIds.length === 0) return result;
    const ids = sql.join(taxonIds.map((id) => sql`${id}`));
    const { rows } = await sql<{ taxon_id: string; other_id: string; confusions: string | number; sibling: boolean }>`
      with pairs as (
        select d.taxon_id as a, i.taxon as b
          from detections d
          join identifications i on i.specimen_id = d.specimen_id and i.source = 'ai' and i.role = 'primary'
         where i.taxon <> d.taxon_id
        union all
        select taxon_id, answered_taxon_id from practice_questions where correct = false
        union all
        select q.taxon_id, a.taxon_id from room_quiz_answers a join room_quizzes q on q.id = a.quiz_id where not a.correct
      ),
      confused as (
        select a as taxon_id, b as other_id from pairs where a in (${ids})
        union all
        select b, a from pairs where b in (${ids})
      ),
      counted as (
        select taxon_id, other_id, count(*) as confusions from confused where other_id <> taxon_id group by taxon_id, other_id
      ),
      siblings as (
        select t.id as taxon_id, s.id as other_id
          from taxa t join taxa s on s.parent_id = t.parent_id and s.rank = t.rank and s.id <> t.id
         where t.id in (${ids})
      )
      select coalesce(c.taxon_id, s.taxon_id) as taxon_id,
             coalesce(c.other_id, s.other_id) as other_id,
             coalesce(c.confusions, 0) as confusions,
             s.other_id is not null as sibling
        from counted c
        full join siblings s on s.taxon_id = c.taxon_id and s.other_id = c.other_id
        join taxa other on other.id = coalesce(c.other_id, s.other_id)
       where other."group" <> 'not_vector'
       order by 1, 3 desc, 2`.execute(this.db);
    for (const row of rows) {
      const list = result.get(row.taxon_id)!;
      if (list.length < limit) list.push({ taxonId: row.other_id, confusions: Number(row.confusions), sibling: row.sibling });
    }
    return result;
  }
}
