import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { io as connect, type Socket } from 'socket.io-client';
import { Compile } from 'typebox/compile';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ALERT_WEBHOOK_HEADERS,
  AlertWebhookPayload,
  SmsGatewayRequest,
  type AlertNotice,
  type LiveEvent,
} from '../../api/contract/index.js';
import {
  createChannel,
  deliveryOf,
  raiseAlert,
  startReceiver,
  unitId,
  WATCHED_TAXON,
  type ReceivedRequest,
  type Receiver,
} from '../helpers/alerts.js';
import { openTestDatabase, testBackends } from '../helpers/database.js';
import { freePort, sleep } from '../helpers/processes.js';
import { REDIS_URL, deleteRedisKeys, redisAvailability } from '../helpers/services.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

/** Short backoffs (200, 400, 800 ms) and four tries, so retries and giving up fit in a test. */
const RETRIES = { ALERT_DELIVERY_ATTEMPTS: '4', ALERT_DELIVERY_BACKOFF_MS: '200', ALERT_DELIVERY_TIMEOUT_MS: '4000' };
const POLL = { timeout: 20_000, interval: 50 };

/** The outgoing bodies are held to the wire contract like every answer of the API. */
const webhookPayload = Compile(AlertWebhookPayload);
const smsRequest = Compile(SmsGatewayRequest);

const receivers: Receiver[] = [];
const sockets: Socket[] = [];

async function receiver(...args: Parameters<typeof startReceiver>): Promise<Receiver> {
  const started = await startReceiver(...args);
  receivers.push(started);
  return started;
}

/** What a receiver does with a webhook: check the signature over the raw body, and that the timestamp is fresh. */
function signatureProblem(secret: string, request: ReceivedRequest): string | undefined {
  const timestamp = request.headers[ALERT_WEBHOOK_HEADERS.timestamp.toLowerCase()];
  const signature = request.headers[ALERT_WEBHOOK_HEADERS.signature.toLowerCase()];
  if (typeof timestamp !== 'string' || !/^\d+$/.test(timestamp)) return 'no timestamp';
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return 'stale timestamp';
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(`${timestamp}.${request.body}`).digest('hex')}`);
  const given = Buffer.from(String(signature));
  return given.length === expected.length && timingSafeEqual(given, expected) ? undefined : 'bad signature';
}

/** A webhook receiver that checks signatures (401 when wrong) and otherwise answers as `answer` says. */
async function signedReceiver(secretOf: () => string, answer: (index: number) => { status: number; body: string } | 'hang') {
  const problems: string[] = [];
  const started = await receiver((request, index) => {
    const problem = signatureProblem(secretOf(), request);
    if (problem) {
      problems.push(problem);
      return { status: 401, body: problem };
    }
    return answer(index);
  });
  return { ...started, problems };
}

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.disconnect();
  await Promise.all(receivers.splice(0).map((started) => started.close()));
});

const backends = await testBackends();

for (const backend of backends) {
  describe.skipIf(!backend.availability.available)(`alert delivery on ${backend.name} ${backend.availability.reason}`, () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer(backend.name, { env: RETRIES });
    });
    afterAll(() => server?.close());
    // Each test's channels hear only its own alert.
    afterEach(() => server.database.db.updateTable('alert_channels').set({ enabled: false }).execute());

    it('retries a webhook until its receiver takes it, signed every time, while a dead and a silent endpoint fail on their own', async () => {
      let secret = '';
      const flaky = await signedReceiver(
        () => secret,
        (index) => (index < 2 ? { status: 503, body: '{"error":"busy"}' } : { status: 200, body: '{"ok":true}' }),
      );
      const silent = await receiver(() => 'hang');
      const good = await createChannel(server, {
        kind: 'webhook',
        unitId: await unitId(server, 'BEILUN'),
        name: 'Beilun duty desk',
        webhook: { url: flaky.url },
      });
      secret = good.secret!;
      const dead = await createChannel(server, {
        kind: 'webhook',
        unitId: await unitId(server, 'NINGBO'),
        name: 'Ningbo, unplugged',
        webhook: { url: `http://127.0.0.1:${await freePort()}/alerts` },
      });
      const mute = await createChannel(server, {
        kind: 'webhook',
        unitId: await unitId(server, 'HQ'),
        name: 'HQ, never answers',
        webhook: { url: silent.url },
      });
      // Neither a disabled channel nor one of another district hears of it.
      const disabled = await createChannel(server, {
        kind: 'webhook',
        unitId: await unitId(server, 'BEILUN'),
        name: 'Off',
        enabled: false,
        webhook: { url: flaky.url },
      });
      const elsewhere = await createChannel(server, {
        kind: 'webhook',
        unitId: await unitId(server, 'SHANGHAI'),
        name: 'Shanghai',
        webhook: { url: flaky.url },
      });

      const { alertId, specimenId, deliveryIds } = await raiseAlert(server);
      expect(deliveryIds).toHaveLength(3);
      await expect.poll(async () => (await deliveryOf(server, alertId, good.id)).delivery?.status, POLL).toBe('delivered');
      // The silent endpoint still holds its first request: it held up nothing else.
      expect(silent.requests).toHaveLength(1);
      expect((await deliveryOf(server, alertId, mute.id)).attempts).toEqual([]);

      const { delivery, attempts } = await deliveryOf(server, alertId, good.id);
      expect(attempts.map((attempt) => attempt.status_code)).toEqual([503, 503, 200]);
      expect(attempts.map((attempt) => attempt.response_excerpt)).toEqual(['{"error":"busy"}', '{"error":"busy"}', '{"ok":true}']);
      expect(attempts[0]!.error).toBe('HTTP 503 Service Unavailable');
      expect(delivery).toMatchObject({ attempts: 3, last_status_code: 200, last_error: null });
      expect(delivery!.delivered_at).toBeInstanceOf(Date);
      expect(flaky.problems).toEqual([]);
      expect(flaky.requests).toHaveLength(3);
      for (const request of flaky.requests) {
        expect(request.method).toBe('POST');
        expect(request.headers['content-type']).toBe('application/json');
        expect(request.headers[ALERT_WEBHOOK_HEADERS.delivery.toLowerCase()]).toBe(delivery!.id);
        const payload: unknown = JSON.parse(request.body);
        expect([...webhookPayload.Errors(payload)]).toEqual([]);
        expect(payload).toMatchObject({
          event: 'alert.raised',
          deliveryId: delivery!.id,
          channel: { id: good.id, name: 'Beilun duty desk' },
          alert: {
            alertId,
            specimenId,
            status: 'open',
            reasons: ['watch_list', 'first_at_port'],
            taxon: WATCHED_TAXON,
            port: { code: 'CNNGB-BL' },
            unit: { code: 'BEILUN' },
            responsibleUnit: { code: 'NINGBO' },
          },
        });
        expect(payload).not.toHaveProperty('alert.unitPath');
      }

      await expect.poll(async () => (await deliveryOf(server, alertId, dead.id)).delivery?.status, POLL).toBe('failed');
      const refused = await deliveryOf(server, alertId, dead.id);
      expect(refused.attempts.map((attempt) => attempt.status_code)).toEqual([null, null, null, null]);
      for (const attempt of refused.attempts) expect(attempt.error).toMatch(/ECONNREFUSED/);
      expect(refused.delivery).toMatchObject({ attempts: 4, last_status_code: null, delivered_at: null });

      await expect.poll(async () => (await deliveryOf(server, alertId, mute.id)).attempts[0]?.error, POLL).toBe('no answer within 4000 ms');
      for (const channel of [disabled, elsewhere]) expect((await deliveryOf(server, alertId, channel.id)).delivery).toBeUndefined();
    });

    it('asks an SMS gateway to text the recipients, with its bearer token', async () => {
      const gateway = await receiver((request) =>
        request.headers.authorization === 'Bearer gateway-token-1234' ? { status: 202, body: '{"queued":2}' } : { status: 401 },
      );
      const channel = await createChannel(server, {
        kind: 'sms',
        unitId: await unitId(server, 'NINGBO'),
        name: 'Ningbo on-call phones',
        sms: { url: gateway.url, recipients: ['+8613800000001', '13900000002'], token: 'gateway-token-1234' },
      });
      const { alertId } = await raiseAlert(server);
      await expect.poll(async () => (await deliveryOf(server, alertId, channel.id)).delivery?.status, POLL).toBe('delivered');

      expect(gateway.requests).toHaveLength(1);
      const body: unknown = JSON.parse(gateway.requests[0]!.body);
      if (!smsRequest.Check(body)) throw new Error(`not an SmsGatewayRequest: ${JSON.stringify([...smsRequest.Errors(body)])}`);
      expect(body).toEqual({ to: ['+8613800000001', '13900000002'], message: expect.any(String), alertId });
      for (const part of [WATCHED_TAXON.nameZh, WATCHED_TAXON.nameEn, 'CNNGB-BL', '监测名录 watch list', '口岸首次 first at port']) {
        expect(body.message).toContain(part);
      }
      const { attempts } = await deliveryOf(server, alertId, channel.id);
      expect(attempts).toMatchObject([{ attempt: 1, status_code: 202, error: null, response_excerpt: '{"queued":2}' }]);
    });

    it("pushes an in-app alert to the people signed in at or below the channel's unit whose scope holds the specimen", async () => {
      const listen = async (username: string) => {
        const received: AlertNotice[] = [];
        const socket = connect(server.baseUrl, {
          transports: ['websocket'],
          auth: { token: await server.tokenFor(username) },
          reconnection: false,
        });
        sockets.push(socket);
        socket.on('alert.raised', (payload: LiveEvent<'alert.raised'>) => received.push(payload.alert));
        await new Promise<void>((resolve, reject) => {
          socket.once('connect', () => resolve());
          socket.once('connect_error', reject);
        });
        return received;
      };
      const hearers = { districtExpert: await listen('expert.ningbo'), submitter: await listen('staff.beilun') };
      const outsiders = {
        // Above the channel's unit, or in its subtree without the specimen in scope, or elsewhere.
        hqExpert: await listen('expert.hq'),
        admin: await listen('admin'),
        otherPort: await listen('staff.airport'),
        otherDistrict: await listen('staff.yangshan'),
      };
      const channel = await createChannel(server, { kind: 'in_app', unitId: await unitId(server, 'NINGBO'), name: 'Ningbo inbox' });
      const { alertId, specimenId } = await raiseAlert(server);

      for (const received of Object.values(hearers)) {
        await expect.poll(() => received.length, POLL).toBe(1);
        expect(received[0]).toEqual({
          alertId,
          status: 'open',
          reasons: ['watch_list', 'first_at_port'],
          taxon: WATCHED_TAXON,
          port: expect.objectContaining({ code: 'CNNGB-BL' }),
          specimenId,
          createdAt: expect.any(String),
        });
      }
      // Sent to everyone at once: anything bound for the others would have arrived by now.
      await sleep(300);
      for (const received of Object.values(outsiders)) expect(received).toEqual([]);
      const { delivery, attempts } = await deliveryOf(server, alertId, channel.id);
      expect(delivery).toMatchObject({ status: 'delivered', attempts: 1 });
      expect(attempts).toMatchObject([{ status_code: null, error: null }]);
    });
  });

  describe.skipIf(!backend.availability.available)(`alert delivery across a restart on ${backend.name}`, () => {
    it('sends a pending delivery whose in-process job died with its process once a new process starts', async () => {
      const database = await openTestDatabase(backend.name);
      let secret = '';
      const hook = await signedReceiver(
        () => secret,
        () => ({ status: 204, body: '' }),
      );
      // The first process only queues jobs (it runs none), then stops: the in-process queue goes with it.
      let first: TestApp | undefined = await createTestApp(backend.name, { ...RETRIES, IDENTIFY_JOBS_IN_API: 'false' }, database);
      let second: TestApp | undefined;
      try {
        const channel = await createChannel(first, {
          kind: 'webhook',
          unitId: await unitId(first, 'NINGBO'),
          name: 'Ningbo',
          webhook: { url: hook.url },
        });
        secret = channel.secret!;
        const { alertId } = await raiseAlert(first);
        const queued = await deliveryOf(first, alertId, channel.id);
        expect(queued.delivery).toMatchObject({ status: 'pending', attempts: 0 });
        expect(queued.delivery!.enqueued_at).toBeInstanceOf(Date);
        await first.close();
        first = undefined;
        expect(hook.requests).toEqual([]);

        second = await createTestApp(backend.name, RETRIES, database);
        await expect.poll(async () => (await deliveryOf(second!, alertId, channel.id)).delivery?.status, POLL).toBe('delivered');
        expect(hook.requests).toHaveLength(1);
        expect(hook.problems).toEqual([]);
        expect((await deliveryOf(second, alertId, channel.id)).attempts).toMatchObject([{ attempt: 1, status_code: 204 }]);
      } finally {
        await first?.close();
        await second?.close();
        await database.close();
      }
    });
  });
}

const redis = await redisAvailability();
const postgres = backends.find((backend) => backend.name === 'postgresql')!.availability;

describe.skipIf(!redis.available || !postgres.available)(
  `alert delivery through BullMQ (PostgreSQL + Redis) ${redis.reason} ${postgres.reason}`,
  () => {
    const queuePrefix = `vdtest-alerts-${randomUUID()}`;
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp('postgresql', { ...RETRIES, REDIS_URL, QUEUE_PREFIX: queuePrefix });
    });
    afterAll(async () => {
      await t?.close();
      await deleteRedisKeys(REDIS_URL, `${queuePrefix}:*`);
    });

    it("retries with the queue's backoff until the receiver takes it", async () => {
      let secret = '';
      const flaky = await signedReceiver(
        () => secret,
        (index) => (index < 2 ? { status: 503, body: 'busy' } : { status: 200, body: 'ok' }),
      );
      const channel = await createChannel(t, {
        kind: 'webhook',
        unitId: await unitId(t, 'BEILUN'),
        name: 'Beilun',
        webhook: { url: flaky.url },
      });
      secret = channel.secret!;
      const { alertId } = await raiseAlert(t);
      await expect.poll(async () => (await deliveryOf(t, alertId, channel.id)).delivery?.status, POLL).toBe('delivered');
      const { attempts } = await deliveryOf(t, alertId, channel.id);
      expect(attempts.map((attempt) => attempt.status_code)).toEqual([503, 503, 200]);
      expect(flaky.problems).toEqual([]);
      // The backoff doubles: 200 ms, then 400 ms.
      const [firstAt, secondAt, thirdAt] = flaky.requests.map((request) => request.at) as [number, number, number];
      expect(secondAt - firstAt).toBeGreaterThanOrEqual(190);
      expect(thirdAt - secondAt).toBeGreaterThanOrEqual(390);
    });
  },
);
