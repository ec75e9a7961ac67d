import { sql, type Kysely } from 'kysely';

const now = sql`now()`;
const emptyJsonList = sql`'[]'::jsonb`;

/**
 * From an AI answer to a confirmed record and an alert (ADRs 0015 and 0014): the curated taxa with their watch-list flags, the
 * triage rules as data, each specimen's triage and review state, the experts' reviews, the detections agreement
 * creates, the alerts first and watch-list detections open, and the alert channels with a delivery log per channel.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('taxa')
    // The scientific name (or `not_vector`): what the models' labels and the identifications already name.
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('rank', 'text', (col) => col.notNull().check(sql`rank in ('order', 'family', 'genus', 'species', 'none')`))
    .addColumn('parent_id', 'text', (col) => col.references('taxa.id'))
    .addColumn('group', 'text', (col) => col.notNull())
    .addColumn('name_zh', 'text', (col) => col.notNull())
    .addColumn('name_en', 'text', (col) => col.notNull())
    .addColumn('synonyms', 'jsonb', (col) => col.notNull().defaultTo(emptyJsonList))
    .addColumn('diseases', 'jsonb', (col) => col.notNull().defaultTo(emptyJsonList))
    // `/Culicidae/Aedes/Aedes albopictus/`: a taxon and everything below it is every lineage with its prefix.
    .addColumn('lineage', 'text', (col) => col.notNull())
    // Lower-cased names in both languages and synonyms, for `GET /api/v1/taxa?q=`.
    .addColumn('search_text', 'text', (col) => col.notNull())
    .addColumn('watch_list', 'boolean', (col) => col.notNull().defaultTo(false))
    .addColumn('updated_by', 'uuid', (col) => col.references('users.id'))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(now))
    .execute();
  await sql`create index taxa_lineage_prefix on taxa (lineage text_pattern_ops)`.execute(db);

  await db.schema
    .createTable('triage_rules')
    .addColumn('code', 'text', (col) => col.primaryKey())
    .addColumn('queue', 'text', (col) => col.notNull().check(sql`queue in ('review', 'critical')`))
    .addColumn('enabled', 'boolean', (col) => col.notNull().defaultTo(true))
    .addColumn('threshold', 'double precision', (col) => col.check(sql`threshold is null or (threshold >= 0 and threshold <= 1)`))
    .addColumn('position', 'integer', (col) => col.notNull())
    .addColumn('updated_by', 'uuid', (col) => col.references('users.id'))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(now))
    .execute();
  const rules: [code: string, queue: string, threshold: number | null][] = [
    ['identification_failed', 'review', null],
    ['rejected', 'review', null],
    ['confidence_below', 'review', 0.85],
    ['shadow_disagrees', 'review', null],
    ['refiner_group_disagree', 'review', null],
    ['watch_list', 'critical', null],
    ['first_at_port', 'critical', null],
    ['first_in_district', 'critical', null],
    ['first_nationally', 'critical', null],
  ];
  for (const [position, [code, queue, threshold]] of rules.entries()) {
    await sql`insert into triage_rules (code, queue, threshold, position) values (${code}, ${queue}, ${threshold}, ${position})`.execute(
      db,
    );
  }

  await db.schema
    .alterTable('specimens')
    .addColumn('triage_queue', 'text', (col) => col.check(sql`triage_queue in ('auto', 'review', 'critical')`))
    .addColumn('triage_reasons', 'jsonb', (col) => col.notNull().defaultTo(emptyJsonList))
    .addColumn('triaged_at', 'timestamptz')
    // The unit whose experts may decide: the specimen's own unit, moved up a level each time experts disagree.
    .addColumn('review_unit_id', 'uuid', (col) => col.references('units.id'))
    // Asking for more photos starts a new round: the decisions of earlier rounds no longer count towards agreement.
    .addColumn('review_round', 'integer', (col) => col.notNull().defaultTo(1))
    .execute();
  await db.schema.createIndex('specimens_status_triage').on('specimens').columns(['status', 'triage_queue', 'triaged_at']).execute();

  await db.schema
    .createTable('reviews')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('specimen_id', 'uuid', (col) => col.notNull().references('specimens.id'))
    .addColumn('reviewer_id', 'uuid', (col) => col.notNull().references('users.id'))
    .addColumn('review_unit_id', 'uuid', (col) => col.notNull().references('units.id'))
    .addColumn('round', 'integer', (col) => col.notNull())
    .addColumn('decision', 'text', (col) => col.notNull().check(sql`decision in ('confirm', 'correct', 'need-more-photos')`))
    .addColumn('taxon_id', 'text', (col) => col.references('taxa.id'))
    .addColumn('life_stage', 'text')
    .addColumn('sex', 'text')
    .addColumn('notes', 'text')
    .addColumn('identification_id', 'uuid', (col) => col.references('identifications.id'))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`clock_timestamp()`))
    // One decision per expert per round: a second confirmation by the same expert is refused by the database too.
    .addUniqueConstraint('reviews_one_per_expert_and_round', ['specimen_id', 'round', 'reviewer_id'])
    .addCheckConstraint('reviews_names_a_taxon', sql`decision = 'need-more-photos' or taxon_id is not null`)
    .execute();
  await db.schema.createIndex('reviews_specimen').on('reviews').columns(['specimen_id', 'created_at']).execute();

  await db.schema
    .createTable('detections')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('specimen_id', 'uuid', (col) => col.notNull().unique().references('specimens.id'))
    .addColumn('taxon_id', 'text', (col) => col.notNull().references('taxa.id'))
    .addColumn('port_id', 'uuid', (col) => col.notNull().references('ports.id'))
    .addColumn('unit_id', 'uuid', (col) => col.notNull().references('units.id'))
    .addColumn('site_type', 'text', (col) => col.notNull())
    .addColumn('collected_at', 'timestamptz', (col) => col.notNull())
    .addColumn('count', 'integer', (col) => col.notNull())
    .addColumn('life_stage', 'text')
    .addColumn('sex', 'text')
    .addColumn('identified_by', 'text', (col) => col.notNull().check(sql`identified_by in ('ai', 'expert')`))
    // The levels at which nothing of this taxon had been detected before: `port`, `district`, `national`.
    .addColumn('first_levels', 'jsonb', (col) => col.notNull().defaultTo(emptyJsonList))
    .addColumn('watch_list', 'boolean', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(now))
    .execute();
  await db.schema.createIndex('detections_port_taxon').on('detections').columns(['port_id', 'taxon_id']).execute();
  await db.schema.createIndex('detections_unit_collected').on('detections').columns(['unit_id', 'collected_at']).execute();
  await db.schema.createIndex('detections_taxon').on('detections').column('taxon_id').execute();

  await db.schema
    .createTable('alerts')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('detection_id', 'uuid', (col) => col.notNull().unique().references('detections.id'))
    .addColumn('specimen_id', 'uuid', (col) => col.notNull().references('specimens.id'))
    .addColumn('taxon_id', 'text', (col) => col.notNull().references('taxa.id'))
    .addColumn('port_id', 'uuid', (col) => col.notNull().references('ports.id'))
    // The specimen's unit (who may see the alert) and the unit above it (whose people must act on it).
    .addColumn('unit_id', 'uuid', (col) => col.notNull().references('units.id'))
    .addColumn('responsible_unit_id', 'uuid', (col) => col.notNull().references('units.id'))
    .addColumn('reasons', 'jsonb', (col) => col.notNull())
    .addColumn('status', 'text', (col) =>
      col
        .notNull()
        .defaultTo('open')
        .check(sql`status in ('open', 'acknowledged', 'confirmed', 'dismissed')`),
    )
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(now))
    .addColumn('acknowledged_by', 'uuid', (col) => col.references('users.id'))
    .addColumn('acknowledged_at', 'timestamptz')
    .addColumn('confirmed_by', 'uuid', (col) => col.references('users.id'))
    .addColumn('confirmed_at', 'timestamptz')
    .addColumn('dismissed_by', 'uuid', (col) => col.references('users.id'))
    .addColumn('dismissed_at', 'timestamptz')
    .addColumn('dismiss_reason', 'text')
    .execute();
  await db.schema.createIndex('alerts_status_created').on('alerts').columns(['status', 'created_at']).execute();
  await db.schema.createIndex('alerts_unit').on('alerts').column('unit_id').execute();

  await db.schema
    .createTable('alert_channels')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    // The channel hears of alerts about specimens anywhere in this unit's subtree.
    .addColumn('unit_id', 'uuid', (col) => col.notNull().references('units.id'))
    .addColumn('kind', 'text', (col) => col.notNull().check(sql`kind in ('in_app', 'webhook', 'sms')`))
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('enabled', 'boolean', (col) => col.notNull().defaultTo(true))
    .addColumn('config', 'jsonb', (col) => col.notNull())
    .addColumn('created_by', 'uuid', (col) => col.notNull().references('users.id'))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(now))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(now))
    .execute();
  await db.schema.createIndex('alert_channels_unit').on('alert_channels').column('unit_id').execute();

  await db.schema
    .createTable('alert_deliveries')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('alert_id', 'uuid', (col) => col.notNull().references('alerts.id'))
    .addColumn('channel_id', 'uuid', (col) => col.notNull().references('alert_channels.id'))
    .addColumn('status', 'text', (col) =>
      col
        .notNull()
        .defaultTo('pending')
        .check(sql`status in ('pending', 'delivered', 'failed')`),
    )
    .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(now))
    // The outbox: when the delivery job was last handed to the queue (null: not yet).
    .addColumn('enqueued_at', 'timestamptz')
    .addColumn('last_attempt_at', 'timestamptz')
    .addColumn('last_status_code', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('delivered_at', 'timestamptz')
    .addUniqueConstraint('alert_deliveries_one_per_channel', ['alert_id', 'channel_id'])
    .execute();
  await db.schema.createIndex('alert_deliveries_pending').on('alert_deliveries').columns(['status', 'enqueued_at']).execute();

  await db.schema
    .createTable('alert_delivery_attempts')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('delivery_id', 'uuid', (col) => col.notNull().references('alert_deliveries.id'))
    .addColumn('attempt', 'integer', (col) => col.notNull())
    .addColumn('at', 'timestamptz', (col) => col.notNull().defaultTo(sql`clock_timestamp()`))
    .addColumn('status_code', 'integer')
    .addColumn('error', 'text')
    .addColumn('duration_ms', 'integer', (col) => col.notNull())
    .addColumn('response_excerpt', 'text')
    .execute();
  await db.schema.createIndex('alert_delivery_attempts_delivery').on('alert_delivery_attempts').columns(['delivery_id', 'at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['alert_delivery_attempts', 'alert_deliveries', 'alert_channels', 'alerts', 'detections', 'reviews']) {
    await db.schema.dropTable(table).execute();
  }
  await db.schema.dropIndex('specimens_status_triage').execute();
  await db.schema
    .alterTable('specimens')
    .dropColumn('triage_queue')
    .dropColumn('triage_reasons')
    .dropColumn('triaged_at')
    .dropColumn('review_unit_id')
    .dropColumn('review_round')
    .execute();
  await db.schema.dropTable('triage_rules').execute();
  await db.schema.dropTable('taxa').execute();
}
