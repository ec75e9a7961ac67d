/**
 * The worker_threads entry of `PgliteThread` (pglite-remote.ts): the embedded PostgreSQL (PGlite, WebAssembly) runs its
 * queries here, so the main thread's event loop only sends SQL and receives rows.
 */
import { PGlite } from '@electric-sql/pglite';
import { parentPort, workerData } from 'node:worker_threads';

export type ToPglite = { type: 'query'; id: number; sql: string; parameters: unknown[] } | { type: 'close' };

export type FromPglite =
  | { type: 'ready' }
  | { type: 'start-failed'; error: string }
  | { type: 'rows'; id: number; rows: unknown[]; affectedRows: number }
  | { type: 'error'; id: number; message: string; fields: Record<string, string | number | boolean> }
  | { type: 'closed' };

const port = parentPort;
if (!port) throw new Error('pglite-thread.ts is a worker_threads entry; start it through PgliteThread');
const send = (message: FromPglite) => port.postMessage(message);

/** The database error's own fields (`code`, `detail`, `constraint`, …), so the main thread's error carries them too. */
function fieldsOf(error: unknown): Record<string, string | number | boolean> {
  if (typeof error !== 'object' || error === null) return {};
  return Object.fromEntries(Object.entries(error).filter(([, value]) => ['string', 'number', 'boolean'].includes(typeof value))) as Record<
    string,
    string | number | boolean
  >;
}

try {
  const pglite = await PGlite.create((workerData as { dataDir: string }).dataDir);
  port.on('message', (message: ToPglite) => {
    if (message.type === 'close') {
      void pglite.close().finally(() => send({ type: 'closed' }));
      return;
    }
    pglite.query(message.sql, message.parameters).then(
      (result) => send({ type: 'rows', id: message.id, rows: result.rows, affectedRows: result.affectedRows ?? 0 }),
      (error: unknown) =>
        send({ type: 'error', id: message.id, message: error instanceof Error ? error.message : String(error), fields: fieldsOf(error) }),
    );
  });
  send({ type: 'ready' });
} catch (error) {
  send({ type: 'start-failed', error: error instanceof Error ? error.message : String(error) });
}
