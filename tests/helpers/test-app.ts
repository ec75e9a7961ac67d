import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { buildApp, type VectorDeskApp } from '../../api/app.js';
import type { LoginAnswer } from '../../api/contract/index.js';
import { loadConfig, type AppConfig } from '../../api/config.js';
import type { DatabaseHandle } from '../../api/db/database.js';
import { seedDemoUsers, seedFirstStart } from '../../api/seed/demo-organisation.js';
import { openTestDatabase, type BackendName } from './database.js';
import { MEDIASOUP_WORKER_BIN, mediasoupAvailability } from './services.js';

export const ADMIN_PASSWORD = 'admin-password-for-tests';
export const DEMO_PASSWORD = 'demo-password-for-tests';

export interface TestApp extends VectorDeskApp {
  config: AppConfig;
  database: DatabaseHandle;
  /** Logs a demo user in through the real route and returns the bearer token. */
  tokenFor(username: string): Promise<string>;
  /** Every file under the storage directory (tmp included): proof that nothing was left behind. */
  storedFiles(): Promise<string[]>;
  close(): Promise<void>;
}

/** The real app on a real database, seeded with the demo organisation and users, storage in a temp folder. */
export async function createTestApp(backend: BackendName, env: Record<string, string> = {}, existing?: DatabaseHandle): Promise<TestApp> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'vectordesk-test-'));
  const mediasoup = await mediasoupAvailability();
  const config = loadConfig({
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    VECTORDESK_ADMIN_PASSWORD: ADMIN_PASSWORD,
    VECTORDESK_DEMO_PASSWORD: DEMO_PASSWORD,
    LOGIN_RATE_LIMIT_PER_MINUTE: '1000',
    LOGIN_RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '1000',
    // One inference thread per test app: test files run two at a time on two cores.
    INFERENCE_THREADS: '1',
    INFERENCE_INTRA_OP_THREADS: '1',
    WEB_DIST_DIR: path.join(dataDir, 'no-web'),
    // Live rooms on, with one mediasoup worker per test app (measured: 0.1–0.2 s to start, against ~10 s for the whole
    // test app on a busy 2-core machine, so it starts eagerly as in production), where a worker can run here;
    // where none can, apps run without live rooms and the tests that need them skip, saying why.
    RTC_ENABLED: String(mediasoup.available),
    RTC_WORKERS: '1',
    ...(MEDIASOUP_WORKER_BIN ? { MEDIASOUP_WORKER_BIN } : {}),
    ...env,
  });
  const database = existing ?? (await openTestDatabase(backend));
  const logger = pino({ level: 'silent' });
  const built = await buildApp({ config, database, logger });
  await seedFirstStart(database.db, ADMIN_PASSWORD, logger);
  await seedDemoUsers(database.db, DEMO_PASSWORD);
  await built.app.ready();
  const tokens = new Map<string, string>();
  return {
    ...built,
    config,
    database,
    async tokenFor(username) {
      const cached = tokens.get(username);
      if (cached) return cached;
      const response = await built.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username, password: username === 'admin' ? ADMIN_PASSWORD : DEMO_PASSWORD },
      });
      if (response.statusCode !== 200) throw new Error(`login of ${username} failed: ${response.body}`);
      const token = response.json<LoginAnswer>().token;
      tokens.set(username, token);
      return token;
    },
    storedFiles: () => listFiles(config.storageDir),
    async close() {
      await built.app.close();
      if (!existing) await database.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

async function listFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)))
    .sort();
}
