import { sql, type ExpressionBuilder, type Expression, type SqlBool } from 'kysely';
import type { Scope } from '../domain/access.js';
import type { Database } from '../db/schema.js';

/**
 * The SQL half of `Scope`: true for rows whose owning unit lies in one of the scope's subtrees.
 * `unitIdColumn` names the row's unit id column (e.g. `specimens.unit_id`).
 */
export function unitInScope<DB extends Database, TB extends keyof DB>(
  eb: ExpressionBuilder<DB, TB>,
  unitIdColumn: Expression<string>,
  scope: Scope,
): Expression<SqlBool> {
  if (scope.all) return sql<SqlBool>`true`;
  if (scope.unitPaths.length === 0) return sql<SqlBool>`false`;
  const prefixes = scope.unitPaths.map((unitPath) => sql`units_in_scope.path like ${escapeLike(unitPath) + '%'}`);
  return eb.exists(
    sql`(select 1 from units as units_in_scope where units_in_scope.id = ${unitIdColumn} and (${sql.join(prefixes, sql` or `)}))`,
  );
}

/** `value` matched literally by LIKE (backslash is LIKE's default escape character). */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (character) => `\\${character}`);
}
