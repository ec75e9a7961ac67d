import pino from 'pino';
import { loadConfig } from '../config.js';
import { migrateToLatest, openDatabase } from '../db/database.js';
import { OrganisationRepository } from '../repositories/organisation.repository.js';
import { UserRepository } from '../repositories/user.repository.js';
import { DEMO_USERS, seedDemoUsers, seedFirstStart } from './demo-organisation.js';

// `npm run seed:demo`. With the embedded database, stop the service first: PGlite allows one process per data directory.
const config = loadConfig();
const log = pino({ level: config.logLevel });
const database = await openDatabase({ url: config.databaseUrl, embeddedDir: config.embeddedDatabaseDir });
try {
  await migrateToLatest(database.db);
  const repositories = { organisation: new OrganisationRepository(database.db), users: new UserRepository(database.db) };
  await seedFirstStart(repositories, config.seed.adminPassword, log);
  const created = await seedDemoUsers(repositories, config.seed.demoPassword);
  log.info({ created, skippedExisting: DEMO_USERS.length - created.length, password: config.seed.demoPassword }, 'demo users ready');
} finally {
  await database.close();
}
