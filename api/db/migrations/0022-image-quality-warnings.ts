import { sql, type Kysely } from 'kysely';

/**
 * What the quality gate found wrong with each accepted photo (ADR 0034), kept with the image so the specimen shows it:
 * a list of `{ problem, value, limit }`, empty for a good photo and for those stored before the gate.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('specimen_images')
    .addColumn('quality_warnings', 'jsonb', (col) => col.notNull().defaultTo(sql`'[]'::jsonb`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('specimen_images').dropColumn('quality_warnings').execute();
}
