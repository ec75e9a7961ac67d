import { sql, type Kysely } from 'kysely';

/**
 * Turnaround percentiles without sorting every duration (ADR 0022): `specimen_turnaround_buckets` counts, per UTC
 * month × unit × port × step, the specimens whose step took a duration in each logarithmic bucket. Buckets grow by a
 * factor γ = 1.01 / 0.99, so the bucket's representative value is within 1% of every duration in it; durations under
 * a second share bucket 0 (shown as 0). A trigger on `specimens` moves a specimen's contributions in the writing
 * transaction, as the monthly counts' trigger does, netting out the steps that did not change and writing its rows in
 * key order (so two writers take the rows' locks in the same order). The step numbers: 1 collection → submission,
 * 2 submission → AI answer, 3 AI answer → expert decision, 4 decision → alert acknowledged, 5 total (collection → the
 * last step reached). Plus indexes: the slowest cases by total, the timeline in the collection date's index, the
 * detections by creation.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create function turnaround_bucket(seconds double precision) returns integer
    language sql immutable parallel safe as $$
      select case when abs(seconds) <= 1 then 0
        else (sign(seconds) * ceil(ln(abs(seconds)) / ln(1.01::double precision / 0.99)))::integer end
    $$`.execute(db);
  await sql`
    create function turnaround_bucket_seconds(bucket integer) returns double precision
    language sql immutable parallel safe as $$
      select case when bucket = 0 then 0
        else sign(bucket) * 2 * power(1.01::double precision / 0.99, abs(bucket)) / (1.01::double precision / 0.99 + 1) end
    $$`.execute(db);
  // One definition of the steps, for the trigger, the initial fill and the queries that bucket specimens directly.
  await sql`
    create function specimen_turnaround_steps(collected_at timestamptz, created_at timestamptz,
      ai_answered_at timestamptz, decided_at timestamptz, alert_acknowledged_at timestamptz)
    returns table (step smallint, bucket integer)
    language sql immutable parallel safe as $$
      select steps.step, turnaround_bucket(steps.seconds) from (values
        (1::smallint, date_part('epoch', created_at - collected_at)),
        (2::smallint, date_part('epoch', ai_answered_at - created_at)),
        (3::smallint, date_part('epoch', decided_at - ai_answered_at)),
        (4::smallint, date_part('epoch', alert_acknowledged_at - decided_at)),
        (5::smallint, date_part('epoch', coalesce(alert_acknowledged_at, decided_at, ai_answered_at, created_at)
          - collected_at))
      ) steps (step, seconds)
      where steps.seconds is not null
    $$`.execute(db);

  await sql`
    create table specimen_turnaround_buckets (
      collected_at timestamptz not null,
      unit_id uuid not null,
      port_id uuid not null,
      step smallint not null,
      bucket integer not null,
      specimens integer not null,
      primary key (collected_at, unit_id, port_id, step, bucket)
    )`.execute(db);
  await sql`
    insert into specimen_turnaround_buckets
    select date_trunc('month', s.collected_at at time zone 'UTC') at time zone 'UTC', s.unit_id, s.port_id, steps.step,
      steps.bucket, count(*)::integer
    from specimens s
    cross join lateral specimen_turnaround_steps(s.collected_at, s.created_at, s.ai_answered_at, s.decided_at,
      s.alert_acknowledged_at) steps
    group by 1, 2, 3, 4, 5`.execute(db);

  // $1–$8 the old row's side (sign -1; absent on insert), $9–$16 the new one's (+1; absent on delete).
  await sql`
    create function specimen_turnaround_counted() returns trigger language plpgsql as $$
    begin
      execute format(
        'insert into %1$I.specimen_turnaround_buckets as b
         select date_trunc(''month'', side.collected_at at time zone ''UTC'') at time zone ''UTC'', side.unit_id,
           side.port_id, steps.step, steps.bucket, sum(side.sign)::integer
         from (values ($1, $2, $3, $4, $5, $6, $7, $8, -1), ($9, $10, $11, $12, $13, $14, $15, $16, 1))
           side (present, collected_at, unit_id, port_id, created_at, ai_answered_at, decided_at, alert_acknowledged_at, sign)
         cross join lateral %1$I.specimen_turnaround_steps(side.collected_at, side.created_at, side.ai_answered_at,
           side.decided_at, side.alert_acknowledged_at) steps
         where side.present
         group by 1, 2, 3, 4, 5
         having sum(side.sign) <> 0
         order by 1, 2, 3, 4, 5
         on conflict (collected_at, unit_id, port_id, step, bucket)
         do update set specimens = b.specimens + excluded.specimens',
        tg_table_schema)
      using tg_op <> 'INSERT', old.collected_at, old.unit_id, old.port_id, old.created_at, old.ai_answered_at,
        old.decided_at, old.alert_acknowledged_at,
        tg_op <> 'DELETE', new.collected_at, new.unit_id, new.port_id, new.created_at, new.ai_answered_at,
        new.decided_at, new.alert_acknowledged_at;
      return null;
    end
    $$`.execute(db);
  await sql`create trigger specimens_turnaround_counted after insert or delete on specimens
    for each row execute function specimen_turnaround_counted()`.execute(db);
  await sql`create trigger specimens_turnaround_moved after update on specimens
    for each row when (
      (old.collected_at, old.unit_id, old.port_id, old.created_at, old.ai_answered_at, old.decided_at,
        old.alert_acknowledged_at)
      is distinct from
      (new.collected_at, new.unit_id, new.port_id, new.created_at, new.ai_answered_at, new.decided_at,
        new.alert_acknowledged_at))
    execute function specimen_turnaround_counted()`.execute(db);

  // The slowest cases: walked from the longest total down until enough specimens pass the filters.
  await sql`create index specimens_turnaround_total on specimens
    ((coalesce(alert_acknowledged_at, decided_at, ai_answered_at, created_at) - collected_at) desc, id)`.execute(db);
  // A date range's cut months are bucketed from the specimens, and weeks counted, from the index alone (where the
  // pages are all-visible). The timeline columns are in the index above already, so writing them was never a HOT update.
  // It replaces 0011's (collected_at, id) and 0012's identical twin of it.
  await db.schema.dropIndex('specimens_collected').execute();
  await db.schema.dropIndex('specimens_collected_id').execute();
  await sql`create index specimens_collected on specimens (collected_at, id)
    include (unit_id, port_id, count, created_at, ai_answered_at, decided_at, alert_acknowledged_at)`.execute(db);
  // The detection list's first page, newest first.
  await db.schema.createIndex('detections_created').on('detections').columns(['created_at', 'id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('detections_created').execute();
  await db.schema.dropIndex('specimens_collected').execute();
  await db.schema.createIndex('specimens_collected').on('specimens').columns(['collected_at', 'id']).execute();
  await db.schema.createIndex('specimens_collected_id').on('specimens').columns(['collected_at', 'id']).execute();
  await sql`drop index specimens_turnaround_total`.execute(db);
  await sql`drop trigger specimens_turnaround_moved on specimens`.execute(db);
  await sql`drop trigger specimens_turnaround_counted on specimens`.execute(db);
  await sql`drop function specimen_turnaround_counted()`.execute(db);
  await sql`drop table specimen_turnaround_buckets`.execute(db);
  await sql`drop function specimen_turnaround_steps(timestamptz, timestamptz, timestamptz, timestamptz, timestamptz)`.execute(db);
  await sql`drop function turnaround_bucket_seconds(integer)`.execute(db);
  await sql`drop function turnaround_bucket(double precision)`.execute(db);
}
