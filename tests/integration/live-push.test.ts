import { Redis } from 'ioredis';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LiveEvent, SpecimenEventName } from '../../api/contract/index.js';
import { as } from '../helpers/client.js';
import { openTestDatabase, testBackends } from '../helpers/database.js';
import { jpegImage } from '../helpers/images.js';
import { REDIS_URL, redisAvailability } from '../helpers/services.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { uploadSpecimen, validMetadata } from '../helpers/uploads.js';

const sockets: Socket[] = [];

/** A connected client that records every specimen event it receives. */
async function listen(server: TestServer, auth: { token?: string; cookie?: string }) {
  const received: { event: string; payload: LiveEvent<SpecimenEventName> }[] = [];
  const socket = connect(server.baseUrl, {
    transports: ['websocket'],
    auth: auth.token ? { token: auth.token } : {},
    extraHeaders: auth.cookie ? { cookie: auth.cookie } : {},
    reconnection: false,
  });
  sockets.push(socket);
  socket.onAny((event: string, payload: LiveEvent<SpecimenEventName>) => received.push({ event, payload }));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return { socket, received };
}

afterEach(() => {
  for (const socket of sockets.splice(0)) socket.disconnect();
});

describe('live push channel', () => {
  let server: TestServer;
  beforeAll(async () => {
    // Identify jobs stay queued: an identification.completed arriving meanwhile (on a slow machine, between the
    // events this test counts) is not what it is about; the identification tests cover that push.
    server = await startTestServer('pglite', { env: { IDENTIFY_JOBS_IN_API: 'false' } });
  });
  afterAll(() => server?.close());

  it('sends specimen.created and specimen.updated to exactly the people whose scope contains the specimen', async () => {
    const listeners = {
      submitter: await listen(server, { token: await server.tokenFor('staff.beilun') }),
      districtExpert: await listen(server, { token: await server.tokenFor('expert.ningbo') }),
      admin: await listen(server, { token: await server.tokenFor('admin') }),
      // Signed in through the cookie, as the browser is.
      hqExpertByCookie: await listen(server, { cookie: `vd_token=${await server.tokenFor('expert.hq')}` }),
      otherPort: await listen(server, { token: await server.tokenFor('staff.airport') }),
      otherDistrict: await listen(server, { token: await server.tokenFor('staff.yangshan') }),
    };
    const created = await uploadSpecimen(await as(server, 'staff.beilun'), validMetadata(), [{ name: 'a.jpg', data: await jpegImage(1) }]);
    const id = created.json().id;
    await (await as(server, 'expert.ningbo')).updateSpecimen({ params: { id }, body: { status: 'rejected' } });

    const expectedEvents = [
      ['specimen.created', 'submitted'],
      ['specimen.updated', 'rejected'],
    ];
    for (const name of ['submitter', 'districtExpert', 'admin', 'hqExpertByCookie'] as const) {
      await expect
        .poll(() => listeners[name].received.map(({ event, payload }) => [event, payload.specimen.status]), { timeout: 10_000 })
        .toEqual(expectedEvents);
      expect(listeners[name].received[0]!.payload.specimen.id).toBe(id);
    }
    // Events reach one socket in the order they were sent: once an outsider has received a later
    // event of its own, anything about the Beilun specimen would have arrived before it.
    for (const [name, username, portCode] of [
      ['otherPort', 'staff.airport', 'CNNGB-LS'],
      ['otherDistrict', 'staff.yangshan', 'CNSHA-YS'],
    ] as const) {
      const own = await uploadSpecimen(await as(server, username), validMetadata({ portCode }), [
        { name: 'own.jpg', data: await jpegImage(portCode.length) },
      ]);
      const ownId = own.json().id;
      // Only the specimen events: what this test is about.
      await expect
        .poll(
          () => listeners[name].received.filter(({ event }) => event.startsWith('specimen.')).map(({ payload }) => payload.specimen.id),
          { timeout: 10_000 },
        )
        .toEqual([ownId]);
    }
  });

  it('refuses connections without a valid token', async () => {
    await expect(listen(server, {})).rejects.toThrow(/unauthorized/);
    await expect(listen(server, { token: 'not-a-token' })).rejects.toThrow(/unauthorized/);
  });
});

const redis = await redisAvailability();
const backends = await testBackends();
const postgres = backends.find((backend) => backend.name === 'postgresql')!;
const scaleOutReady = redis.available && postgres.availability.available;

describe.skipIf(!scaleOutReady)(
  `live push across two api processes (PostgreSQL + Redis adapter) ${redis.reason} ${postgres.availability.reason}`,
  () => {
    const connections: Redis[] = [];
    const servers: TestServer[] = [];
    const redisPair = () => {
      const pair = { publisher: new Redis(REDIS_URL), subscriber: new Redis(REDIS_URL) };
      connections.push(pair.publisher, pair.subscriber);
      return pair;
    };

    beforeAll(async () => {
      const database = await openTestDatabase('postgresql');
      servers.push(await startTestServer('postgresql', { database, redis: redisPair() }));
      servers.push(await startTestServer('postgresql', { database, redis: redisPair() }));
      servers[0]!.database = database;
    });
    afterAll(async () => {
      for (const server of servers) await server.close();
      await servers[0]?.database.close();
      for (const connection of connections) connection.disconnect();
    });

    it('delivers an event raised on one process to a client connected to the other', async () => {
      const [first, second] = servers as [TestServer, TestServer];
      const onSecond = await listen(second, { token: await second.tokenFor('expert.ningbo') });
      const outsider = await listen(second, { token: await second.tokenFor('staff.yangshan') });
      const response = await uploadSpecimen(await as(first, 'staff.beilun'), validMetadata(), [
        { name: 'b.jpg', data: await jpegImage(2) },
      ]);
      expect(response.statusCode).toBe(201);
      // Its identification may finish (and be pushed) meanwhile: this is about the event raised on the other process.
      const created = () => onSecond.received.filter(({ event }) => event === 'specimen.created');
      await expect
        .poll(() => created().map(({ event, payload }) => [event, payload.specimen.id]), { timeout: 10_000 })
        .toEqual([['specimen.created', response.json().id]]);
      expect(outsider.received).toEqual([]);
    });
  },
);
