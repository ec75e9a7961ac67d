import { sql, type Kysely } from 'kysely';

const KEY = sql.raw('unit_id, port_id, site_type, status');

/**
 * The specimen list's total without a date range or a taxon (ADR 0040): specimens, individuals and detected specimens
 * per unit × port × site type × status, all time. The monthly rollup (0011) answered it too, but by summing a row per
 * month × taxon × who identified it — ≈ 33,000 rows at 100,000 specimens, most of a page's database time; this has a
 * row per key that exists, a few hundred at most.
 *
 * So few rows would be hot: every upload and review would update one of them, and writers that also lock rollup rows
 * would deadlock on them. Instead a trigger on the monthly rollup appends each of its changes to
 * `specimen_count_changes` (insert only: nothing is locked), readers sum both tables, and a sweep folds the changes into
 * `specimen_counts` now and then, in one statement (SpecimenCountsRepository.foldChanges). The rollup and these cannot
 * disagree, and no specimen write path changes.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const table of ['specimen_counts', 'specimen_count_changes']) {
    await sql`
      create table ${sql.table(table)} (
        unit_id uuid not null,
        port_id uuid not null,
        site_type text not null,
        status text not null,
        specimens bigint not null,
        individuals bigint not null,
        detections bigint not null
      )`.execute(db);
  }
  await sql`alter table specimen_counts add primary key (${KEY})`.execute(db);
  await sql`
    insert into specimen_counts
    select ${KEY}, sum(specimens), sum(individuals), sum(detections)
    from specimen_monthly_counts
    group by ${KEY}`.execute(db);

  // What a rollup row's change takes away (its old counts) and adds (its new ones), at its key.
  await sql`
    create function specimen_monthly_count_changed() returns trigger language plpgsql as $$
    declare
      append text := format('insert into %I.specimen_count_changes values ($1, $2, $3, $4, $5, $6, $7)', tg_table_schema);
    begin
      if tg_op in ('UPDATE', 'DELETE') then
        execute append using old.unit_id, old.port_id, old.site_type, old.status, -old.specimens, -old.individuals,
          -old.detections;
      end if;
      if tg_op in ('INSERT', 'UPDATE') then
        execute append using new.unit_id, new.port_id, new.site_type, new.status, new.specimens, new.individuals,
          new.detections;
      end if;
      return null;
    end
    $$`.execute(db);
  await sql`create trigger specimen_monthly_counts_changed after insert or update or delete on specimen_monthly_counts
    for each row execute function specimen_monthly_count_changed()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop trigger specimen_monthly_counts_changed on specimen_monthly_counts`.execute(db);
  await sql`drop function specimen_monthly_count_changed()`.execute(db);
  await sql`drop table specimen_count_changes`.execute(db);
  await sql`drop table specimen_counts`.execute(db);
}
