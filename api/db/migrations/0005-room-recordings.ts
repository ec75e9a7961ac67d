import { sql, type Kysely } from 'kysely';

/**
 * Recordings of live rooms (ADR 0010): who started and stopped one and when, where it stands (recording → processing
 * → ready, or failed), the playback file and each producer's own track file (listed in `tracks`), and what could not
 * be recorded. The files live in storage under `recordings/<room id>/<recording id>/`.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('room_recordings')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('room_id', 'uuid', (col) => col.notNull().references('rooms.id').onDelete('cascade'))
    .addColumn('status', 'text', (col) =>
      col
        .notNull()
        .defaultTo('recording')
        .check(sql`status in ('recording', 'processing', 'ready', 'failed')`),
    )
    .addColumn('started_by', 'uuid', (col) => col.notNull().references('users.id'))
    .addColumn('started_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('stopped_by', 'uuid', (col) => col.references('users.id'))
    .addColumn('stopped_at', 'timestamptz')
    // The playback file (relative to the recording's folder), once composed.
    .addColumn('file_name', 'text')
    .addColumn('media_type', 'text')
    .addColumn('size_bytes', 'bigint')
    .addColumn('duration_ms', 'integer')
    .addColumn('tracks', 'jsonb', (col) => col.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('problems', 'jsonb', (col) => col.notNull().defaultTo(sql`'[]'::jsonb`))
    .addCheckConstraint('room_recordings_ready_has_file', sql`status <> 'ready' or file_name is not null`)
    .execute();
  await db.schema.createIndex('room_recordings_room_started').on('room_recordings').columns(['room_id', 'started_at']).execute();
  // One recording at a time per room, whichever process holds it.
  await sql`create unique index room_recordings_one_running on room_recordings (room_id) where status = 'recording'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('room_recordings').execute();
}
