import { expect } from 'vitest';
import type { ErrorBody } from '../../api/contract/index.js';
import type { Response } from './client.js';
import type { TestApp } from './test-app.js';

/** The part of an answer a refusal is judged by. */
export type Refusal = Pick<Response, 'statusCode' | 'body' | 'error'>;

/** The answer is `status` with the error `code` and a message; returns the error body. */
export function expectError(response: Refusal, status: number, code: string): ErrorBody {
  expect(response.statusCode, response.body).toBe(status);
  expect(response.error()).toMatchObject({ error: code, message: expect.any(String) });
  return response.error();
}

/** The audit entries of one entity, oldest first. */
export function auditOf(t: TestApp, entityType: string, entityId: string) {
  return t.database.db
    .selectFrom('audit_log')
    .select(['action', 'user_id', 'before', 'after'])
    .where('entity_type', '=', entityType)
    .where('entity_id', '=', entityId)
    .orderBy('at')
    .orderBy('id')
    .execute();
}
