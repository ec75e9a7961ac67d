/**
 * The specimens `npm run bench:api` reads, written set-based so that 100,000 take seconds (see {@link seedSpecimens});
 * also the fixture of the test that counts the queries a page of specimens costs.
 */
import { createHash } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import type { Db } from '../api/db/database.js';
import type { Database } from '../api/db/schema.js';

/** The id {@link seedSpecimens} gives specimen number `n` (1-based): `md5('bench-specimen-' || n)::uuid`. */
export function seededSpecimenId(n: number): string {
  const hex = createHash('md5').update(`bench-specimen-${n}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Specimens number `from + 1` to `to`, as a year of real use leaves them, in one transaction of set-based inserts:
 * spread over the three demo ports (a third each, so the port user sees a third), submitted by each port's staff, the
 * species drawn as the cube of a uniform draw over a fixed shuffle as `bench:stats` does (a few dominate),
 * 1–3 photos each (with their blobs), an identification request and a primary AI answer with its per-image answers for
 * all but the few still pending, triage, and the review state: in review or waiting for photos with their district as
 * the deciding unit, confirmed ones with an expert's review, identification and detection, withdrawn and untouched ones.
 * The row triggers (current identification, timeline, monthly rollups) are off while it writes — a row-at-a-time
 * trigger would take minutes for 100,000 rows — so the columns they keep are written directly and the rollups rebuilt
 * from the specimens afterwards, as their migrations first filled them.
 */
export async function seedSpecimens(db: Db, from: number, to: number): Promise<void> {
  if (to <= from) return;
  await db.transaction().execute(async (trx) => {
    await sql`set local session_replication_role = replica`.execute(trx);
    await sql`
      create temporary table bench_ports on commit drop as
      select (row_number() over (order by p.code) - 1)::int as slot, p.id as port_id, p.unit_id, u.parent_id as district_id,
        coalesce(staff.id, admin.id) as staff_id
      from ports p
      join units u on u.id = p.unit_id
      join users admin on admin.username = 'admin'
      left join lateral (select s.id from users s where s.unit_id = p.unit_id and s.role = 'staff' order by s.username limit 1) staff
        on true`.execute(trx);
    await sql`
      create temporary table bench_taxa on commit drop as
      select (row_number() over (order by md5(t.id)) - 1)::int as slot, t.id, t."group" as grp, coalesce(parent.id, t.id) as genus
      from taxa t left join taxa parent on parent.id = t.parent_id
      where t.rank = 'species'`.execute(trx);
    await sql`
      create temporary table bench_experts on commit drop as
      select (row_number() over (order by username) - 1)::int as slot, id from users where role = 'expert'`.execute(trx);
    const counts = await sql<{ ports: number; taxa: number; experts: number }>`
      select (select count(*)::int from bench_ports) as ports, (select count(*)::int from bench_taxa) as taxa,
        (select count(*)::int from bench_experts) as experts`.execute(trx);
    const { ports, taxa, experts } = counts.rows[0]!;
    if (ports === 0 || taxa === 0 || experts === 0)
      throw new Error(`seed needs ports, species and experts (${ports}, ${taxa}, ${experts})`);

    // n: the specimen's number; its status by n % 20: 0–5 confirmed, 6–8 in review, 9 needs photos, 10–11 withdrawn,
    // the rest submitted (auto-triaged, or still waiting for the AI when n % 40 = 19).
    await sql`
      create temporary table bench_specimens on commit drop as
      select n, md5('bench-specimen-' || n)::uuid as id, p.port_id, p.unit_id, p.district_id, p.staff_id,
        t.id as taxon_id, t.grp as taxon_group, t.genus,
        e.id as expert_id,
        timestamptz '2023-01-01 00:00:00+00' + n * interval '5 minutes' as created_at,
        timestamptz '2023-01-01 00:00:00+00' + n * interval '5 minutes' - ((n % 48) + 1) * interval '1 hour' as collected_at,
        case when n % 20 < 6 then 'confirmed' when n % 20 < 9 then 'in_review' when n % 20 = 9 then 'needs_photos'
          when n % 20 < 12 then 'rejected' else 'submitted' end as status,
        n % 40 <> 19 as answered,
        0.5 + (n % 50) / 100.0 as confidence
      from generate_series(${from + 1}::int, ${to}::int) n
      join bench_ports p on p.slot = n % ${ports}
      join bench_taxa t on t.slot = floor(${taxa} * power(((n::bigint * 2654435761) % 4294967296) / 4294967296.0, 3))::int
      join bench_experts e on e.slot = n % ${experts}`.execute(trx);

    await sql`
      insert into specimens (id, unit_id, port_id, site_type, location_detail, trap_method, collected_at, collector, count,
        life_stage, sex, notes, status, created_by, created_at, updated_at, triage_queue, triage_reasons, triaged_at,
        review_unit_id, review_round, taxon_id, taxon_group, identified_by, ai_confidence, detected, ai_answered_at,
        decided_at, latitude, longitude, position_accuracy_m)
      select s.id, s.unit_id, s.port_id,
        (array['ship','aircraft','vehicle','container','cargo','port_area','other'])[1 + n % 7],
        case when n % 3 = 0 then 'MV Bench ' || (n % 500) end,
        (array['light_trap','co2_trap','bg_sentinel','ovitrap', null])[1 + n % 5],
        s.collected_at, 'Collector ' || (n % 40), 1 + n % 12,
        (array['adult','larva','pupa', null])[1 + n % 4], (array['female','male','unknown', null])[1 + n % 4],
        case when n % 4 = 0 then 'Found near container stack ' || n end,
        s.status, s.staff_id, s.created_at, s.created_at + interval '3 hours',
        case when not s.answered then null when s.status in ('confirmed', 'in_review', 'needs_photos', 'rejected')
          then (case when n % 20 = 0 then 'critical' else 'review' end) else 'auto' end,
        case when not s.answered or s.status = 'submitted' then '[]'::jsonb
          when n % 20 = 0 then '[{"code":"watch_list","queue":"critical","detail":"on the watch list"}]'::jsonb
          else '[{"code":"confidence_below","queue":"review","detail":"confidence below 0.85"}]'::jsonb end,
        case when s.answered then s.created_at + interval '1 minute' end,
        case when s.answered and s.status in ('confirmed', 'in_review', 'needs_photos', 'rejected') then s.district_id end,
        1,
        case when s.answered then s.taxon_id end, case when s.answered then s.taxon_group end,
        case when s.status = 'confirmed' then 'expert' when s.answered then 'ai' end,
        case when s.answered then s.confidence end,
        s.status = 'confirmed',
        case when s.answered then s.created_at + interval '1 minute' end,
        case when s.status in ('confirmed', 'needs_photos', 'rejected') then s.created_at + interval '2 hours' end,
        case when n % 2 = 0 then 29.9 + (n % 100) / 1000.0 end, case when n % 2 = 0 then 121.8 + (n % 100) / 1000.0 end,
        case when n % 4 = 0 then 15 end
      from bench_specimens s`.execute(trx);

    // 1–3 photos each, one blob per photo.
    await sql`
      create temporary table bench_images on commit drop as
      select s.n, s.id as specimen_id, k as position, md5('bench-image-' || s.n || '-' || k)::uuid as id,
        md5('bench-blob-' || s.n || '-' || k) || md5('bench-blob2-' || s.n || '-' || k) as sha256, s.created_at
      from bench_specimens s cross join lateral generate_series(0, s.n % 3) k`.execute(trx);
    await sql`
      insert into blobs (sha256, format, width, height, bytes, orientation, created_at)
      select sha256, 'jpeg', 1600, 1200, 350000 + n % 1000, 1, created_at from bench_images`.execute(trx);
    await sql`
      insert into specimen_images (id, specimen_id, blob_sha256, position, original_filename, created_at, quality_warnings)
      select id, specimen_id, sha256, position, 'IMG_' || n || '_' || position || '.jpg', created_at,
        case when n % 10 = 0 and position = 0 then '[{"problem":"blurred","value":42.5,"limit":60}]'::jsonb else '[]'::jsonb end
      from bench_images`.execute(trx);

    await sql`
      insert into identification_requests (specimen_id, status, requested_at, enqueued_at, completed_at, attempts)
      select id, case when answered then 'done' else 'pending' end, created_at, created_at,
        case when answered then created_at + interval '1 minute' end, case when answered then 1 else 0 end
      from bench_specimens`.execute(trx);

    const answer = sql`
      '"group":' || to_jsonb(s.taxon_group)::text || ',"lifeStage":"adult","taxon":' || to_jsonb(s.taxon_id)::text ||
      ',"confidence":' || s.confidence || ',"rejected":false,"committedLevel":"species","levels":{"group":{"taxon":' ||
      to_jsonb(s.taxon_group)::text || ',"confidence":0.99},"genus":{"taxon":' || to_jsonb(s.genus)::text ||
      ',"confidence":' || least(0.99, s.confidence + 0.05) || '},"species":{"taxon":' || to_jsonb(s.taxon_id)::text ||
      ',"confidence":' || s.confidence || '}},"topK":[{"taxon":' || to_jsonb(s.taxon_id)::text || ',"p":' || s.confidence ||
      '},{"taxon":"Culex pipiens","p":' || round((1 - s.confidence) * 0.7, 3) || '},{"taxon":"Aedes aegypti","p":' ||
      round((1 - s.confidence) * 0.3, 3) || '}],"model":"vector-species@3","models":["vector-group@2","vector-species@3"]'`;
    await sql`
      insert into identifications (id, specimen_id, source, role, model_key, model, "group", life_stage, taxon, confidence,
        rejected, committed_level, levels, top_k, timings, failed_images, created_at)
      select md5('bench-ai-' || s.n)::uuid, s.id, 'ai', 'primary', 'vector-group@2,vector-species@3', 'vector-species@3',
        s.taxon_group, 'adult', s.taxon_id, s.confidence, false, 'species',
        (('{' || ${answer} || '}')::jsonb) -> 'levels', (('{' || ${answer} || '}')::jsonb) -> 'topK',
        '{"queueMs":12,"preprocessMs":35,"inferenceMs":180,"batchImages":2}'::jsonb, '[]'::jsonb,
        s.created_at + interval '1 minute'
      from bench_specimens s where s.answered`.execute(trx);
    await sql`
      insert into image_identifications (identification_id, specimen_image_id, result)
      select md5('bench-ai-' || s.n)::uuid, i.id, ('{' || ${answer} || '}')::jsonb
      from bench_specimens s join bench_images i on i.n = s.n where s.answered`.execute(trx);

    // Confirmed: an expert's review (a second one for the critical queue), identification and the detection.
    await sql`
      insert into reviews (specimen_id, reviewer_id, review_unit_id, round, decision, taxon_id, life_stage, sex, notes, created_at)
      select s.id, e.id, s.district_id, 1, 'confirm', s.taxon_id, 'adult', 'female', 'Agrees with the AI', s.created_at + interval '2 hours'
      from bench_specimens s join bench_experts e on e.slot = s.n % ${experts} or (s.n % 20 = 0 and ${experts} > 1)
      where s.status = 'confirmed'`.execute(trx);
    await sql`
      insert into reviews (specimen_id, reviewer_id, review_unit_id, round, decision, notes, created_at)
      select s.id, s.expert_id, s.district_id, 1, 'need-more-photos', 'Please photograph the thorax', s.created_at + interval '2 hours'
      from bench_specimens s where s.status = 'needs_photos'`.execute(trx);
    await sql`
      insert into identifications (specimen_id, source, role, "group", life_stage, taxon, confidence, rejected, top_k,
        failed_images, author_id, notes, created_at)
      select s.id, 'expert', 'primary', s.taxon_group, 'adult', s.taxon_id, 1, false, '[]'::jsonb, '[]'::jsonb, s.expert_id,
        'Confirmed under the microscope', s.created_at + interval '2 hours'
      from bench_specimens s where s.status = 'confirmed'`.execute(trx);
    await sql`
      insert into detections (specimen_id, taxon_id, port_id, unit_id, site_type, collected_at, count, life_stage, sex,
        identified_by, first_levels, watch_list, created_at)
      select s.id, s.taxon_id, sp.port_id, sp.unit_id, sp.site_type, sp.collected_at, sp.count, sp.life_stage, sp.sex, 'expert',
        '[]'::jsonb, false, s.created_at + interval '2 hours'
      from bench_specimens s join specimens sp on sp.id = s.id where s.status = 'confirmed'`.execute(trx);

    await rebuildRollups(trx);
  });
  await sql`analyze`.execute(db);
}

/** The monthly and all-time counts and turnaround buckets from the specimens, as migrations 0011, 0013 and 0025 first filled them. */
async function rebuildRollups(trx: Transaction<Database>): Promise<void> {
  await sql`delete from specimen_monthly_counts`.execute(trx);
  await sql`
    insert into specimen_monthly_counts
    select date_trunc('month', collected_at at time zone 'UTC') at time zone 'UTC', unit_id, port_id, site_type, status,
      taxon_id, taxon_group, identified_by, count(*), sum(count), count(*) filter (where detected)
    from specimens
    group by 1, 2, 3, 4, 5, 6, 7, 8`.execute(trx);
  await sql`delete from specimen_counts`.execute(trx);
  await sql`delete from specimen_count_changes`.execute(trx);
  await sql`
    insert into specimen_counts
    select unit_id, port_id, site_type, status, sum(specimens), sum(individuals), sum(detections)
    from specimen_monthly_counts
    group by 1, 2, 3, 4`.execute(trx);
  await sql`delete from specimen_turnaround_buckets`.execute(trx);
  await sql`
    insert into specimen_turnaround_buckets
    select date_trunc('month', s.collected_at at time zone 'UTC') at time zone 'UTC', s.unit_id, s.port_id, steps.step,
      steps.bucket, count(*)::integer
    from specimens s
    cross join lateral specimen_turnaround_steps(s.collected_at, s.created_at, s.ai_answered_at, s.decided_at,
      s.alert_acknowledged_at) steps
    group by 1, 2, 3, 4, 5`.execute(trx);
}
