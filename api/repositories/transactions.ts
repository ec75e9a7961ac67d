import type { Transaction } from 'kysely';
import type { Db } from '../db/database.js';
import type { Database } from '../db/schema.js';

/**
 * Runs a service's unit of work in one database transaction. For changes that span several repositories (a review
 * decision: the review, the expert's identification, the specimen, a detection, an alert and its deliveries, the audit
 * entries); a change within one repository keeps its transaction inside that repository.
 */
export class Transactions {
  constructor(private readonly db: Db) {}

  run<T>(work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(work);
  }
}
