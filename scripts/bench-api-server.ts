/**
 * The server half of `npm run bench:api`, run as a child process (so the load generator's CPU is not the server's):
 * the real app (buildApp) on an in-memory PGlite, or on the PostgreSQL of DATABASE_URL, seeded as on first start plus
 * the demo users, listening on a free loopback port. Tells its parent over IPC `{ type: 'ready', url, tokens }` (bearer
 * tokens of `admin`, who sees everything, and of `staff.beilun`, whose scope is one port unit); grows the specimens to
 * `total` on `{ type: 'seed' }` (scripts/bench-api-seed.ts); answers `{ type: 'cpu' }` with its CPU time
 * and main-thread busy time; stops on `{ type: 'stop' }`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { buildApp } from '../api/app.js';
import { loadConfig } from '../api/config.js';
import { endpoints, type LoginAnswer } from '../api/contract/index.js';
import { migrateToLatest, openDatabase } from '../api/db/database.js';
import { seedDemoUsers, seedFirstStart } from '../api/seed/demo-organisation.js';
import { seedSpecimens } from './bench-api-seed.js';

export type ToApiServer = { type: 'seed'; total: number } | { type: 'cpu' } | { type: 'stop' };
export type FromApiServer =
  | { type: 'ready'; url: string; tokens: { admin: string; port: string }; backend: 'pglite' | 'postgresql' }
  | { type: 'seeded'; total: number; seconds: number }
  | { type: 'cpu'; cpuMs: number; mainThreadActiveMs: number }
  | { type: 'failed'; error: string };

/** The demo user whose scope is one port unit (BEILUN). */
export const PORT_USER = 'staff.beilun';
const PASSWORD = 'bench-api-password';

const send = (message: FromApiServer) => process.send?.(message);

if (process.send) await main();

async function main(): Promise<void> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'vectordesk-bench-api-'));
  try {
    const config = loadConfig({
      ...process.env,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      REDIS_URL: '',
      RTC_ENABLED: 'false',
      WEB_DIST_DIR: path.join(dataDir, 'no-web'),
      VECTORDESK_ADMIN_PASSWORD: PASSWORD,
    });
    const database = await openDatabase({ url: config.databaseUrl, embeddedDir: 'memory://' });
    await migrateToLatest(database.db);
    const logger = pino({ level: 'silent' });
    const { app } = await buildApp({ config, database, logger });
    await seedFirstStart(database.db, PASSWORD, logger);
    await seedDemoUsers(database.db, PASSWORD);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const tokenOf = async (username: string) => {
      const login = await app.inject({
        method: endpoints.login.method,
        url: endpoints.login.url,
        payload: { username, password: PASSWORD },
      });
      if (login.statusCode !== 200) throw new Error(`login of ${username} failed: ${login.statusCode} ${login.body}`);
      return login.json<LoginAnswer>().token;
    };
    const { port } = app.server.address() as AddressInfo;
    send({
      type: 'ready',
      url: `http://127.0.0.1:${port}`,
      tokens: { admin: await tokenOf('admin'), port: await tokenOf(PORT_USER) },
      backend: database.kind,
    });

    let seeded = 0;
    process.on('message', (message: ToApiServer) => {
      if (message.type === 'seed') {
        void (async () => {
          const started = performance.now();
          try {
            await seedSpecimens(database.db, seeded, message.total);
            seeded = message.total;
            send({ type: 'seeded', total: seeded, seconds: (performance.now() - started) / 1000 });
          } catch (error) {
            send({ type: 'failed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
          }
        })();
      } else if (message.type === 'cpu') {
        const usage = process.cpuUsage();
        send({ type: 'cpu', cpuMs: (usage.user + usage.system) / 1000, mainThreadActiveMs: performance.eventLoopUtilization().active });
      } else if (message.type === 'stop') {
        void (async () => {
          await app.close();
          await database.close();
          await rm(dataDir, { recursive: true, force: true });
          process.exit(0);
        })();
      }
    });
    // The parent went away without saying stop: do not linger.
    process.on('disconnect', () => process.exit(0));
  } catch (error) {
    send({ type: 'failed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    await rm(dataDir, { recursive: true, force: true });
    process.exit(1);
  }
}
