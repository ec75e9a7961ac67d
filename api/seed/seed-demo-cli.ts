import pino from 'pino';
import { loadConfig } from '../config.js';
import { migrateToLatest, openDatabase } from '../db/database.js';
import { DEMO_USERS, seedDemoUsers, seedFirstStart } from './demo-organisation.js';

// `npm run seed:demo`. With the embedded database, stop the service first: PGlite allows one process per data directory.
const config = loadConfig();
const log = pino({ level: config.logLevel });
const database = await openDatabase({ url: config.databaseUrl, embeddedDir: config.embeddedDatabaseDir });
try {
  await migrateToLatest(database.db);
  await seedFirstStart(database.db, config.seed.adminPassword, log);
  const created = await seedDemoUsers(database.db, config.seed.demoPassword);
  log.info({ created, skippedExisting: DEMO_USERS.length - created.length, password: config.seed.demoPassword }, 'demo users ready');
} finally {
  await database.close();
}
