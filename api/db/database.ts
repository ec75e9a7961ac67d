import { mkdir } from 'node:fs/promises';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { Migrator } from 'kysely/migration';
import pg from 'pg';
import type { Database } from './schema.js';
import { migrationProvider } from './migrations/index.js';
import { createPgliteDialect } from './pglite-dialect.js';
import { PgliteThread } from './pglite-remote.js';

export type Db = Kysely<Database>;

export interface DatabaseOptions {
  /** PostgreSQL connection string; without it an embedded PGlite is used. */
  url?: string | undefined;
  /** PGlite data directory, or `memory://` for a throw-away in-memory database. */
  embeddedDir: string;
  /** Schema to create and use (tests isolate themselves this way on a shared PostgreSQL). */
  schema?: string | undefined;
}

export interface DatabaseHandle {
  db: Db;
  kind: 'postgresql' | 'pglite';
  /**
   * Only where this process is the database's sole client (embedded PGlite): how many statements that may have
   * written have run. While it stands still, nothing in the database has changed, so a cached read is current.
   */
  writeCount?: () => number;
  close(): Promise<void>;
}

// int8 (count(*) and sums) arrives as text from `pg`; every count this project reads fits a JS number.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number.parseInt(value, 10));

export async function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  if (options.url) {
    const pool = new pg.Pool({
      connectionString: options.url,
      max: 10,
      ...(options.schema ? { options: `-c search_path=${quoteIdentifier(options.schema)}` } : {}),
    });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    if (options.schema) await sql`create schema if not exists ${sql.id(options.schema)}`.execute(db);
    return { db, kind: 'postgresql', close: () => db.destroy() };
  }
  if (!options.embeddedDir.startsWith('memory://')) await mkdir(options.embeddedDir, { recursive: true });
  const pglite = await PgliteThread.open(options.embeddedDir);
  const { dialect, writeCount } = createPgliteDialect(pglite);
  const db = new Kysely<Database>({ dialect });
  return { db, kind: 'pglite', writeCount, close: () => db.destroy() };
}

export async function migrateToLatest(db: Db): Promise<string[]> {
  // Kysely looks for its bookkeeping tables in every schema unless told which one: name the schema in use,
  // or another schema's tables on the same database would be mistaken for ours.
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  const migrator = new Migrator({ db, provider: migrationProvider, migrationTableSchema: rows[0]?.schema ?? 'public' });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((result) => result.status === 'Success').map((result) => result.migrationName);
}

function quoteIdentifier(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`Unsafe schema name: ${name}`);
  return name;
}
