import { sql, type KyselyPlugin } from 'kysely';
import { migrateToLatest, openDatabase, type DatabaseHandle } from '../../api/db/database.js';
import { POSTGRES_URL, postgresAvailability, type ServiceAvailability } from './services.js';

export type BackendName = 'pglite' | 'postgresql';

export interface TestBackend {
  name: BackendName;
  availability: ServiceAvailability;
}

/**
 * Both databases the product runs on. Test files iterate over these with
 * `describe.skipIf(!backend.availability.available)` so a missing PostgreSQL is reported, not hidden.
 */
export async function testBackends(): Promise<TestBackend[]> {
  return [
    { name: 'pglite', availability: { available: true, reason: '' } },
    { name: 'postgresql', availability: await postgresAvailability() },
  ];
}

export interface TestDatabase extends DatabaseHandle {
  /** The PostgreSQL schema this handle uses (DATABASE_SCHEMA for other processes sharing it); undefined for PGlite. */
  schema: string | undefined;
}

/** A migrated, empty database: in-memory PGlite, or a fresh schema of the real PostgreSQL dropped on close. */
export async function openTestDatabase(backend: BackendName): Promise<TestDatabase> {
  if (backend === 'pglite') {
    const handle = await openDatabase({ embeddedDir: 'memory://' });
    await migrateToLatest(handle.db);
    return { ...handle, schema: undefined };
  }
  const schema = `vd_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const handle = await openDatabase({ url: POSTGRES_URL, embeddedDir: 'unused', schema });
  await migrateToLatest(handle.db);
  return {
    ...handle,
    schema,
    close: async () => {
      await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(handle.db);
      await handle.close();
    },
  };
}

/** Counts every statement a database handle runs (a result per statement; a sub-select built apart is transformed, not run). */
export function countingPlugin(counter: { statements: number }): KyselyPlugin {
  return {
    transformQuery: ({ node }) => node,
    transformResult: async ({ result }) => {
      counter.statements += 1;
      return result;
    },
  };
}
