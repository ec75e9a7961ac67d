import { sql, type Kysely } from 'kysely';

/** Tables whose rows belong to one specimen (a `specimen_id` column) and show in its answer. */
const SPECIMEN_PARTS = ['specimen_images', 'identification_requests', 'identifications', 'reviews', 'detections'] as const;

/** Tables named in every specimen's answer that it does not own: its port, units, and people. */
const SHARED_REFERENCES = ['ports', 'units', 'users'] as const;

/**
 * What lets a process keep a specimen's answer between requests and know, in the statement that lists it, whether the
 * answer is still right (ADR 0040): a revision on the specimen row that every change to anything the answer shows
 * raises — its own row, and through triggers its images, identification request, identifications and their per-image
 * answers, reviews and detection — and one counter for what many specimens name (ports, units, people), raised on any
 * change to those. Triggers, like the other kept columns, so no write path can forget them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('specimens')
    .addColumn('revision', 'bigint', (col) => col.notNull().defaultTo(0))
    .execute();

  await sql`
    create function specimen_revised() returns trigger language plpgsql as $$
    begin
      new.revision := old.revision + 1;
      return new;
    end
    $$`.execute(db);
  await sql`create trigger specimens_revised before update on specimens for each row execute function specimen_revised()`.execute(db);

  // Named through the trigger's own schema, as the other triggers are, so per-schema deployments stay apart.
  await sql`
    create function specimen_part_changed() returns trigger language plpgsql as $$
    declare
      specimen uuid;
    begin
      if tg_op = 'DELETE' then
        specimen := old.specimen_id;
      else
        specimen := new.specimen_id;
      end if;
      execute format('update %I.specimens set revision = revision + 1 where id = $1', tg_table_schema) using specimen;
      return null;
    end
    $$`.execute(db);
  for (const table of SPECIMEN_PARTS) {
    await sql`create trigger ${sql.raw(`${table}_revise_specimen`)} after insert or update or delete on ${sql.table(table)}
      for each row execute function specimen_part_changed()`.execute(db);
  }

  await sql`
    create function specimen_image_answer_changed() returns trigger language plpgsql as $$
    declare
      answer uuid;
    begin
      if tg_op = 'DELETE' then
        answer := old.identification_id;
      else
        answer := new.identification_id;
      end if;
      execute format(
        'update %I.specimens s set revision = revision + 1 from %I.identifications i where i.id = $1 and s.id = i.specimen_id',
        tg_table_schema, tg_table_schema)
        using answer;
      return null;
    end
    $$`.execute(db);
  await sql`create trigger image_identifications_revise_specimen after insert or update or delete on image_identifications
    for each row execute function specimen_image_answer_changed()`.execute(db);

  await db.schema
    .createTable('specimen_references_epoch')
    .addColumn('id', 'integer', (col) => col.primaryKey().check(sql`id = 1`))
    .addColumn('epoch', 'bigint', (col) => col.notNull().defaultTo(0))
    .execute();
  await sql`insert into specimen_references_epoch (id, epoch) values (1, 0)`.execute(db);
  await sql`
    create function bump_specimen_references_epoch() returns trigger language plpgsql as $$
    begin
      execute format('update %I.specimen_references_epoch set epoch = epoch + 1 where id = 1', tg_table_schema);
      return null;
    end
    $$`.execute(db);
  // Inserts name nothing yet; a person's login writes other columns of theirs and must not count.
  for (const table of SHARED_REFERENCES) {
    const columns = table === 'users' ? sql.raw(' of username, display_name') : sql.raw('');
    await sql`create trigger ${sql.raw(`${table}_bump_specimen_references_epoch`)} after update${columns} or delete or truncate on ${sql.table(table)}
      for each statement execute function bump_specimen_references_epoch()`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of SHARED_REFERENCES)
    await sql`drop trigger ${sql.raw(`${table}_bump_specimen_references_epoch`)} on ${sql.table(table)}`.execute(db);
  await sql`drop function bump_specimen_references_epoch()`.execute(db);
  await db.schema.dropTable('specimen_references_epoch').execute();
  await sql`drop trigger image_identifications_revise_specimen on image_identifications`.execute(db);
  await sql`drop function specimen_image_answer_changed()`.execute(db);
  for (const table of SPECIMEN_PARTS) await sql`drop trigger ${sql.raw(`${table}_revise_specimen`)} on ${sql.table(table)}`.execute(db);
  await sql`drop function specimen_part_changed()`.execute(db);
  await sql`drop trigger specimens_revised on specimens`.execute(db);
  await sql`drop function specimen_revised()`.execute(db);
  await db.schema.alterTable('specimens').dropColumn('revision').execute();
}
