/**
 * The worker_threads entry of the embedded databases (pglite-remote.ts): each PGlite (PostgreSQL in WebAssembly) this
 * process opens lives here, so the main thread's event loop only sends SQL and receives rows. One thread serves every
 * database of the process: PGlite's module is loaded and compiled once.
 */
import { PGlite } from '@electric-sql/pglite';
import { parentPort } from 'node:worker_threads';

export type ToPglite =
  | { type: 'open'; id: number; dataDir: string }
  | { type: 'query'; id: number; database: number; sql: string; parameters: unknown[] }
  | { type: 'close'; id: number; database: number };

export type FromPglite =
  | { type: 'done'; id: number; rows?: unknown[]; affectedRows?: number }
  | { type: 'error'; id: number; message: string; fields: Record<string, string | number | boolean> };

const port = parentPort;
if (!port) throw new Error('pglite-thread.ts is a worker_threads entry; open databases through PgliteThread');
const databases = new Map<number, PGlite>();

/** The database error's own fields (`code`, `detail`, `constraint`, …), so the main thread's error carries them too. */
function fieldsOf(error: unknown): Record<string, string | number | boolean> {
  if (typeof error !== 'object' || error === null) return {};
  return Object.fromEntries(Object.entries(error).filter(([, value]) => ['string', 'number', 'boolean'].includes(typeof value))) as Record<
    string,
    string | number | boolean
  >;
}

async function handle(message: ToPglite): Promise<Omit<Extract<FromPglite, { type: 'done' }>, 'type' | 'id'>> {
  if (message.type === 'open') {
    databases.set(message.id, await PGlite.create(message.dataDir));
    return {};
  }
  const database = databases.get(message.database);
  if (!database) throw new Error('the embedded database is closed');
  if (message.type === 'close') {
    databases.delete(message.database);
    await database.close();
    return {};
  }
  const result = await database.query(message.sql, message.parameters);
  return { rows: result.rows, affectedRows: result.affectedRows ?? 0 };
}

port.on('message', (message: ToPglite) => {
  handle(message).then(
    (answer) => port.postMessage({ type: 'done', id: message.id, ...answer } satisfies FromPglite),
    (error: unknown) =>
      port.postMessage({
        type: 'error',
        id: message.id,
        message: error instanceof Error ? error.message : String(error),
        fields: fieldsOf(error),
      } satisfies FromPglite),
  );
});
