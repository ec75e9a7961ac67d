import { buildApp } from './app.js';
import { describeBackends, loadConfig } from './config.js';
import { migrateToLatest, openDatabase } from './db/database.js';
import { LiveGateway, liveGatewayRedis } from './realtime/live-gateway.js';
import { attachRoomSignalling } from './realtime/room-signalling.js';
import { seedDemoUsers, seedFirstStart } from './seed/demo-organisation.js';

const startedAt = performance.now();
const config = loadConfig();
const database = await openDatabase({ url: config.databaseUrl, embeddedDir: config.embeddedDatabaseDir, schema: config.databaseSchema });
const applied = await migrateToLatest(database.db);
const vectorDesk = await buildApp({ config, database });
const { app, events } = vectorDesk;
app.log.info({ backends: describeBackends(config), migrationsApplied: applied }, 'VectorDesk backends');

await seedFirstStart(database.db, config.seed.adminPassword, app.log);
if (config.seed.demoUsers) {
  const created = await seedDemoUsers(database.db, config.seed.demoPassword);
  if (created.length > 0) app.log.info({ created }, 'seeded demo users (VECTORDESK_SEED_DEMO)');
}

const redis = config.redisUrl ? liveGatewayRedis(config.redisUrl, app.log) : undefined;
const gateway = new LiveGateway({
  httpServer: app.server,
  events,
  authenticate: (token) => app.sessionFromToken(token),
  sessions: vectorDesk.services.auth,
  log: app.log,
  redis,
});
// Live-room signalling on the /rtc namespace of the same socket.io server (ADR 0009).
attachRoomSignalling(gateway.io, vectorDesk.signalling);

await app.listen({ port: config.port, host: config.host });
app.log.info({ port: config.port, startupMs: Math.round(performance.now() - startedAt) }, 'VectorDesk is ready');

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down');
    void (async () => {
      await gateway.close();
      await app.close();
      redis?.publisher.disconnect();
      redis?.subscriber.disconnect();
      await database.close();
      process.exit(0);
    })();
  });
}
