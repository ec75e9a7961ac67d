import type { Insertable, Transaction } from 'kysely';
import type { AuditLogTable, Database } from '../../../api/db/schema.js';

export type AuditRow = Insertable<AuditLogTable>;

/**
 * What a fake repository hands the callback a service runs inside its transaction. Services write their audit
 * entry there (recordAudit), and the identification request of a new specimen; this keeps the audit rows so tests
 * can see that what was refused wrote nothing. Any other use fails loudly: a service that starts writing something
 * else in its transactions needs a fake that knows about it.
 */
export class FakeTransaction {
  readonly auditRows: AuditRow[] = [];

  readonly trx = {
    insertInto: (table: string) => {
      if (table !== 'audit_log') throw new Error(`the fake transaction only takes audit rows, not ${table} rows`);
      return { values: (row: AuditRow) => ({ execute: async () => void this.auditRows.push(row) }) };
    },
  } as unknown as Transaction<Database>;

  /** The audited actions, oldest first. */
  actions(): string[] {
    return this.auditRows.map((row) => row.action);
  }
}
