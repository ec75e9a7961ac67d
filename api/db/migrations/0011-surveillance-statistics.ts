import { sql, type Kysely } from 'kysely';

/**
 * What the surveillance statistics read instead of a million specimen rows (ADR 0019): `specimen_monthly_counts`,
 * the specimens, individuals and detected specimens per UTC month × unit × port × site type × status × current taxon
 * × group × who identified it. `collected_at` of a row is its month's first instant (UTC), so the specimen filters
 * apply to it unchanged; a date range that cuts a month reads that month's part from the specimens. A trigger on
 * `specimens` moves each row's contribution from its old key to its new one in the writing transaction, through
 * `insert … on conflict do update` increments, so concurrent writers never lose a count; rows that fall to zero stay
 * (harmless: every reader sums). `specimens.detected` (set by a trigger on detections) is what lets that trigger see
 * both sides of a detection. Plus the indexes of the queries the rollup cannot answer.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // Whether it was detected, and the turnaround's timeline on the specimen row, so timing a year of specimens reads
  // one table, not five joined; filled in by one pass over the table (each pass rewrites every row).
  await db.schema
    .alterTable('specimens')
    .addColumn('detected', 'boolean', (col) => col.notNull().defaultTo(false))
    .addColumn('ai_answered_at', 'timestamptz')
    .addColumn('decided_at', 'timestamptz')
    .addColumn('alert_acknowledged_at', 'timestamptz')
    .execute();
  await sql`
    update specimens s set
      detected = d.specimen_id is not null,
      ai_answered_at = coalesce(r.completed_at, (
        select min(i.created_at) from identifications i where i.specimen_id = s.id and i.source = 'ai' and i.role = 'primary')),
      decided_at = least((select min(v.created_at) from reviews v where v.specimen_id = s.id),
        case when d.identified_by = 'expert' then d.created_at end),
      alert_acknowledged_at = a.acknowledged_at
    from specimens base
    left join identification_requests r on r.specimen_id = base.id and r.status = 'done'
    left join detections d on d.specimen_id = base.id
    left join alerts a on a.specimen_id = base.id
    where base.id = s.id`.execute(db);

  await sql`
    create table specimen_monthly_counts (
      collected_at timestamptz not null,
      unit_id uuid not null,
      port_id uuid not null,
      site_type text not null,
      status text not null,
      taxon_id text,
      taxon_group text,
      identified_by text,
      specimens bigint not null,
      individuals bigint not null,
      detections bigint not null
    )`.execute(db);
  await sql`
    create unique index specimen_monthly_counts_key on specimen_monthly_counts
      (collected_at, unit_id, port_id, site_type, status, taxon_id, taxon_group, identified_by) nulls not distinct`.execute(db);
  await sql`
    insert into specimen_monthly_counts
    select date_trunc('month', collected_at at time zone 'UTC') at time zone 'UTC', unit_id, port_id, site_type, status,
      taxon_id, taxon_group, identified_by, count(*), sum(count), count(*) filter (where detected)
    from specimens
    group by 1, 2, 3, 4, 5, 6, 7, 8`.execute(db);

  // Takes a specimen's contribution away from its old key (sign -1) and adds it to its new one (+1).
  await sql`
    create function specimen_counted() returns trigger language plpgsql as $$
    declare
      upsert text := format(
        'insert into %I.specimen_monthly_counts as c values
           (date_trunc(''month'', $1 at time zone ''UTC'') at time zone ''UTC'', $2, $3, $4, $5, $6, $7, $8, $11, $11 * $9, $11 * $10)
         on conflict (collected_at, unit_id, port_id, site_type, status, taxon_id, taxon_group, identified_by)
         do update set specimens = c.specimens + excluded.specimens, individuals = c.individuals + excluded.individuals,
           detections = c.detections + excluded.detections',
        tg_table_schema);
    begin
      if tg_op in ('UPDATE', 'DELETE') then
        execute upsert using old.collected_at, old.unit_id, old.port_id, old.site_type, old.status, old.taxon_id,
          old.taxon_group, old.identified_by, old.count, old.detected::int, -1;
      end if;
      if tg_op in ('INSERT', 'UPDATE') then
        execute upsert using new.collected_at, new.unit_id, new.port_id, new.site_type, new.status, new.taxon_id,
          new.taxon_group, new.identified_by, new.count, new.detected::int, 1;
      end if;
      return null;
    end
    $$`.execute(db);
  await sql`create trigger specimens_monthly_counts after insert or delete on specimens
    for each row execute function specimen_counted()`.execute(db);
  await sql`create trigger specimens_monthly_counts_moved after update on specimens
    for each row when (
      (old.collected_at, old.unit_id, old.port_id, old.site_type, old.status, old.taxon_id, old.taxon_group,
        old.identified_by, old.count, old.detected)
      is distinct from
      (new.collected_at, new.unit_id, new.port_id, new.site_type, new.status, new.taxon_id, new.taxon_group,
        new.identified_by, new.count, new.detected))
    execute function specimen_counted()`.execute(db);

  await sql`
    create function specimen_detection_kept() returns trigger language plpgsql as $$
    begin
      execute format('update %I.specimens set detected = $2 where id = $1 and detected <> $2', tg_table_schema)
        using coalesce(new.specimen_id, old.specimen_id), tg_op = 'INSERT';
      return null;
    end
    $$`.execute(db);
  await sql`create trigger detections_specimen_detected after insert or delete on detections
    for each row execute function specimen_detection_kept()`.execute(db);

  // The identify job's answer is when its request completed; an AI answer without one (made elsewhere) counts if first.
  await timelineTrigger(
    db,
    'identification_requests',
    'after insert or update of status, completed_at',
    `set ai_answered_at = ($1).completed_at where id = ($1).specimen_id and ($1).status = 'done'`,
  );
  await timelineTrigger(
    db,
    'identifications',
    'after insert',
    `set ai_answered_at = ($1).created_at
     where id = ($1).specimen_id and ai_answered_at is null and ($1).source = 'ai' and ($1).role = 'primary'`,
  );
  // The first expert decision: a review, or a detection an expert made without one (a review always precedes its own).
  await timelineTrigger(db, 'reviews', 'after insert', `set decided_at = least(decided_at, ($1).created_at) where id = ($1).specimen_id`);
  await timelineTrigger(
    db,
    'detections',
    'after insert',
    `set decided_at = least(decided_at, ($1).created_at) where id = ($1).specimen_id and ($1).identified_by = 'expert'`,
  );
  await timelineTrigger(
    db,
    'alerts',
    'after insert or update of acknowledged_at',
    `set alert_acknowledged_at = ($1).acknowledged_at where id = ($1).specimen_id`,
  );

  // What the rollup cannot answer: the list's newest first, today's submissions, date ranges, a taxon, alerts' specimens.
  await db.schema.createIndex('specimens_created').on('specimens').columns(['created_at', 'id']).execute();
  await db.schema.createIndex('specimens_collected').on('specimens').columns(['collected_at', 'id']).execute();
  await db.schema.createIndex('specimens_taxon').on('specimens').column('taxon_id').execute();
  await db.schema.createIndex('alerts_specimen').on('alerts').columns(['specimen_id', 'acknowledged_at']).execute();
}

const TIMELINE_TABLES = ['identification_requests', 'identifications', 'reviews', 'detections', 'alerts'];

/** A row trigger on `table` running `update specimens <assignment>` with the new row as `$1`. */
async function timelineTrigger(db: Kysely<unknown>, table: string, when: string, assignment: string): Promise<void> {
  const name = `${table}_specimen_timeline`;
  await sql`
    create function ${sql.id(name)}() returns trigger language plpgsql as $$
    begin
      execute format('update %I.specimens ${sql.raw(assignment.replaceAll("'", "''"))}', tg_table_schema) using new;
      return null;
    end
    $$`.execute(db);
  await sql`create trigger ${sql.id(name)} ${sql.raw(when)} on ${sql.id(table)} for each row execute function ${sql.id(name)}()`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of TIMELINE_TABLES) {
    await sql`drop trigger ${sql.id(`${table}_specimen_timeline`)} on ${sql.id(table)}`.execute(db);
    await sql`drop function ${sql.id(`${table}_specimen_timeline`)}()`.execute(db);
  }
  for (const index of ['alerts_specimen', 'specimens_taxon', 'specimens_collected', 'specimens_created'])
    await db.schema.dropIndex(index).execute();
  await sql`drop trigger detections_specimen_detected on detections`.execute(db);
  await sql`drop function specimen_detection_kept()`.execute(db);
  await sql`drop trigger specimens_monthly_counts_moved on specimens`.execute(db);
  await sql`drop trigger specimens_monthly_counts on specimens`.execute(db);
  await sql`drop function specimen_counted()`.execute(db);
  await db.schema.dropTable('specimen_monthly_counts').execute();
  await db.schema
    .alterTable('specimens')
    .dropColumn('detected')
    .dropColumn('ai_answered_at')
    .dropColumn('decided_at')
    .dropColumn('alert_acknowledged_at')
    .execute();
}
