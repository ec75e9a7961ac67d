import type { Kysely } from 'kysely';

/** Scheduled classes: when a class is due to start and what it is about, so trainees see it before it goes live. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('rooms').addColumn('scheduled_at', 'timestamptz').addColumn('description', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('rooms').dropColumn('scheduled_at').dropColumn('description').execute();
}
