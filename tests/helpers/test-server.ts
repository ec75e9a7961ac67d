import type { AddressInfo } from 'node:net';
import { LiveGateway } from '../../api/realtime/live-gateway.js';
import { attachRoomSignalling } from '../../api/realtime/room-signalling.js';
import type { DatabaseHandle } from '../../api/db/database.js';
import type { BackendName } from './database.js';
import { createTestApp, type TestApp } from './test-app.js';

export interface TestServer extends TestApp {
  baseUrl: string;
  gateway: LiveGateway;
}

export interface TestServerOptions {
  env?: Record<string, string>;
  /** Share one database between several servers (scale-out tests). */
  database?: DatabaseHandle;
  redis?: ConstructorParameters<typeof LiveGateway>[0]['redis'];
  /** How often the gateway looks for revoked sessions (its default when absent). */
  sessionCheckIntervalMs?: number;
  /** Listen on this port (e.g. one the server's own PUBLIC_URL names); a free one when absent. */
  port?: number;
}

/** The real app listening on a free loopback port with its socket.io gateway (live push and `/rtc` signalling), as `server.ts` runs it. */
export async function startTestServer(backend: BackendName, options: TestServerOptions = {}): Promise<TestServer> {
  const testApp = await createTestApp(backend, options.env, options.database);
  const gateway = new LiveGateway({
    httpServer: testApp.app.server,
    events: testApp.events,
    authenticate: (token) => testApp.app.sessionFromToken(token),
    sessions: testApp.services.auth,
    log: testApp.app.log,
    sessionCheckIntervalMs: options.sessionCheckIntervalMs,
    redis: options.redis,
  });
  attachRoomSignalling(gateway.io, testApp.signalling);
  await testApp.app.listen({ port: options.port ?? 0, host: '127.0.0.1' });
  const { port } = testApp.app.server.address() as AddressInfo;
  return {
    ...testApp,
    baseUrl: `http://127.0.0.1:${port}`,
    gateway,
    async close() {
      await gateway.close();
      await testApp.close();
    },
  };
}
