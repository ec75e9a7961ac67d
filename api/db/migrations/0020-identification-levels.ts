import { sql, type Kysely } from 'kysely';

/**
 * The level an AI answer committed to (species, genus, group, or none when rejected) and its confidence at every
 * level (ADR 0033). Older AI answers get the level their taxon's rank shows (none when rejected); their per-level
 * confidences were never computed and stay null. Experts' answers have no level.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('identifications').addColumn('committed_level', 'text').addColumn('levels', 'jsonb').execute();
  await db.schema
    .alterTable('identifications')
    .addCheckConstraint('identifications_committed_level', sql`committed_level in ('species', 'genus', 'group', 'none')`)
    .execute();
  // A taxon missing from the taxonomy leaves its level unknown (null) rather than guessed.
  await sql`update identifications set committed_level = case
      when rejected then 'none'
      else (select case when rank in ('species', 'genus') then rank else 'group' end from taxa where taxa.id = identifications.taxon)
    end
    where source = 'ai'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('identifications').dropColumn('committed_level').dropColumn('levels').execute();
}
