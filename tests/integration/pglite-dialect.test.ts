import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../api/db/database.js';
import { openTestDatabase } from '../helpers/database.js';

describe('Kysely over embedded PGlite', () => {
  let database: DatabaseHandle;
  beforeAll(async () => {
    database = await openTestDatabase('pglite');
  });
  afterAll(() => database?.close());

  it('keeps concurrent transactions apart on the single PGlite connection', async () => {
    const failing = database.db.transaction().execute(async (trx) => {
      await trx.insertInto('settings').values({ key: 'from-failing', value: '1' }).execute();
      await new Promise((resolve) => setTimeout(resolve, 20));
      throw new Error('roll me back');
    });
    const succeeding = database.db.transaction().execute(async (trx) => {
      await trx.insertInto('settings').values({ key: 'from-succeeding', value: '1' }).execute();
    });
    const outside = database.db.insertInto('settings').values({ key: 'outside', value: '1' }).execute();
    await expect(failing).rejects.toThrow('roll me back');
    await succeeding;
    await outside;
    const keys = (await database.db.selectFrom('settings').select('key').orderBy('key').execute()).map((row) => row.key);
    expect(keys).toEqual(['outside', 'from-succeeding'].sort());
  });

  it('reports affected rows as pg does', async () => {
    await database.db
      .insertInto('settings')
      .values([
        { key: 'n1', value: 'a' },
        { key: 'n2', value: 'a' },
      ])
      .execute();
    const updated = await database.db.updateTable('settings').set({ value: 'b' }).where('key', 'in', ['n1', 'n2']).executeTakeFirst();
    expect(updated.numUpdatedRows).toBe(2n);
    const deleted = await database.db.deleteFrom('settings').where('key', '=', 'n1').executeTakeFirst();
    expect(deleted.numDeletedRows).toBe(1n);
  });

  it('surfaces SQL errors and stays usable afterwards', async () => {
    await expect(sql`select * from no_such_table`.execute(database.db)).rejects.toThrow(/no_such_table/);
    const { rows } = await sql<{ one: number }>`select 1 as one`.execute(database.db);
    expect(rows).toEqual([{ one: 1 }]);
  });
});
