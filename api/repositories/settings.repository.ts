import type { Kysely, Transaction } from 'kysely';
import type { Db } from '../db/database.js';
import type { Database } from '../db/schema.js';

/** Small instance-wide values that every api process must agree on (e.g. the token signing secret). */
export class SettingsRepository {
  constructor(private readonly db: Db) {}

  /** Returns the stored value, storing `candidate` first if there is none — safe when several processes race. */
  async getOrCreate(key: string, candidate: () => string): Promise<string> {
    await this.db
      .insertInto('settings')
      .values({ key, value: candidate() })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
    const row = await this.db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirstOrThrow();
    return row.value;
  }

  async get(key: string): Promise<string | undefined> {
    const row = await this.db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
    return row?.value;
  }

  async set(key: string, value: string): Promise<void> {
    await upsert(this.db, key, value);
  }

  /** Every value of `values` and whatever `alsoWrite` writes (the audit entry) in one transaction. */
  async setAll(values: Record<string, string>, alsoWrite: (trx: Transaction<Database>) => Promise<void>): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      for (const [key, value] of Object.entries(values)) await upsert(trx, key, value);
      await alsoWrite(trx);
    });
  }
}

async function upsert(db: Kysely<Database>, key: string, value: string): Promise<void> {
  await db
    .insertInto('settings')
    .values({ key, value })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
    .execute();
}
