import { sql, type Transaction } from 'kysely';
import type { Db } from '../db/database.js';
import type { Database } from '../db/schema.js';
import type { Scope } from '../domain/access.js';
import type { UserAccountRecord } from '../domain/user-account.js';
import type { Role } from '../domain/vocabulary.js';
import { escapeLike, unitInScope } from './scope-filter.js';
import { UNIT_COLUMNS, unitOf } from './unit-columns.js';
import { userRowOf, type NewUser } from './user.repository.js';

export interface UserAccountFilter {
  /** Part of the username or display name, any case; empty: everyone. */
  text: string;
  role?: Role | undefined;
  disabled?: boolean | undefined;
}

/** What an update sets; what is left out stays. */
export interface UserAccountChanges {
  displayName?: string | undefined;
  role?: Role | undefined;
  unitId?: string | undefined;
  disabled?: boolean | undefined;
  passwordHash?: string | undefined;
}

type AfterChange = (trx: Transaction<Database>, before: UserAccountRecord | null, after: UserAccountRecord) => Promise<void>;

/**
 * Accounts as administrators manage them, each read and written within a `Scope` of units. Changes and whatever
 * `afterChange` writes (the audit entry) share one transaction; the triggers of migration 0008 end the sessions an
 * update makes stale in that same transaction.
 */
export class UserAccountRepository {
  constructor(private readonly db: Db) {}

  async list(scope: Scope, filter: UserAccountFilter, page: { limit: number; offset: number }) {
    const matching = filtered(this.db, scope, filter);
    const [rows, { total }] = await Promise.all([
      withAccountColumns(matching).orderBy('users.display_name').orderBy('users.username').limit(page.limit).offset(page.offset).execute(),
      matching.select((eb) => eb.fn.countAll<string>().as('total')).executeTakeFirstOrThrow(),
    ]);
    return { items: rows.map(accountOf), total: Number(total) };
  }

  async find(id: string, scope: Scope): Promise<UserAccountRecord | undefined> {
    const row = await withAccountColumns(selectAccounts(this.db, scope)).where('users.id', '=', id).executeTakeFirst();
    return row && accountOf(row);
  }

  /** The new account, or undefined when its username is taken (however close the race). */
  async create(user: NewUser, afterChange: AfterChange): Promise<UserAccountRecord | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const inserted = await trx
        .insertInto('users')
        .values(userRowOf(user))
        .onConflict((conflict) => conflict.column('username').doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!inserted) return undefined;
      const account = await readAccount(trx, inserted.id, { all: true });
      await afterChange(trx, null, account!);
      return account;
    });
  }

  /**
   * Applies the changes that differ from the account as it is (locked meanwhile); writes nothing, `afterChange`
   * included, when none does. Undefined when the account is not in `scope`.
   */
  async update(id: string, scope: Scope, changes: UserAccountChanges, afterChange: AfterChange): Promise<UserAccountRecord | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const before = await readAccount(trx, id, scope, { lock: true });
      if (!before) return undefined;
      const set = {
        ...(changes.displayName !== undefined && changes.displayName !== before.displayName ? { display_name: changes.displayName } : {}),
        ...(changes.role !== undefined && changes.role !== before.role ? { role: changes.role } : {}),
        ...(changes.unitId !== undefined && changes.unitId !== before.unit.id ? { unit_id: changes.unitId } : {}),
        ...(changes.disabled !== undefined && changes.disabled !== before.disabled ? { disabled: changes.disabled } : {}),
        ...(changes.passwordHash !== undefined ? { password_hash: changes.passwordHash } : {}),
      };
      if (Object.keys(set).length === 0) return before;
      await trx
        .updateTable('users')
        .set({ ...set, updated_at: sql<Date>`now()` })
        .where('id', '=', id)
        .execute();
      const after = (await readAccount(trx, id, { all: true }))!;
      await afterChange(trx, before, after);
      return after;
    });
  }
}

/** Accounts whose unit lies in `scope`, joined with that unit. */
function selectAccounts(db: Db, scope: Scope) {
  return db
    .selectFrom('users')
    .innerJoin('units', 'units.id', 'users.unit_id')
    .where((eb) => unitInScope(eb, eb.ref('users.unit_id'), scope));
}

/** What makes a {@link UserAccountRecord}: never the password hash. */
function withAccountColumns(query: ReturnType<typeof selectAccounts>) {
  return query.select([
    'users.id',
    'users.username',
    'users.display_name',
    'users.role',
    'users.disabled',
    'users.created_at',
    'users.updated_at',
    ...UNIT_COLUMNS,
  ]);
}

function filtered(db: Db, scope: Scope, { text, role, disabled }: UserAccountFilter) {
  const pattern = `%${escapeLike(text)}%`;
  return selectAccounts(db, scope)
    .$if(text !== '', (query) =>
      query.where((eb) => eb.or([eb('users.username', 'ilike', pattern), eb('users.display_name', 'ilike', pattern)])),
    )
    .$if(role !== undefined, (query) => query.where('users.role', '=', role!))
    .$if(disabled !== undefined, (query) => query.where('users.disabled', '=', disabled!));
}

async function readAccount(
  trx: Transaction<Database>,
  id: string,
  scope: Scope,
  { lock = false } = {},
): Promise<UserAccountRecord | undefined> {
  const row = await withAccountColumns(selectAccounts(trx, scope))
    .where('users.id', '=', id)
    .$if(lock, (query) => query.forUpdate('users'))
    .executeTakeFirst();
  return row && accountOf(row);
}

type AccountRow = Awaited<ReturnType<ReturnType<typeof withAccountColumns>['executeTakeFirstOrThrow']>>;

function accountOf(row: AccountRow): UserAccountRecord {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    unit: unitOf(row),
    disabled: row.disabled,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
