import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { AnswerOf, endpoints, LoginAnswer, MeAnswer } from '../../api/contract/index.js';
import { MEDIASOUP_WORKER_BIN, mediasoupAvailability, POSTGRES_URL, postgresAvailability } from '../helpers/services.js';

interface RunningServer {
  process: ChildProcess;
  baseUrl: string;
  logLines: Record<string, unknown>[];
  readyAfterMs: number;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

const mediasoup = await mediasoupAvailability();
/** Live rooms with one mediasoup worker where one can run here; without live rooms (said so by the test setup) otherwise. */
const RTC_ENV: Record<string, string> = mediasoup.available
  ? { RTC_WORKERS: '1', ...(MEDIASOUP_WORKER_BIN ? { MEDIASOUP_WORKER_BIN } : {}) }
  : { RTC_ENABLED: 'false' };

/** Starts `api/server.ts` as its own process, as `npm start` does (from source, so no build is needed), and waits for /ready. */
async function startServer(env: Record<string, string>): Promise<RunningServer> {
  const port = await freePort();
  const startedAt = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'api/server.ts'], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: String(port), HOST: '127.0.0.1', ...RTC_ENV, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logLines: Record<string, unknown>[] = [];
  let buffered = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) if (line.startsWith('{')) logLines.push(JSON.parse(line) as Record<string, unknown>);
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}: ${stderr}`);
    const ready = await fetch(`${baseUrl}/ready`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return { process: child, baseUrl, logLines, readyAfterMs: Date.now() - startedAt };
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  child.kill('SIGKILL');
  throw new Error(`server did not become ready: ${stderr}`);
}

async function stopServer(server: RunningServer): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => server.process.once('exit', (code) => resolve(code)));
  server.process.kill('SIGTERM');
  return exited;
}

async function login(baseUrl: string, username: string, password: string) {
  return fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
}

// Starting real processes on a fresh embedded database is slow on a busy 2-core machine; the timeout is generous.
describe('the service process with no configuration (embedded PGlite, local storage)', { timeout: 240_000 }, () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('starts, logs its backends, seeds an admin with a generated password once, and keeps data across restarts', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'vectordesk-process-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const first = await startServer({ DATA_DIR: dataDir });
    cleanups.push(async () => first.process.kill('SIGKILL'));

    const backends = first.logLines.find((line) => line.msg === 'VectorDesk backends')?.backends as Record<string, string>;
    expect(backends.database).toBe(`embedded PGlite ${path.join(dataDir, 'db')}`);
    expect(backends.storage).toBe(`local disk ${path.join(dataDir, 'storage')}`);
    expect(backends.queue).toBe('in-process');
    expect(backends.rtc).toMatch(mediasoup.available ? /^1 mediasoup worker\(s\).*WebRTC on 127\.0\.0\.1 ports 40000-49999/ : /disabled/);
    const seeded = first.logLines.find((line) => typeof line.password === 'string');
    expect(seeded).toMatchObject({ username: 'admin' });
    const password = seeded!.password as string;
    expect(password.length).toBeGreaterThanOrEqual(16);

    const loggedIn = await login(first.baseUrl, 'admin', password);
    expect(loggedIn.status).toBe(200);
    const { token } = (await loggedIn.json()) as LoginAnswer;
    const ports = (await (
      await fetch(`${first.baseUrl}/api/v1/ports`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as AnswerOf<typeof endpoints.listPorts>;
    expect(ports.items.map((port) => port.code)).toEqual(['CNNGB-BL', 'CNNGB-LS', 'CNSHA-YS']);
    expect(await stopServer(first)).toBe(0);

    const second = await startServer({ DATA_DIR: dataDir });
    cleanups.push(async () => second.process.kill('SIGKILL'));
    expect(second.logLines.some((line) => 'password' in line)).toBe(false);
    expect((await login(second.baseUrl, 'admin', password)).status).toBe(200);
    expect(await stopServer(second)).toBe(0);
  });

  it('refuses to start when live rooms are on but no mediasoup worker can run, saying what to set', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'vectordesk-process-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const failed = await startServer({
      DATA_DIR: dataDir,
      RTC_ENABLED: 'true',
      MEDIASOUP_WORKER_BIN: path.join(dataDir, 'no-such-mediasoup-worker'),
    }).then(
      () => undefined,
      (error: Error) => error,
    );
    expect(failed?.message).toMatch(/server exited with 1/);
    expect(failed?.message).toMatch(/could not start mediasoup workers.*RTC_ENABLED=false/s);
  });
});

const postgres = await postgresAvailability();

describe.skipIf(!postgres.available)(`the service process on PostgreSQL (DATABASE_URL) ${postgres.reason}`, { timeout: 240_000 }, () => {
  const databaseName = `vd_process_${process.pid}_${Date.now()}`;
  const admin = () => new pg.Client({ connectionString: POSTGRES_URL });
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it("lets two processes migrate and seed a fresh database together, and accept each other's tokens", async () => {
    const client = admin();
    await client.connect();
    await client.query(`create database ${databaseName}`);
    await client.end();
    cleanups.push(async () => {
      const dropper = admin();
      await dropper.connect();
      await dropper.query(`drop database if exists ${databaseName} with (force)`);
      await dropper.end();
    });
    const url = new URL(POSTGRES_URL);
    url.pathname = `/${databaseName}`;
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'vectordesk-process-pg-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const env = {
      DATABASE_URL: url.toString(),
      DATA_DIR: dataDir,
      VECTORDESK_ADMIN_PASSWORD: 'admin-on-postgres',
      VECTORDESK_SEED_DEMO: 'true',
    };

    // Both start at once on the empty database: migrations and seeding must not collide.
    const [first, second] = await Promise.all([startServer(env), startServer(env)]);
    cleanups.push(
      async () => first.process.kill('SIGKILL'),
      async () => second.process.kill('SIGKILL'),
    );
    expect((first.logLines.find((line) => line.msg === 'VectorDesk backends')?.backends as Record<string, string>).database).toMatch(
      /^postgresql postgres:/,
    );

    const response = await login(first.baseUrl, 'staff.beilun', 'vectordesk-demo');
    expect(response.status).toBe(200);
    const { token } = (await response.json()) as LoginAnswer;
    // A token issued by one api process is accepted by another: the signing secret lives in the database.
    const me = await fetch(`${second.baseUrl}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(((await me.json()) as MeAnswer).user.username).toBe('staff.beilun');
    expect(await stopServer(first)).toBe(0);
    expect(await stopServer(second)).toBe(0);
  });
});
