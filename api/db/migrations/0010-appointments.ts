import { sql, type Kysely } from 'kysely';

const now = sql`now()`;

/**
 * Sample submission appointments (ADR 0020): laboratories that receive specimens, the people who manage each, the slots
 * a lab publishes with a capacity, and the appointments port staff book in them, with the specimens they bring. A slot
 * keeps its count of booked places beside its capacity so that taking the last place is one conditional update; the
 * checks below hold that count within the capacity whatever writes it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('labs')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    // The unit the lab belongs to: it receives specimens from the units of this unit's subtree.
    .addColumn('unit_id', 'uuid', (col) => col.notNull().references('units.id'))
    .addColumn('name_zh', 'text', (col) => col.notNull())
    .addColumn('name_en', 'text', (col) => col.notNull())
    .addColumn('address', 'text')
    .addColumn('active', 'boolean', (col) => col.notNull().defaultTo(true))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(now))
    .execute();
  await db.schema.createIndex('labs_unit').on('labs').column('unit_id').execute();

  await db.schema
    .createTable('lab_managers')
    .addColumn('lab_id', 'uuid', (col) => col.notNull().references('labs.id').onDelete('cascade'))
    .addColumn('user_id', 'uuid', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(now))
    .addPrimaryKeyConstraint('lab_managers_pk', ['lab_id', 'user_id'])
    .execute();
  await db.schema.createIndex('lab_managers_user').on('lab_managers').column('user_id').execute();

  await db.schema
    .createTable('lab_slots')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('lab_id', 'uuid', (col) => col.notNull().references('labs.id'))
    .addColumn('starts_at', 'timestamptz', (col) => col.notNull())
    .addColumn('ends_at', 'timestamptz', (col) => col.notNull())
    .addColumn('capacity', 'integer', (col) => col.notNull())
    // Places taken by appointments in the `booked` state: changed only together with them, in one transaction.
    .addColumn('booked', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('created_by', 'uuid', (col) => col.notNull().references('users.id'))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(now))
    .addCheckConstraint('lab_slots_capacity', sql`capacity >= 1`)
    .addCheckConstraint('lab_slots_ends_after_start', sql`ends_at > starts_at`)
    .addCheckConstraint('lab_slots_booked_within_capacity', sql`booked >= 0 and booked <= capacity`)
    .execute();
  await db.schema.createIndex('lab_slots_lab_starts').on('lab_slots').columns(['lab_id', 'starts_at']).execute();

  await db.schema
    .createTable('appointments')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('slot_id', 'uuid', (col) => col.notNull().references('lab_slots.id'))
    // The unit the specimens come from (the booker's): whose people see, change and cancel the appointment.
    .addColumn('unit_id', 'uuid', (col) => col.notNull().references('units.id'))
    .addColumn('booked_by', 'uuid', (col) => col.notNull().references('users.id'))
    .addColumn('notes', 'text')
    .addColumn('status', 'text', (col) => col.notNull().defaultTo('booked'))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(now))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(now))
    .addColumn('cancelled_at', 'timestamptz')
    .addColumn('cancelled_by', 'uuid', (col) => col.references('users.id'))
    .addCheckConstraint('appointments_status', sql`status in ('booked', 'cancelled')`)
    .addCheckConstraint('appointments_cancelled_when', sql`(status = 'cancelled') = (cancelled_at is not null)`)
    .execute();
  await db.schema.createIndex('appointments_slot_status').on('appointments').columns(['slot_id', 'status']).execute();
  await db.schema.createIndex('appointments_unit').on('appointments').columns(['unit_id', 'created_at']).execute();

  await db.schema
    .createTable('appointment_specimens')
    .addColumn('appointment_id', 'uuid', (col) => col.notNull().references('appointments.id').onDelete('cascade'))
    .addColumn('specimen_id', 'uuid', (col) => col.notNull().references('specimens.id'))
    .addPrimaryKeyConstraint('appointment_specimens_pk', ['appointment_id', 'specimen_id'])
    .execute();
  await db.schema.createIndex('appointment_specimens_specimen').on('appointment_specimens').column('specimen_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['appointment_specimens', 'appointments', 'lab_slots', 'lab_managers', 'labs']) {
    await db.schema.dropTable(table).execute();
  }
}
