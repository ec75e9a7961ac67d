import { sql, type Kysely } from 'kysely';

/**
 * Dataset snapshots (issue 18, ADR 0031): each row records one immutable snapshot folder of confirmed specimens —
 * its name (never reused), the filters it was taken with, who took it, the manifest's sha256 (what a model package
 * names as its training data) and the counts, statistics and provenance summary shown without reading the folder.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('dataset_snapshots')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('name', 'text', (col) => col.notNull().unique())
    .addColumn('filters', 'jsonb', (col) => col.notNull())
    // Null: taken with `npm run datasets:export`, by whoever runs the service.
    .addColumn('created_by', 'uuid', (col) => col.references('users.id'))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('manifest_sha256', 'text', (col) => col.notNull())
    .addColumn('image_count', 'integer', (col) => col.notNull())
    .addColumn('specimen_count', 'integer', (col) => col.notNull())
    .addColumn('statistics', 'jsonb', (col) => col.notNull())
    .addColumn('provenance', 'jsonb', (col) => col.notNull())
    .addCheckConstraint('dataset_snapshots_counts', sql`specimen_count >= 1 and image_count >= specimen_count`)
    .addCheckConstraint('dataset_snapshots_sha256', sql`manifest_sha256 ~ '^[0-9a-f]{64}$'`)
    .execute();
  await db.schema.createIndex('dataset_snapshots_created_at').on('dataset_snapshots').column('created_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('dataset_snapshots').execute();
}
