import { sql, type Kysely } from 'kysely';

/** Exports expire (ADR 0021): a done export's file is deleted after the retention and the export marked `expired`. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table exports drop constraint exports_status_check,
    add constraint exports_status_check check (status in ('queued', 'running', 'done', 'failed', 'expired'))`.execute(db);
  await db.schema.createIndex('exports_finished').on('exports').columns(['status', 'finished_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('exports_finished').execute();
  await sql`update exports set status = 'failed', error = 'expired' where status = 'expired'`.execute(db);
  await sql`alter table exports drop constraint exports_status_check,
    add constraint exports_status_check check (status in ('queued', 'running', 'done', 'failed'))`.execute(db);
}
