import { sql, type Kysely } from 'kysely';

const now = sql`now()`;

/**
 * Identification: the request a specimen's creation commits (its status, and the outbox the queue is fed from),
 * the identification history (AI now, experts later — one table), and the per-image AI answers behind each.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('identification_requests')
    .addColumn('specimen_id', 'uuid', (col) => col.primaryKey().references('specimens.id').onDelete('cascade'))
    .addColumn('status', 'text', (col) => col.notNull().check(sql`status in ('pending', 'done', 'failed')`))
    .addColumn('requested_at', 'timestamptz', (col) => col.notNull().defaultTo(now))
    .addColumn('enqueued_at', 'timestamptz')
    .addColumn('completed_at', 'timestamptz')
    .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('error', 'text')
    .execute();
  await sql`create index identification_requests_pending on identification_requests (requested_at) where status = 'pending'`.execute(db);

  await db.schema
    .createTable('identifications')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('specimen_id', 'uuid', (col) => col.notNull().references('specimens.id').onDelete('cascade'))
    .addColumn('source', 'text', (col) => col.notNull().check(sql`source in ('ai', 'expert')`))
    // `primary` answers are what people see; `shadow` answers come from a candidate model run alongside for comparison.
    .addColumn('role', 'text', (col) =>
      col
        .notNull()
        .defaultTo('primary')
        .check(sql`role in ('primary', 'shadow')`),
    )
    // AI: the model versions consulted, sorted and joined (`name@version,…`): with the specimen, the idempotency key.
    .addColumn('model_key', 'text')
    .addColumn('model', 'text')
    .addColumn('group', 'text', (col) => col.notNull())
    .addColumn('life_stage', 'text')
    .addColumn('taxon', 'text', (col) => col.notNull())
    .addColumn('confidence', 'double precision', (col) => col.check(sql`confidence between 0 and 1`))
    .addColumn('rejected', 'boolean', (col) => col.notNull().defaultTo(false))
    .addColumn('top_k', 'jsonb', (col) => col.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('timings', 'jsonb')
    .addColumn('failed_images', 'jsonb', (col) => col.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('author_id', 'uuid', (col) => col.references('users.id'))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(now))
    .execute();
  await sql`create unique index identifications_ai_once on identifications (specimen_id, model_key, role) where source = 'ai'`.execute(db);
  await db.schema.createIndex('identifications_specimen').on('identifications').columns(['specimen_id', 'created_at']).execute();

  await db.schema
    .createTable('image_identifications')
    .addColumn('identification_id', 'uuid', (col) => col.notNull().references('identifications.id').onDelete('cascade'))
    .addColumn('specimen_image_id', 'uuid', (col) => col.notNull().references('specimen_images.id').onDelete('cascade'))
    .addColumn('result', 'jsonb', (col) => col.notNull())
    .addPrimaryKeyConstraint('image_identifications_pk', ['identification_id', 'specimen_image_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['image_identifications', 'identifications', 'identification_requests']) {
    await db.schema.dropTable(table).execute();
  }
}
