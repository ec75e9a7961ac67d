import { sql, type Kysely } from 'kysely';

const now = sql`now()`;

/**
 * Live rooms (ADR 0009): the rooms themselves (a consultation around a specimen, or a class), who is enrolled in
 * them (the host, a class's trainees) and their record (joins, leaves, chat, annotations, shared stills) — what a late
 * joiner replays and what stays after the room ends. An expert's identification made in a consultation names it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('rooms')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('kind', 'text', (col) => col.notNull().check(sql`kind in ('consultation', 'class')`))
    .addColumn('title', 'text', (col) => col.notNull())
    .addColumn('specimen_id', 'uuid', (col) => col.references('specimens.id'))
    // Whose scope the room is in: the specimen's unit (consultation) or its creator's unit (class).
    .addColumn('unit_id', 'uuid', (col) => col.notNull().references('units.id'))
    .addColumn('created_by', 'uuid', (col) => col.notNull().references('users.id'))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(now))
    .addColumn('ended_at', 'timestamptz')
    .addCheckConstraint('rooms_consultation_has_specimen', sql`kind <> 'consultation' or specimen_id is not null`)
    .execute();
  await db.schema.createIndex('rooms_unit_created').on('rooms').columns(['unit_id', 'created_at']).execute();
  await db.schema.createIndex('rooms_specimen').on('rooms').column('specimen_id').execute();

  await db.schema
    .createTable('room_participants')
    .addColumn('room_id', 'uuid', (col) => col.notNull().references('rooms.id').onDelete('cascade'))
    .addColumn('user_id', 'uuid', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('role', 'text', (col) => col.notNull().check(sql`role in ('host', 'participant', 'trainee')`))
    .addColumn('enrolled_at', 'timestamptz', (col) => col.notNull().defaultTo(now))
    .addPrimaryKeyConstraint('room_participants_pk', ['room_id', 'user_id'])
    .execute();
  // "Classes I am enrolled in", whatever their unit.
  await db.schema.createIndex('room_participants_user').on('room_participants').column('user_id').execute();

  await db.schema
    .createTable('room_events')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('room_id', 'uuid', (col) => col.notNull().references('rooms.id').onDelete('cascade'))
    .addColumn('kind', 'text', (col) =>
      col.notNull().check(sql`kind in ('joined', 'left', 'chat', 'annotation', 'annotations-cleared', 'still')`),
    )
    .addColumn('user_id', 'uuid', (col) => col.notNull().references('users.id'))
    // As the person was called when it happened: the record does not change when they rename themselves.
    .addColumn('display_name', 'text', (col) => col.notNull())
    .addColumn('payload', 'jsonb', (col) => col.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('at', 'timestamptz', (col) => col.notNull().defaultTo(sql`clock_timestamp()`))
    // The order events happened in: timestamps tie (PGlite's clock counts milliseconds), this does not.
    .addColumn('seq', 'bigint', (col) => col.notNull().generatedAlwaysAsIdentity())
    .execute();
  await db.schema.createIndex('room_events_room_at').on('room_events').columns(['room_id', 'at']).execute();
  await db.schema.createIndex('room_events_room_seq').on('room_events').columns(['room_id', 'seq']).execute();

  await db.schema
    .alterTable('identifications')
    .addColumn('room_id', 'uuid', (col) => col.references('rooms.id'))
    .addColumn('notes', 'text')
    .execute();
  await sql`create index identifications_room on identifications (room_id) where room_id is not null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index identifications_room`.execute(db);
  await db.schema.alterTable('identifications').dropColumn('room_id').dropColumn('notes').execute();
  for (const table of ['room_events', 'room_participants', 'rooms']) await db.schema.dropTable(table).execute();
}
