import { sql, type Kysely } from 'kysely';
import type { Database, UnitRow, UserRow } from '../db/schema.js';
import type { Scope } from '../domain/access.js';
import type { PersonRef } from '../domain/room.js';
import type { Role } from '../domain/vocabulary.js';
import { escapeLike, unitInScope } from './scope-filter.js';

export interface NewUser {
  username: string;
  passwordHash: string;
  displayName: string;
  role: Role;
  unitId: string;
}

/** The `users` row of a new account. */
export function userRowOf(user: NewUser) {
  return {
    username: user.username,
    password_hash: user.passwordHash,
    display_name: user.displayName,
    role: user.role,
    unit_id: user.unitId,
  };
}

export interface UserWithUnit {
  user: UserRow;
  unit: UnitRow;
  grantedUnitPaths: string[];
}

export interface PersonMatch extends PersonRef {
  role: Role;
  unitId: string;
}

export interface PeopleLookup {
  /** Part of the username or display name, any case; empty: everyone. */
  text: string;
  role: Role | undefined;
  limit: number;
}

export class UserRepository {
  private lastEpoch: { epoch: string; writeCount: number } | undefined;

  /** `writeCount`: the database's write counter where this process is its only client (see `DatabaseHandle`). */
  constructor(
    private readonly db: Kysely<Database>,
    private readonly writeCount?: () => number,
  ) {}

  create(user: NewUser): Promise<UserRow> {
    return this.db.insertInto('users').values(userRowOf(user)).returningAll().executeTakeFirstOrThrow();
  }

  findByUsername(username: string): Promise<UserRow | undefined> {
    return this.db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
  }

  /**
   * Changes whenever users, units or unit grants change (triggers of migration 0003); compared, never ordered.
   * Where this process is the database's only client, it is re-read only after a statement that may have written.
   */
  async accessEpoch(): Promise<string> {
    const writeCount = this.writeCount?.();
    if (writeCount !== undefined && this.lastEpoch?.writeCount === writeCount) return this.lastEpoch.epoch;
    const row = await this.db
      .selectFrom('access_epoch')
      .select(sql<string>`epoch::text`.as('epoch'))
      .where('id', '=', 1)
      .executeTakeFirstOrThrow();
    if (writeCount !== undefined) this.lastEpoch = { epoch: row.epoch, writeCount };
    return row.epoch;
  }

  async findWithUnit(userId: string): Promise<UserWithUnit | undefined> {
    const user = await this.db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst();
    if (!user) return undefined;
    const unit = await this.db.selectFrom('units').selectAll().where('id', '=', user.unit_id).executeTakeFirstOrThrow();
    const grants = await this.db
      .selectFrom('user_unit_grants')
      .innerJoin('units', 'units.id', 'user_unit_grants.unit_id')
      .select('units.path')
      .where('user_unit_grants.user_id', '=', userId)
      .execute();
    return { user, unit, grantedUnitPaths: grants.map((grant) => grant.path) };
  }

  /** Active people whose unit lies in `scope` and whose username or display name contains the text, by name. */
  async lookup(scope: Scope, { text, role, limit }: PeopleLookup): Promise<PersonMatch[]> {
    const pattern = `%${escapeLike(text)}%`;
    const rows = await this.db
      .selectFrom('users')
      .select(['id', 'username', 'display_name', 'role', 'unit_id'])
      .where('disabled', '=', false)
      .where((eb) => unitInScope(eb, eb.ref('users.unit_id'), scope))
      .$if(text !== '', (query) => query.where((eb) => eb.or([eb('username', 'ilike', pattern), eb('display_name', 'ilike', pattern)])))
      .$if(role !== undefined, (query) => query.where('role', '=', role!))
      .orderBy('display_name')
      .orderBy('username')
      .limit(limit)
      .execute();
    return rows.map((row) => ({ id: row.id, username: row.username, displayName: row.display_name, role: row.role, unitId: row.unit_id }));
  }

  async grantUnit(userId: string, unitId: string): Promise<void> {
    await this.db
      .insertInto('user_unit_grants')
      .values({ user_id: userId, unit_id: unitId })
      .onConflict((oc) => oc.columns(['user_id', 'unit_id']).doNothing())
      .execute();
  }
}
