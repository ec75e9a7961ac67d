import { sql, type Kysely } from 'kysely';

const now = sql`now()`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('settings')
    .addColumn('key', 'text', (col) => col.primaryKey())
    .addColumn('value', 'text', (col) => col.notNull())
    .execute();

  await db.schema
    .createTable('units')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('parent_id', 'uuid', (col) => col.references('units.id'))
    .addColumn('level', 'text', (col) => col.notNull().check(sql`level in ('headquarters', 'district', 'port')`))
    .addColumn('code', 'text', (col) => col.notNull().unique())
    .addColumn('name_zh', 'text', (col) => col.notNull())
    .addColumn('name_en', 'text', (col) => col.notNull())
    .addColumn('path', 'text', (col) => col.notNull().unique())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(now))
    .execute();
  await sql`create index units_path_prefix on units (path text_pattern_ops)`.execute(db);

  await db.schema
    .createTable('ports')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('unit_id', 'uuid', (col) => col.notNull().references('units.id'))
    .addColumn('code', 'text', (col) => col.notNull().unique())
    .addColumn('name_zh', 'text', (col) => col.notNull())
    .addColumn('name_en', 'text', (col) => col.notNull())
    .addColumn('type', 'text', (col) => col.notNull().check(sql`type in ('sea', 'air', 'land')`))
    .addColumn('longitude', 'double precision', (col) => col.notNull().check(sql`longitude between -180 and 180`))
    .addColumn('latitude', 'double precision', (col) => col.notNull().check(sql`latitude between -90 and 90`))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(now))
    .execute();

  await db.schema
    .createTable('users')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('username', 'text', (col) => col.notNull().unique())
    .addColumn('password_hash', 'text', (col) => col.notNull())
    .addColumn('display_name', 'text', (col) => col.notNull())
    .addColumn('role', 'text', (col) => col.notNull().check(sql`role in ('admin', 'expert', 'staff', 'trainee')`))
    .addColumn('unit_id', 'uuid', (col) => col.notNull().references('units.id'))
    .addColumn('disabled', 'boolean', (col) => col.notNull().defaultTo(false))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(now))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(now))
    .execute();

  await db.schema
    .createTable('user_unit_grants')
    .addColumn('user_id', 'uuid', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('unit_id', 'uuid', (col) => col.notNull().references('units.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(now))
    .addPrimaryKeyConstraint('user_unit_grants_pk', ['user_id', 'unit_id'])
    .execute();

  await db.schema
    .createTable('specimens')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('unit_id', 'uuid', (col) => col.notNull().references('units.id'))
    .addColumn('port_id', 'uuid', (col) => col.notNull().references('ports.id'))
    .addColumn('site_type', 'text', (col) => col.notNull())
    .addColumn('location_detail', 'text')
    .addColumn('trap_method', 'text')
    .addColumn('collected_at', 'timestamptz', (col) => col.notNull())
    .addColumn('collector', 'text')
    .addColumn('count', 'integer', (col) =>
      col
        .notNull()
        .defaultTo(1)
        .check(sql`count >= 1`),
    )
    .addColumn('life_stage', 'text')
    .addColumn('sex', 'text')
    .addColumn('notes', 'text')
    .addColumn('status', 'text', (col) => col.notNull().defaultTo('submitted'))
    .addColumn('created_by', 'uuid', (col) => col.notNull().references('users.id'))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(now))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(now))
    .execute();
  await db.schema.createIndex('specimens_unit_collected').on('specimens').columns(['unit_id', 'collected_at']).execute();
  await db.schema.createIndex('specimens_port').on('specimens').column('port_id').execute();
  await db.schema.createIndex('specimens_created_by').on('specimens').column('created_by').execute();

  await db.schema
    .createTable('blobs')
    .addColumn('sha256', 'text', (col) => col.primaryKey().check(sql`sha256 ~ '^[0-9a-f]{64}$'`))
    .addColumn('format', 'text', (col) => col.notNull())
    .addColumn('width', 'integer', (col) => col.notNull())
    .addColumn('height', 'integer', (col) => col.notNull())
    .addColumn('bytes', 'integer', (col) => col.notNull())
    .addColumn('orientation', 'integer')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(now))
    .execute();

  await db.schema
    .createTable('specimen_images')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('specimen_id', 'uuid', (col) => col.notNull().references('specimens.id').onDelete('cascade'))
    .addColumn('blob_sha256', 'text', (col) => col.notNull().references('blobs.sha256'))
    .addColumn('position', 'integer', (col) => col.notNull())
    .addColumn('original_filename', 'text')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(now))
    .addUniqueConstraint('specimen_images_position', ['specimen_id', 'position'])
    .execute();
  await db.schema.createIndex('specimen_images_blob').on('specimen_images').column('blob_sha256').execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('at', 'timestamptz', (col) => col.notNull().defaultTo(now))
    .addColumn('user_id', 'uuid', (col) => col.references('users.id'))
    .addColumn('action', 'text', (col) => col.notNull())
    .addColumn('entity_type', 'text', (col) => col.notNull())
    .addColumn('entity_id', 'text', (col) => col.notNull())
    .addColumn('before', 'jsonb')
    .addColumn('after', 'jsonb')
    .execute();
  await db.schema.createIndex('audit_log_entity').on('audit_log').columns(['entity_type', 'entity_id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['audit_log', 'specimen_images', 'blobs', 'specimens', 'user_unit_grants', 'users', 'ports', 'units', 'settings']) {
    await db.schema.dropTable(table).execute();
  }
}
