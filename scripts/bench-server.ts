/**
 * The server half of `npm run bench:inference` phase (c), run as a child process (so the load generator's CPU is
 * not the server's): the real app (buildApp) on an in-memory PGlite, seeded as on first start, listening on a free
 * loopback port. Configured through the usual environment (INFERENCE_THREADS, INFERENCE_INTRA_OP_THREADS, …,
 * MODELS_DIR, DATA_DIR). Tells its parent over IPC `{ type: 'ready', url, token }` (an admin bearer token), answers
 * `{ type: 'cpu' }` with its CPU time and main-thread busy time, and stops on `{ type: 'stop' }`.
 */
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { buildApp } from '../api/app.js';
import { loadConfig } from '../api/config.js';
import { endpoints, type LoginAnswer } from '../api/contract/index.js';
import { migrateToLatest, openDatabase } from '../api/db/database.js';
import { seedFirstStart } from '../api/seed/demo-organisation.js';

export type ToServer = { type: 'cpu' } | { type: 'stop' };
export type FromServer =
  | { type: 'ready'; url: string; token: string; inference: string }
  | { type: 'cpu'; cpuMs: number; mainThreadActiveMs: number }
  | { type: 'failed'; error: string };

const send = (message: FromServer) => process.send?.(message);

try {
  const config = loadConfig();
  const adminPassword = config.seed.adminPassword;
  if (!adminPassword) throw new Error('VECTORDESK_ADMIN_PASSWORD is required');
  const database = await openDatabase({ embeddedDir: 'memory://' });
  await migrateToLatest(database.db);
  const logger = pino({ level: 'silent' });
  const { app, identification } = await buildApp({ config, database, logger });
  if (!identification.pool) throw new Error(`no inference pool: the models under ${config.modelsDir} could not be loaded`);
  await seedFirstStart(database.db, adminPassword, logger);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const login = await app.inject({
    method: endpoints.login.method,
    url: endpoints.login.url,
    payload: { username: 'admin', password: adminPassword },
  });
  if (login.statusCode !== 200) throw new Error(`admin login failed: ${login.statusCode} ${login.body}`);
  const { port } = app.server.address() as AddressInfo;
  const status = identification.pool.status();
  send({
    type: 'ready',
    url: `http://127.0.0.1:${port}`,
    token: login.json<LoginAnswer>().token,
    inference: `${status.threads} thread(s) × intraOp ${config.inference.intraOpThreads ?? 'default'}, batch ≤ ${config.inference.maxBatchImages}, delay ${config.inference.maxDelayMs} ms, queue ≤ ${config.inference.maxQueuedImages}`,
  });

  process.on('message', (message: ToServer) => {
    if (message.type === 'cpu') {
      const usage = process.cpuUsage();
      // Process CPU (main thread + inference threads + libuv pool) and the main thread's busy time (event loop utilisation).
      send({ type: 'cpu', cpuMs: (usage.user + usage.system) / 1000, mainThreadActiveMs: performance.eventLoopUtilization().active });
    } else if (message.type === 'stop') {
      void (async () => {
        await app.close();
        await database.close();
        process.exit(0);
      })();
    }
  });
  // The parent went away without saying stop: do not linger.
  process.on('disconnect', () => process.exit(0));
} catch (error) {
  send({ type: 'failed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exit(1);
}
