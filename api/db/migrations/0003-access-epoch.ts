import { sql, type Kysely } from 'kysely';

const ACCESS_TABLES = ['users', 'units', 'user_unit_grants'] as const;

/**
 * A counter bumped (by triggers, so no write path can forget it) whenever users, units or unit grants change.
 * Processes cache actors against it: one trivial read per request instead of reloading the user, and a disabled
 * account or a moved unit still takes effect on the very next request, in every process.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('access_epoch')
    .addColumn('id', 'integer', (col) => col.primaryKey().check(sql`id = 1`))
    .addColumn('epoch', 'bigint', (col) => col.notNull().defaultTo(0))
    .execute();
  await sql`insert into access_epoch (id, epoch) values (1, 0)`.execute(db);
  // The table is named through the trigger's own schema so one-schema-per-tenant (and per test file) setups stay apart.
  await sql`
    create function bump_access_epoch() returns trigger language plpgsql as $$
    begin
      execute format('update %I.access_epoch set epoch = epoch + 1 where id = 1', tg_table_schema);
      return null;
    end
    $$`.execute(db);
  for (const table of ACCESS_TABLES) {
    await sql`create trigger ${sql.raw(`${table}_bump_access_epoch`)} after insert or update or delete or truncate on ${sql.table(table)}
      for each statement execute function bump_access_epoch()`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ACCESS_TABLES) await sql`drop trigger ${sql.raw(`${table}_bump_access_epoch`)} on ${sql.table(table)}`.execute(db);
  await sql`drop function bump_access_epoch()`.execute(db);
  await db.schema.dropTable('access_epoch').execute();
}
