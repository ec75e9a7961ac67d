import { sql, type Kysely } from 'kysely';

/**
 * What every surveillance query filters and counts by, kept on the specimen row (ADR 0019): its current taxon and
 * group — its detection's once confirmed, else its latest primary identification's (AI or expert) — who that
 * identification is from, and the AI's confidence in its latest answer. Triggers on identifications and detections
 * keep them, so no write path can forget to; the rows already there are filled in here.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('specimens')
    .addColumn('taxon_id', 'text')
    .addColumn('taxon_group', 'text')
    .addColumn('identified_by', 'text', (col) => col.check(sql`identified_by in ('ai', 'expert')`))
    .addColumn('ai_confidence', 'double precision')
    .execute();

  // Named through the trigger's own schema, as the other triggers are, so per-schema deployments stay apart.
  await sql`
    create function specimen_identified() returns trigger language plpgsql as $$
    begin
      if new.role <> 'primary' then
        return null;
      end if;
      execute format(
        'update %I.specimens s set taxon_id = $1, taxon_group = $2, identified_by = $3,
           ai_confidence = case when $3 = ''ai'' then $4 else s.ai_confidence end
         where s.id = $5 and not exists (select 1 from %I.detections d where d.specimen_id = $5)',
        tg_table_schema, tg_table_schema)
        using new.taxon, new."group", new.source, new.confidence, new.specimen_id;
      return null;
    end
    $$`.execute(db);
  await sql`create trigger identifications_specimen_current after insert on identifications
    for each row execute function specimen_identified()`.execute(db);

  await sql`
    create function specimen_detected() returns trigger language plpgsql as $$
    begin
      execute format(
        'update %I.specimens s set taxon_id = $1, identified_by = $2,
           taxon_group = coalesce((select t."group" from %I.taxa t where t.id = $1), s.taxon_group)
         where s.id = $3',
        tg_table_schema, tg_table_schema)
        using new.taxon_id, new.identified_by, new.specimen_id;
      return null;
    end
    $$`.execute(db);
  await sql`create trigger detections_specimen_current after insert or update of taxon_id on detections
    for each row execute function specimen_detected()`.execute(db);

  await sql`
    update specimens s set taxon_id = latest.taxon, taxon_group = latest."group", identified_by = latest.source
    from (
      select distinct on (specimen_id) specimen_id, taxon, "group", source
      from identifications where role = 'primary' order by specimen_id, created_at desc, id
    ) latest
    where latest.specimen_id = s.id`.execute(db);
  await sql`
    update specimens s set ai_confidence = latest.confidence
    from (
      select distinct on (specimen_id) specimen_id, confidence
      from identifications where role = 'primary' and source = 'ai' order by specimen_id, created_at desc, id
    ) latest
    where latest.specimen_id = s.id`.execute(db);
  await sql`
    update specimens s set taxon_id = d.taxon_id, identified_by = d.identified_by, taxon_group = coalesce(t."group", s.taxon_group)
    from detections d left join taxa t on t.id = d.taxon_id
    where d.specimen_id = s.id`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop trigger detections_specimen_current on detections`.execute(db);
  await sql`drop function specimen_detected()`.execute(db);
  await sql`drop trigger identifications_specimen_current on identifications`.execute(db);
  await sql`drop function specimen_identified()`.execute(db);
  await db.schema
    .alterTable('specimens')
    .dropColumn('taxon_id')
    .dropColumn('taxon_group')
    .dropColumn('identified_by')
    .dropColumn('ai_confidence')
    .execute();
}
