import { expect } from 'vitest';
import type { ErrorBody } from '../../api/contract/index.js';
import { expectError, type Refusal } from './audit.js';
import type { TestApp } from './test-app.js';

/** A well-formed id no row has. */
export const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

/** The ids of the demo organisation's units, by code. */
export async function demoUnitIds(t: TestApp): Promise<Record<string, string>> {
  const rows = await t.database.db.selectFrom('units').select(['id', 'code']).execute();
  return Object.fromEntries(rows.map((row) => [row.code, row.id]));
}

export async function userIdOf(t: TestApp, username: string): Promise<string> {
  const { id } = await t.database.db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirstOrThrow();
  return id;
}

/** Every row administering the organisation may write: a refused or repeated change leaves them all as they were. */
async function organisationRows(t: TestApp) {
  const { db } = t.database;
  return {
    units: await db.selectFrom('units').selectAll().orderBy('id').execute(),
    ports: await db.selectFrom('ports').selectAll().orderBy('id').execute(),
    labs: await db.selectFrom('labs').selectAll().orderBy('id').execute(),
    managers: await db.selectFrom('lab_managers').select(['lab_id', 'user_id']).orderBy('lab_id').orderBy('user_id').execute(),
    audit: (await db.selectFrom('audit_log').select('id').execute()).length,
  };
}

/** `attempt` is answered `status` with the error `code`, and nothing was written; returns the error body. */
export async function expectRefused(t: TestApp, attempt: () => Promise<Refusal>, status: number, code: string): Promise<ErrorBody> {
  const before = await organisationRows(t);
  const error = expectError(await attempt(), status, code);
  expect(await organisationRows(t)).toEqual(before);
  return error;
}

/** `attempt` (a request repeated) answers 200 and writes nothing, not even an audit entry. */
export async function expectUnchanged<R extends Refusal>(t: TestApp, attempt: () => Promise<R>): Promise<R> {
  const before = await organisationRows(t);
  const response = await attempt();
  expect(response.statusCode, response.body).toBe(200);
  expect(await organisationRows(t)).toEqual(before);
  return response;
}
