import { sql, type Kysely } from 'kysely';

/**
 * Exports (ADR 0021): one row per requested file, the outbox of the `export` job and the record of its progress. The
 * requester's scope is copied in at the request (`scope`: `{"all":true}` or the unit paths), so a file holds what its
 * requester could see when asking, whichever process writes it and however late.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('exports')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('requested_by', 'uuid', (col) => col.notNull().references('users.id'))
    .addColumn('scope', 'jsonb', (col) => col.notNull())
    .addColumn('format', 'text', (col) => col.notNull().check(sql`format in ('csv', 'geojson', 'dwc')`))
    .addColumn('filters', 'jsonb', (col) => col.notNull())
    .addColumn('status', 'text', (col) =>
      col
        .notNull()
        .defaultTo('queued')
        .check(sql`status in ('queued', 'running', 'done', 'failed')`),
    )
    .addColumn('rows_written', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('rows_total', 'integer')
    .addColumn('error', 'text')
    .addColumn('file_name', 'text')
    .addColumn('bytes', 'bigint')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('enqueued_at', 'timestamptz')
    .addColumn('started_at', 'timestamptz')
    .addColumn('finished_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('exports_requested_by').on('exports').columns(['requested_by', 'created_at']).execute();
  await db.schema.createIndex('exports_pending').on('exports').columns(['status', 'enqueued_at']).execute();
  // The order exports read specimens in, batch after batch (keyset pagination).
  await db.schema.createIndex('specimens_collected_id').on('specimens').columns(['collected_at', 'id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('specimens_collected_id').execute();
  await db.schema.dropTable('exports').execute();
}
