import { sql, type Kysely } from 'kysely';

/**
 * The specimen list's third order, by the AI's confidence (ADR 0039): `nulls last` both ways, the id breaking ties. The
 * list's other orders have their (column, id) index since 0011 and 0013; without these, a page by confidence sorted
 * every specimen in scope. One index cannot serve both directions — read backwards, an index in one direction with
 * nulls last gives the other with nulls first — so each direction has its own.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index specimens_confidence_desc on specimens (ai_confidence desc nulls last, id desc)`.execute(db);
  await sql`create index specimens_confidence_asc on specimens (ai_confidence asc nulls last, id asc)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('specimens_confidence_asc').execute();
  await db.schema.dropIndex('specimens_confidence_desc').execute();
}
