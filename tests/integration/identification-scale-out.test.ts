/**
 * Scale-out mode for real: the api (IDENTIFY_JOBS_IN_API=false, socket.io over the Redis adapter) and separate
 * `api/worker.ts` processes sharing one PostgreSQL schema, one Redis (BullMQ + socket.io) and one storage folder.
 */
import { randomUUID } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { io as connect, type Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import type { LiveEvent, SpecimenEventName, Specimen } from '../../api/contract/index.js';
import { liveGatewayRedis } from '../../api/realtime/live-gateway.js';
import { anonymous, as, type Client, type SignedInClient } from '../helpers/client.js';
import { openTestDatabase, type TestDatabase } from '../helpers/database.js';
import { identificationOf, waitForIdentification } from '../helpers/identification.js';
import { jpegImage } from '../helpers/images.js';
import { MODELS_DIR, newestPackageDir } from '../helpers/models.js';
import {
  freePort,
  killChildren,
  killProcess,
  redisServerOnPath,
  sleep,
  startRedisServer,
  startWorkerProcess,
  stopRedisServer,
  type WorkerProcess,
} from '../helpers/processes.js';
import { POSTGRES_URL, REDIS_URL, deleteRedisKeys, postgresAvailability, redisAvailability } from '../helpers/services.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { specimenForm, uploadSpecimen, validMetadata } from '../helpers/uploads.js';

const redis = await redisAvailability();
const postgres = await postgresAvailability();
const servicesReady = redis.available && postgres.available;

// ---------------------------------------------------------------------------------------------------------------
// Everything a test opens is closed after it, in reverse order, whatever happened; worker processes go first.

const cleanups: { what: string; run: () => Promise<unknown> }[] = [];
const sockets: Socket[] = [];

function onCleanup(what: string, run: () => Promise<unknown>): void {
  cleanups.push({ what, run });
}

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.disconnect();
  await killChildren('worker');
  for (const { what, run } of cleanups.splice(0).reverse()) {
    // A step that hangs (a connection to a Redis that is gone) must not keep the others from running.
    const outcome = await Promise.race([
      run().then(
        () => 'done',
        (error: unknown) => error,
      ),
      sleep(15_000).then(() => 'timed out'),
    ]);
    if (outcome !== 'done') console.warn(`cleanup "${what}" did not finish cleanly:`, outcome);
  }
  // Whatever is left (a redis-server whose stop did not finish).
  await killChildren();
});

// ---------------------------------------------------------------------------------------------------------------
// One scale-out deployment per test: fresh schema, unique queue prefix, shared storage, api server, workers.

interface WorkerOptions {
  env?: Record<string, string>;
  /** Test-only preload (tests/helpers/worker-read-probe.ts): report each photo read, or hold the job forever. */
  readProbe?: 'hold' | 'trace';
}

interface Deployment {
  server: TestServer;
  database: TestDatabase;
  /** The workers asked for, started alongside the api. */
  workers: WorkerProcess[];
}

interface DeploymentOptions {
  redisUrl: string;
  modelsDir?: string;
  /** Settings given to the api and to every worker alike. */
  env?: Record<string, string>;
  /** Worker processes to start together with the api (each takes seconds to load its models). */
  workers?: (WorkerOptions & { name: string })[];
}

async function deploy({ redisUrl, modelsDir = MODELS_DIR, env = {}, workers = [] }: DeploymentOptions): Promise<Deployment> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'vd-scale-out-'));
  onCleanup('temp folder', () => rm(root, { recursive: true, force: true }));
  const storageDir = path.join(root, 'storage');
  const queuePrefix = `vdtest-scale-${randomUUID()}`;
  // A private redis-server goes with all its keys; on the shared one, this test's keys are deleted.
  if (redisUrl === REDIS_URL) onCleanup('queue keys', () => deleteRedisKeys(redisUrl, `${queuePrefix}:*`));
  const database = await openTestDatabase('postgresql');
  onCleanup('database schema', () => database.close());
  const shared = {
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: queuePrefix,
    STORAGE_DIR: storageDir,
    MODELS_DIR: modelsDir,
    INFERENCE_INTRA_OP_THREADS: '1',
    ...env,
  };

  const startWorker = (name: string, options: WorkerOptions = {}) =>
    startWorkerProcess(
      name,
      {
        ...shared,
        DATABASE_URL: POSTGRES_URL,
        DATABASE_SCHEMA: database.schema!,
        DATA_DIR: path.join(root, 'worker-data'),
        LOG_LEVEL: 'info',
        ...options.env,
        ...(options.readProbe ? { READ_PROBE: options.readProbe, READ_PROBE_DIR: storageDir } : {}),
      },
      // Starting is not what is measured here: beside a browser test on two cores a worker took over 60 s to start.
      { preload: options.readProbe ? ['./tests/helpers/worker-read-probe.ts'] : [], timeoutMs: 180_000 },
    );

  // socket.io over Redis, wired as server.ts wires it.
  const live = liveGatewayRedis(redisUrl, pino({ level: 'silent' }));
  onCleanup('socket.io redis connections', async () => {
    live.publisher.disconnect();
    live.subscriber.disconnect();
  });
  const serverStarting = startTestServer('postgresql', {
    database,
    env: { ...shared, IDENTIFY_JOBS_IN_API: 'false' },
    redis: live,
  });
  serverStarting.then(
    (server) => onCleanup('api server', () => server.close()),
    () => undefined,
  );
  const [server, ...started] = await Promise.allSettled([
    serverStarting,
    ...workers.map(({ name, ...options }) => startWorker(name, options)),
  ]);
  for (const outcome of [server, ...started]) if (outcome.status === 'rejected') throw outcome.reason;
  return {
    server: (server as PromiseFulfilledResult<TestServer>).value,
    database,
    workers: started.map((outcome) => (outcome as PromiseFulfilledResult<WorkerProcess>).value),
  };
}

/** A private redis-server on a free port, for outages; stopped and its data removed after the test. */
async function privateRedis() {
  const port = await freePort();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'vd-scale-redis-'));
  onCleanup('redis data folder', () => rm(dir, { recursive: true, force: true }));
  // Append-only file, fsynced on every write: a restart that keeps the data loses nothing.
  let server = await startRedisServer(port, dir, true);
  onCleanup('private redis-server', () => stopRedisServer(server));
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: () => stopRedisServer(server),
    /** On the same port: with the data written so far (its append-only file replayed), or as an empty Redis. */
    restart: async (keepData: boolean) => {
      const dataDir = keepData ? dir : await mkdtemp(path.join(os.tmpdir(), 'vd-scale-redis-'));
      if (!keepData) onCleanup('redis data folder', () => rm(dataDir, { recursive: true, force: true }));
      server = await startRedisServer(port, dataDir, keepData);
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------

let imageSeed = 700;

async function submit(client: Client): Promise<Specimen> {
  imageSeed += 1;
  const response = await uploadSpecimen(client, validMetadata(), [{ name: 'a.jpg', data: await jpegImage(imageSeed) }]);
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

/** Waits for the specimen's identification as the workers' tests do; on a timeout, says what the workers wrote. */
function waitUntilIdentified(client: Client, id: string, workers: WorkerProcess[]) {
  const diagnostics = () => workers.map((worker) => `--- worker ${worker.name}:\n${worker.output()}`).join('\n');
  return waitForIdentification(client, id, { timeoutMs: 45_000, diagnostics });
}

async function ready(deployment: Deployment) {
  const response = await anonymous(deployment.server).getReadiness();
  return { statusCode: response.statusCode, body: response.statusCode === 200 ? response.json() : response.error() };
}

/** `identifications` rows (AI results) and the request row of each specimen, straight from the schema. */
async function storedState(deployment: Deployment, ids: string[]) {
  const { db } = deployment.database;
  const results = await db
    .selectFrom('identifications')
    .select(['specimen_id', 'model_key', 'created_at'])
    .where('specimen_id', 'in', ids)
    .execute();
  const requests = await db
    .selectFrom('identification_requests')
    .select(['specimen_id', 'status', 'enqueued_at'])
    .where('specimen_id', 'in', ids)
    .execute();
  return Object.fromEntries(
    ids.map((id) => [
      id,
      {
        results: results.filter((row) => row.specimen_id === id),
        request: requests.find((row) => row.specimen_id === id),
      },
    ]),
  );
}

async function expectExactlyOneResultEach(deployment: Deployment, ids: string[]): Promise<void> {
  const state = await storedState(deployment, ids);
  for (const id of ids) {
    expect(state[id]!.results, `identifications rows of ${id}`).toHaveLength(1);
    expect(state[id]!.request?.status).toBe('done');
  }
}

/** A socket.io client of the api recording every event it receives. */
async function listen(server: TestServer, client: SignedInClient) {
  const received: { event: string; payload: LiveEvent<SpecimenEventName> }[] = [];
  const socket = connect(server.baseUrl, { transports: ['websocket'], auth: { token: client.token }, reconnection: false });
  sockets.push(socket);
  socket.onAny((event: string, payload: LiveEvent<SpecimenEventName>) => received.push({ event, payload }));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return received;
}

const completionsFor = (received: { event: string; payload: LiveEvent<SpecimenEventName> }[], id: string) =>
  received.filter(({ event, payload }) => event === 'identification.completed' && payload.specimen.id === id);

// ---------------------------------------------------------------------------------------------------------------

// Worker processes may take minutes to start beside a browser test on two cores (see deploy); the tests allow for it.
describe.skipIf(!servicesReady)(
  `identification in scale-out mode: PostgreSQL + Redis + worker processes ${redis.reason} ${postgres.reason}`,
  { timeout: 360_000 },
  () => {
    it('a worker process identifies a submitted specimen and pushes identification.completed through Redis to the api socket', async () => {
      const metricsPort = await freePort();
      const deployment = await deploy({
        redisUrl: REDIS_URL,
        workers: [{ name: 'w1', env: { WORKER_METRICS_PORT: String(metricsPort) } }],
      });
      const [worker] = deployment.workers as [WorkerProcess];
      const staff = await as(deployment.server, 'staff.beilun');
      const submitterSocket = await listen(deployment.server, staff);
      const otherPortSocket = await listen(deployment.server, await as(deployment.server, 'staff.airport'));

      const specimen = await submit(staff);
      const identification = await waitUntilIdentified(staff, specimen.id, [worker]);
      expect(identification.status).toBe('done');
      expect(identification.error).toBeNull();
      expect(identification.taxon).toBeTruthy();
      expect(identification.confidence).toBeGreaterThan(0);
      expect(identification.model).toMatch(/^[a-z0-9-]+@[\w.-]+$/);
      expect(identification.models.some((model) => model.startsWith('vector-group@'))).toBe(true);
      expect(identification.timings).toMatchObject({
        queueMs: expect.any(Number),
        preprocessMs: expect.any(Number),
        inferenceMs: expect.any(Number),
      });

      // The api consumes no jobs (IDENTIFY_JOBS_IN_API=false): the event can only come from the worker, via Redis.
      await expect.poll(() => completionsFor(submitterSocket, specimen.id).length, { timeout: 10_000 }).toBe(1);
      expect(completionsFor(submitterSocket, specimen.id)[0]!.payload.specimen.identification).toMatchObject({
        status: 'done',
        taxon: identification.taxon,
        model: identification.model,
      });
      expect(otherPortSocket.filter(({ payload }) => payload.specimen.id === specimen.id)).toEqual([]);

      const readiness = await ready(deployment);
      expect(readiness.statusCode, JSON.stringify(readiness.body)).toBe(200);
      expect(readiness.body.checks.queue).toEqual({ ok: true, detail: 'bullmq' });
      const consuming = Number(/^(\d+) process\(es\) consuming/.exec(readiness.body.checks.workers!.detail)?.[1]);
      expect(consuming, readiness.body.checks.workers!.detail).toBeGreaterThanOrEqual(1);
      await expectExactlyOneResultEach(deployment, [specimen.id]);

      // Batch sizes and stage latencies are measured in the worker, which serves its own /metrics.
      const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      expect(metrics).toMatch(/vectordesk_inference_batch_images_count\{model="vector-group@[^"]+"\} [1-9]/);
      expect(metrics).toContain('vectordesk_identify_jobs_total{outcome="completed"} 1');
    });

    it('a job held by a worker killed with SIGKILL is finished by the surviving worker, once', async () => {
      // The doomed worker takes one job at a time and never gets past reading its photo (test-only read probe): it
      // holds its job, renewing the lock, until it is killed. The survivor reports each photo it reads.
      const deployment = await deploy({
        redisUrl: REDIS_URL,
        workers: [
          { name: 'doomed', readProbe: 'hold', env: { IDENTIFY_JOB_CONCURRENCY: '1' } },
          { name: 'survivor', readProbe: 'trace' },
        ],
      });
      const [doomed, survivor] = deployment.workers as [WorkerProcess, WorkerProcess];
      const staff = await as(deployment.server, 'staff.beilun');
      const pathOf = (specimen: Specimen) => path.resolve(deployment.server.store.originalPath(specimen.images[0]!.sha256));
      const heldPaths = () => doomed.lines.filter((line) => line.readProbe === 'hold').map((line) => line.path);

      // One specimen at a time until the doomed worker has taken one: each is either done by the survivor or held.
      const specimens: Specimen[] = [];
      let held: Specimen | undefined;
      while (!held) {
        expect(specimens.length, 'the doomed worker never took a job').toBeLessThan(8);
        const specimen = await submit(staff);
        specimens.push(specimen);
        await expect
          .poll(async () => heldPaths().includes(pathOf(specimen)) || (await identificationOf(staff, specimen.id)).status === 'done', {
            timeout: 45_000,
          })
          .toBe(true);
        if (heldPaths().includes(pathOf(specimen))) held = specimen;
      }
      // While the doomed worker lives, its job stays with it; the survivor takes everything else.
      for (const specimen of [await submit(staff), await submit(staff)]) {
        specimens.push(specimen);
        expect((await waitUntilIdentified(staff, specimen.id, [doomed, survivor])).status).toBe('done');
      }
      expect((await identificationOf(staff, held.id)).status).toBe('pending');
      // The survivor's last job is stored before BullMQ marks it completed: wait for that, then only the held job is active.
      await expect
        .poll(() => deployment.server.identification.queue.counts(), { timeout: 10_000 })
        .toMatchObject({ active: 1, waiting: 0 });

      const killedAt = Date.now();
      expect(await killProcess(doomed.child, 'SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
      // Lock expiry (5 s) + the survivor's stalled check (every 3 s) + the run itself.
      const identification = await waitUntilIdentified(staff, held.id, [survivor]);
      expect(identification.status).toBe('done');
      expect(identification.taxon).toBeTruthy();

      const ids = specimens.map((specimen) => specimen.id);
      await expectExactlyOneResultEach(deployment, ids);
      expect((await storedState(deployment, [held.id]))[held.id]!.results[0]!.created_at.getTime()).toBeGreaterThanOrEqual(killedAt - 1000);
      // The survivor read every photo, the held one included; the killed worker read only the one it held.
      const survivorReads = survivor.lines.filter((line) => line.readProbe === 'trace').map((line) => line.path);
      expect(new Set(survivorReads)).toEqual(new Set(specimens.map(pathOf)));
      expect(heldPaths()).toEqual([pathOf(held)]);
      await expect
        .poll(() => deployment.server.identification.queue.counts(), { timeout: 10_000 })
        .toMatchObject({ waiting: 0, active: 0, delayed: 0, failed: 0 });
    });

    it('an activation made through the api is picked up by a worker process within seconds', async () => {
      // The committed models plus a second version of vector-group (same network, another version number).
      const modelsDir = await mkdtemp(path.join(os.tmpdir(), 'vd-scale-models-'));
      onCleanup('models folder', () => rm(modelsDir, { recursive: true, force: true }));
      await cp(MODELS_DIR, modelsDir, {
        recursive: true,
        filter: (source) => !source.includes(`${path.sep}training`) && !source.endsWith('.pt'),
      });
      const extraVersion = '1.0.0';
      const extra = path.join(modelsDir, 'vector-group', extraVersion);
      await cp(await newestPackageDir('vector-group'), extra, { recursive: true, filter: (source) => !source.endsWith('.pt') });
      const card = JSON.parse(await readFile(path.join(extra, 'model.json'), 'utf8')) as Record<string, unknown>;
      await writeFile(path.join(extra, 'model.json'), JSON.stringify({ ...card, version: extraVersion }));

      const syncMs = 250;
      const deployment = await deploy({
        redisUrl: REDIS_URL,
        modelsDir,
        env: { MODEL_SYNC_INTERVAL_MS: String(syncMs) },
        workers: [{ name: 'w1' }],
      });
      const [worker] = deployment.workers as [WorkerProcess];
      const staff = await as(deployment.server, 'staff.beilun');
      const admin = await as(deployment.server, 'admin');

      const listed = await admin.listModels();
      const groups = listed.json().items.filter((item) => item.name === 'vector-group');
      expect(groups.map((item) => item.version)).toEqual(expect.arrayContaining([extraVersion, card.version]));
      expect(groups.every((item) => item.verified)).toBe(true);
      const before = groups.find((item) => item.active)!.version;
      const target = before === extraVersion ? String(card.version) : extraVersion;

      const first = await waitUntilIdentified(staff, (await submit(staff)).id, [worker]);
      expect(first.models).toContain(`vector-group@${before}`);

      const activated = await admin.activateModel({ params: { name: 'vector-group', version: target } });
      expect(activated.statusCode, activated.body).toBe(200);
      const activatedAt = performance.now();
      // The worker applies it at its next sync (every 250 ms) once the new session is loaded: specimens submitted from
      // then on name the new version. Submit one after another until one does, within a few seconds.
      let pickedUpAfterMs: number | undefined;
      const seen: string[][] = [];
      while (pickedUpAfterMs === undefined && performance.now() - activatedAt < 10_000) {
        const identification = await waitUntilIdentified(staff, (await submit(staff)).id, [worker]);
        seen.push(identification.models);
        if (identification.models.includes(`vector-group@${target}`)) pickedUpAfterMs = performance.now() - activatedAt;
        else await sleep(syncMs);
      }
      expect(pickedUpAfterMs, `models named after the activation: ${JSON.stringify(seen)}`).toBeDefined();
      // And it stays: the next specimen too.
      const next = await waitUntilIdentified(staff, (await submit(staff)).id, [worker]);
      expect(next.status).toBe('done');
      expect(next.models).toContain(`vector-group@${target}`);
      expect(next.models).not.toContain(`vector-group@${before}`);
    });

    describe.skipIf(!redisServerOnPath)(`Redis outages${redisServerOnPath ? '' : ' (no redis-server binary on the PATH)'}`, () => {
      it('lose and duplicate nothing: requests wait in the outbox and complete once Redis is back, with its data or empty', async () => {
        const privateServer = await privateRedis();
        const deployment = await deploy({
          redisUrl: privateServer.url,
          env: { IDENTIFY_SWEEP_INTERVAL_MS: '500', IDENTIFY_REQUEUE_AFTER_MS: '2000' },
          workers: [{ name: 'w1' }],
        });
        const [worker] = deployment.workers as [WorkerProcess];
        const staff = await as(deployment.server, 'staff.beilun');
        const events = await listen(deployment.server, staff);

        /** One outage of `outageMs`; the specimens it concerns are done, once each, after Redis is back. */
        const outage = async (round: string, { keepData, outageMs }: { keepData: boolean; outageMs: number }) => {
          // Before it: a job handed to Redis that no worker has taken yet (the worker is frozen meanwhile).
          worker.child.kill('SIGSTOP');
          const queuedBefore = await submit(staff);
          await expect
            .poll(async () => (await storedState(deployment, [queuedBefore.id]))[queuedBefore.id]!.request?.enqueued_at ?? null, {
              timeout: 10_000,
              message: round,
            })
            .not.toBeNull();
          expect(await deployment.server.identification.queue.counts(), round).toMatchObject({ waiting: 1, active: 0 });

          await privateServer.stop();
          const stoppedAt = performance.now();
          worker.child.kill('SIGCONT');

          // During it: the api accepts a specimen at once over HTTP; its request stays pending in the outbox.
          const startedAt = performance.now();
          const response = await fetch(`${deployment.server.baseUrl}/api/v1/specimens`, {
            method: 'POST',
            headers: { authorization: `Bearer ${staff.token}` },
            body: specimenForm(validMetadata(), [{ name: 'during.jpg', data: await jpegImage(++imageSeed) }]),
          });
          const answeredAfterMs = performance.now() - startedAt;
          expect(response.status, await response.clone().text()).toBe(201);
          expect(answeredAfterMs, round).toBeLessThan(3000);
          const duringOutage = (await response.json()) as Specimen;
          expect(duringOutage.identification?.status).toBe('pending');

          const readiness = await ready(deployment);
          expect(readiness.statusCode, round).toBe(503);
          expect(readiness.body.checks.queue!.ok).toBe(false);
          expect(readiness.body.checks.queue!.detail).toMatch(/unreachable/);
          expect(readiness.body.checks.database!.ok).toBe(true);

          // A few sweeps later: still pending, the new one never handed over, nothing identified.
          await sleep(1500);
          const during = await storedState(deployment, [queuedBefore.id, duringOutage.id]);
          expect(during[duringOutage.id]!.request, round).toMatchObject({ status: 'pending', enqueued_at: null });
          expect(during[queuedBefore.id]!.request?.status, round).toBe('pending');
          expect((await identificationOf(staff, duringOutage.id)).status).toBe('pending');

          await sleep(outageMs - (performance.now() - stoppedAt));
          await privateServer.restart(keepData);
          for (const specimen of [queuedBefore, duringOutage]) {
            expect((await waitUntilIdentified(staff, specimen.id, [worker])).status, round).toBe('done');
          }
          await expect
            .poll(async () => (await ready(deployment)).body.checks.queue, { timeout: 15_000, message: round })
            .toEqual({ ok: true, detail: 'bullmq' });
          expect((await ready(deployment)).statusCode, round).toBe(200);
          // The live push works again too: the worker's event reaches the api's socket through the restarted Redis. The
          // adapter's subscriber reconnects on its own backoff, which a busy machine stretches: what counts is that it comes.
          await expect.poll(() => completionsFor(events, duringOutage.id).length, { timeout: 20_000, message: round }).toBe(1);
          return [queuedBefore.id, duringOutage.id];
        };

        const ids = [
          // Redis restarted with its data (append-only file): the queued job is still there.
          ...(await outage('restarted with its data', { keepData: true, outageMs: 3000 })),
          // The worst case: Redis lost every key, after an outage longer than ioredis' default 20 reconnect attempts
          // (~10 s), after which a command still waiting would be rejected — and crash the api, had the live channel's
          // publish not been made to wait for the reconnect. The sweep hands the lost job over again.
          ...(await outage('restarted empty after 12 s', { keepData: false, outageMs: 12_000 })),
        ];
        // A couple of sweeps later: nothing done is handed over again, and nothing ran twice.
        await sleep(1000);
        await expectExactlyOneResultEach(deployment, ids);
        expect(await deployment.server.identification.queue.counts()).toMatchObject({ waiting: 0, active: 0, delayed: 0, failed: 0 });
      });
    });
  },
);
