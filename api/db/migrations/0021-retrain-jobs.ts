import { sql, type Kysely } from 'kysely';

/**
 * Retrain jobs (ADR 0032): an administrator's request to retrain a model from a dataset snapshot, the outbox of the
 * `retrain` queue, with its phase, progress and, at the end, the gate's report. At most one is queued or running.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('retrain_jobs')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('requested_by', 'uuid', (col) => col.notNull().references('users.id'))
    .addColumn('model_name', 'text', (col) => col.notNull())
    .addColumn('snapshot', 'text', (col) => col.notNull())
    // margin, epochs, size and backbone as requested.
    .addColumn('options', 'jsonb', (col) => col.notNull())
    .addColumn('status', 'text', (col) =>
      col
        .notNull()
        .defaultTo('queued')
        .check(sql`status in ('queued', 'running', 'registered', 'rejected', 'failed')`),
    )
    .addColumn('phase', 'text', (col) => col.check(sql`phase in ('preparing', 'training', 'evaluating', 'gating', 'registering')`))
    .addColumn('progress', 'real', (col) => col.notNull().defaultTo(0))
    .addColumn('epoch', 'integer')
    .addColumn('epochs', 'integer')
    .addColumn('outcome', 'jsonb')
    .addColumn('error', 'text')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('enqueued_at', 'timestamptz')
    .addColumn('started_at', 'timestamptz')
    .addColumn('finished_at', 'timestamptz')
    .execute();
  // One retrain at a time: it takes the machine's cores for minutes to hours.
  await sql`create unique index retrain_jobs_one_unfinished on retrain_jobs ((true)) where status in ('queued', 'running')`.execute(db);
  await db.schema.createIndex('retrain_jobs_created').on('retrain_jobs').columns(['created_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('retrain_jobs').execute();
}
