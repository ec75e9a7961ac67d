import { sql, type Kysely } from 'kysely';

/**
 * Field submissions (ADR 0023). Where the specimen was trapped, when the submitter's device knew it: latitude and
 * longitude together or neither, and the accuracy the device reported only with them. And the client's id for the
 * submission, with a digest of what it carried: one submitter's repeat of an id answers the specimen it created
 * (unique per submitter; specimens from before, or sent without an id, have none).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('specimens')
    .addColumn('latitude', 'double precision', (col) => col.check(sql`latitude between -90 and 90`))
    .addColumn('longitude', 'double precision', (col) => col.check(sql`longitude between -180 and 180`))
    .addColumn('position_accuracy_m', 'double precision', (col) => col.check(sql`position_accuracy_m >= 0`))
    .addColumn('client_submission_id', 'uuid')
    .addColumn('submission_digest', 'text')
    .execute();
  const constraints = {
    specimens_position_whole: sql`(latitude is null) = (longitude is null)`,
    specimens_position_accuracy: sql`position_accuracy_m is null or latitude is not null`,
    specimens_submission_digest: sql`(client_submission_id is null) = (submission_digest is null)`,
  };
  for (const [name, check] of Object.entries(constraints)) {
    await db.schema.alterTable('specimens').addCheckConstraint(name, check).execute();
  }
  await db.schema
    .createIndex('specimens_client_submission')
    .unique()
    .on('specimens')
    .columns(['created_by', 'client_submission_id'])
    .where(sql.ref('client_submission_id'), 'is not', null)
    .execute();
}

/** Dropping the columns drops their constraints and index with them. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('specimens')
    .dropColumn('latitude')
    .dropColumn('longitude')
    .dropColumn('position_accuracy_m')
    .dropColumn('client_submission_id')
    .dropColumn('submission_digest')
    .execute();
}
