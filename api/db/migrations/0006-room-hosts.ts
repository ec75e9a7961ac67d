import { type Kysely } from 'kysely';

/**
 * Which api process hosts each live room (ADR 0011): a lease that process renews while the room is open on its
 * mediasoup workers, so the others send people there instead of opening a second, separate copy of the room.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('room_hosts')
    .addColumn('room_id', 'uuid', (col) => col.primaryKey().references('rooms.id').onDelete('cascade'))
    .addColumn('process_id', 'text', (col) => col.notNull())
    // Where browsers reach that process (its PUBLIC_URL); null where it has none (one process behind one address).
    .addColumn('signalling_url', 'text')
    // Compared with the database's clock only, so the processes' own clocks need not agree.
    .addColumn('lease_until', 'timestamptz', (col) => col.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('room_hosts').execute();
}
