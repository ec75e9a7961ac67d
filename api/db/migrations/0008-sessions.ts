import { sql, type Kysely } from 'kysely';

/**
 * Revocable sessions (ADR 0017): every session token names a row here (its `sid` claim). Logout revokes its row;
 * triggers revoke all of a user's rows when the account is disabled, its role, unit or password changes or a unit
 * grant is withdrawn, so no write path (a route, a script, an administrator's SQL) can forget it. A revocation bumps the
 * access epoch (migration 0003), which is how every process learns of it without asking about each session.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('sessions')
    .addColumn('id', 'uuid', (col) => col.primaryKey())
    .addColumn('user_id', 'uuid', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (col) => col.notNull())
    .addColumn('revoked_at', 'timestamptz')
    .addColumn('revoked_reason', 'text', (col) =>
      col.check(
        sql`revoked_reason in ('logout', 'account_disabled', 'role_changed', 'unit_changed', 'password_changed', 'grant_withdrawn')`,
      ),
    )
    .addColumn('user_agent', 'text')
    .addColumn('ip', 'text')
    .execute();
  await db.schema.createIndex('sessions_user_id').on('sessions').column('user_id').execute();

  // Named through the trigger's own schema, as bump_access_epoch is, so per-schema deployments stay apart.
  await sql`
    create function revoke_user_sessions() returns trigger language plpgsql as $$
    declare
      reason text;
      target uuid;
    begin
      if tg_table_name = 'user_unit_grants' then
        reason := 'grant_withdrawn';
        target := old.user_id;
      elsif new.disabled and not old.disabled then
        reason := 'account_disabled';
        target := new.id;
      elsif new.role <> old.role then
        reason := 'role_changed';
        target := new.id;
      elsif new.unit_id <> old.unit_id then
        reason := 'unit_changed';
        target := new.id;
      elsif new.password_hash <> old.password_hash then
        reason := 'password_changed';
        target := new.id;
      else
        return null;
      end if;
      execute format('update %I.sessions set revoked_at = now(), revoked_reason = $1 where user_id = $2 and revoked_at is null', tg_table_schema)
        using reason, target;
      return null;
    end
    $$`.execute(db);
  await sql`create trigger users_revoke_sessions after update on users for each row execute function revoke_user_sessions()`.execute(db);
  await sql`create trigger user_unit_grants_revoke_sessions after delete on user_unit_grants
    for each row execute function revoke_user_sessions()`.execute(db);
  // Revocations only: a login adds a row without invalidating anyone's cached actor.
  await sql`create trigger sessions_bump_access_epoch after update on sessions for each statement execute function bump_access_epoch()`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop trigger user_unit_grants_revoke_sessions on user_unit_grants`.execute(db);
  await sql`drop trigger users_revoke_sessions on users`.execute(db);
  await sql`drop function revoke_user_sessions()`.execute(db);
  await db.schema.dropTable('sessions').execute();
}
