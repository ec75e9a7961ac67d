import type { Kysely } from 'kysely';

/** The audit trail is read newest first, a page at a time: an index in that order spares sorting the whole log. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('audit_log_at').on('audit_log').columns(['at desc', 'id desc']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('audit_log_at').execute();
}
