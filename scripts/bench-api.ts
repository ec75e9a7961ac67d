/**
 * `npm run bench:api [-- --quick] [-- --backend pglite|postgresql]`: the latency of the specimen list and detail reads
 * (`GET /api/v1/specimens?limit=50` as an administrator and as a port's staff, filtered by status, ordered by confidence,
 * and `GET /api/v1/specimens/:id`) on the real app, at 1, 8 and 32
 * closed-loop keep-alive clients, with 10,000 and then 100,000 specimens, on the embedded PGlite and on PostgreSQL.
 *
 * The server is a child process (scripts/bench-api-server.ts), so this load generator's CPU is not counted as the
 * server's: "server CPU ms/req" is the server process's CPU time (all its threads; for PGlite that includes the
 * database itself, for PostgreSQL not the PostgreSQL backends) over the phase, divided by the requests answered.
 * PostgreSQL is the one of BENCH_POSTGRES_URL (default `postgres://postgres@127.0.0.1:5432/test`): a fresh database
 * `vectordesk_bench_api` is created there and dropped afterwards; when it does not answer, its rows are skipped, saying why.
 *
 * `--quick`: a smoke run (1,000 specimens, 1 and 8 clients, one second per phase).
 */
import { fork, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { seededSpecimenId } from './bench-api-seed.js';
import { fixed, log, percentile, table } from './bench-lib.js';
import type { FromApiServer, ToApiServer } from './bench-api-server.js';

type Backend = 'pglite' | 'postgresql';
type Who = 'admin' | 'port';

interface Endpoint {
  name: string;
  who: Who;
  /** Why the latency target does not apply, for a row measured to be seen rather than held to it. */
  noTarget?: string;
  /** The request path of the i-th request of a phase. */
  path(index: number): string;
}

interface Phase {
  backend: Backend;
  specimens: number;
  endpoint: string;
  clients: number;
  requests: number;
  seconds: number;
  latenciesMs: number[];
  cpuMs: number;
  mainMs: number;
  errors: number;
}

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const backendArg = args.includes('--backend') ? args[args.indexOf('--backend') + 1] : undefined;
const BACKENDS: Backend[] = backendArg === 'pglite' || backendArg === 'postgresql' ? [backendArg] : ['pglite', 'postgresql'];
const SIZES = quick ? [1_000] : [10_000, 100_000];
const CLIENTS = quick ? [1, 8] : [1, 8, 32];
const PHASE_SECONDS = quick ? 1 : 4;
const WARMUP_REQUESTS = quick ? 20 : 100;
const POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const BENCH_DATABASE = 'vectordesk_bench_api';

/** The targets this benchmark states (docs/benchmarks/api.md). */
const TARGET = { backend: 'postgresql' as Backend, specimens: 100_000, clients: 8, p99Ms: 50, listCpuMs: 5 };

function endpointsFor(specimens: number): Endpoint[] {
  // A fixed spread over every specimen, the same in every run.
  const detailIds = Array.from({ length: 997 }, (_, index) => seededSpecimenId(1 + ((index * 7919) % specimens)));
  return [
    { name: 'list ?limit=50 (admin)', who: 'admin', path: () => '/api/v1/specimens?limit=50' },
    { name: 'list ?limit=50 (port user)', who: 'port', path: () => '/api/v1/specimens?limit=50' },
    { name: 'list ?status=in_review&limit=50 (admin)', who: 'admin', path: () => '/api/v1/specimens?status=in_review&limit=50' },
    { name: 'list ?sort=-confidence&limit=50 (admin)', who: 'admin', path: () => '/api/v1/specimens?sort=-confidence&limit=50' },
    // Every request another page, spread over the table: pages whose answers were not read before (ADR 0040).
    {
      name: 'list ?limit=50&offset=… spread (admin)',
      who: 'admin',
      noTarget:
        'an offset is read row by row up to the page (half the table on average): pages deep in a large table need a cursor, not an offset',
      path: (index) => `/api/v1/specimens?limit=50&offset=${50 * ((index * 7919) % Math.floor(specimens / 50))}`,
    },
    { name: 'detail /:id (admin)', who: 'admin', path: (index) => `/api/v1/specimens/${detailIds[index % detailIds.length]}` },
  ];
}

// --- the server child ------------------------------------------------------------------------------------------

interface ApiServer {
  url: URL;
  tokens: Record<Who, string>;
  seed(total: number): Promise<number>;
  cpu(): Promise<{ cpuMs: number; mainThreadActiveMs: number }>;
  stop(): Promise<void>;
}

async function startServer(env: Record<string, string>): Promise<ApiServer> {
  const child: ChildProcess = fork(path.resolve('scripts', 'bench-api-server.ts'), [], {
    execArgv: [
      '--import',
      'tsx',
      ...(process.env.BENCH_API_SERVER_PROFILE ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_API_SERVER_PROFILE] : []),
    ],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, ...env },
  });
  const waiters: { resolve(message: FromApiServer): void; reject(error: Error): void }[] = [];
  let exitCode: number | null | undefined;
  child.on('message', (message: FromApiServer) => waiters.shift()?.resolve(message));
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code) => {
      exitCode = code;
      for (const waiter of waiters.splice(0)) waiter.reject(new Error(`bench server exited with code ${code}`));
      resolve();
    }),
  );
  const ask = (message: ToApiServer | undefined) =>
    new Promise<FromApiServer>((resolve, reject) => {
      if (exitCode !== undefined) return reject(new Error(`bench server exited with code ${exitCode}`));
      waiters.push({ resolve, reject });
      if (message) child.send(message);
    });
  const ready = await ask(undefined);
  if (ready.type !== 'ready') throw new Error(`bench server failed: ${ready.type === 'failed' ? ready.error : ready.type}`);
  let stopped = false;
  return {
    url: new URL(ready.url),
    tokens: ready.tokens,
    async seed(total) {
      const answer = await ask({ type: 'seed', total });
      if (answer.type !== 'seeded') throw new Error(`seeding failed: ${answer.type === 'failed' ? answer.error : answer.type}`);
      return answer.seconds;
    },
    async cpu() {
      const answer = await ask({ type: 'cpu' });
      if (answer.type !== 'cpu') throw new Error(`unexpected answer from the bench server: ${answer.type}`);
      return answer;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      child.send({ type: 'stop' } satisfies ToApiServer);
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

// --- load ------------------------------------------------------------------------------------------------------

function get(agent: http.Agent, url: URL, requestPath: string, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      { agent, host: url.hostname, port: url.port, path: requestPath, headers: { authorization: `Bearer ${token}` } },
      (response) => {
        response.on('data', () => undefined);
        response.on('end', () => resolve(response.statusCode ?? 0));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end();
  });
}

/** `clients` closed-loop clients, each on its own keep-alive connection, for `seconds`: every latency, and the errors. */
async function load(server: ApiServer, endpoint: Endpoint, clients: number, seconds: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
  const token = server.tokens[endpoint.who];
  const latenciesMs: number[] = [];
  let errors = 0;
  let next = 0;
  const deadline = performance.now() + seconds * 1000;
  const client = async () => {
    while (performance.now() < deadline) {
      const started = performance.now();
      const status = await get(agent, server.url, endpoint.path(next++), token);
      if (status === 200) latenciesMs.push(performance.now() - started);
      else errors += 1;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: clients }, client));
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  return { latenciesMs, errors, seconds: elapsed };
}

async function warmUp(server: ApiServer, endpoint: Endpoint): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  for (let index = 0; index < WARMUP_REQUESTS; index++) {
    const status = await get(agent, server.url, endpoint.path(index), server.tokens[endpoint.who]);
    if (status !== 200) throw new Error(`${endpoint.name}: HTTP ${status}`);
  }
  agent.destroy();
}

// --- the run ---------------------------------------------------------------------------------------------------

/** A fresh, empty PostgreSQL database for the run, and how to drop it; or why PostgreSQL is skipped. */
async function freshPostgres(): Promise<{ url: string; drop(): Promise<void> } | { skipped: string }> {
  const admin = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 2000 });
  try {
    await admin.connect();
  } catch (error) {
    return { skipped: `PostgreSQL unreachable at ${POSTGRES_URL} (${(error as Error).message})` };
  }
  try {
    await admin.query(`drop database if exists ${BENCH_DATABASE}`);
    await admin.query(`create database ${BENCH_DATABASE}`);
  } finally {
    await admin.end();
  }
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${BENCH_DATABASE}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      try {
        await client.query(`drop database if exists ${BENCH_DATABASE} with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}

async function benchBackend(backend: Backend, phases: Phase[], notes: string[]): Promise<void> {
  let env: Record<string, string> = { DATABASE_URL: '' };
  let drop: (() => Promise<void>) | undefined;
  if (backend === 'postgresql') {
    const database = await freshPostgres();
    if ('skipped' in database) {
      notes.push(`postgresql: skipped: ${database.skipped}`);
      return;
    }
    env = { DATABASE_URL: database.url };
    drop = database.drop;
  }
  const server = await startServer(env);
  try {
    for (const specimens of SIZES) {
      const seedSeconds = await server.seed(specimens);
      log(`${backend}: ${specimens} specimens seeded in ${seedSeconds.toFixed(1)} s`);
      notes.push(`${backend}: seeding up to ${specimens.toLocaleString('en')} specimens took ${seedSeconds.toFixed(1)} s`);
      for (const endpoint of endpointsFor(specimens)) {
        await warmUp(server, endpoint);
        for (const clients of CLIENTS) {
          const before = await server.cpu();
          const result = await load(server, endpoint, clients, PHASE_SECONDS);
          const after = await server.cpu();
          const phase: Phase = {
            backend,
            specimens,
            endpoint: endpoint.name,
            clients,
            requests: result.latenciesMs.length,
            seconds: result.seconds,
            latenciesMs: result.latenciesMs,
            cpuMs: after.cpuMs - before.cpuMs,
            mainMs: after.mainThreadActiveMs - before.mainThreadActiveMs,
            errors: result.errors,
          };
          phases.push(phase);
          log(row(phase).join('  '));
        }
      }
    }
  } finally {
    await server.stop();
    await drop?.();
  }
}

function row(phase: Phase): string[] {
  const answered = phase.requests + phase.errors;
  return [
    phase.backend,
    phase.specimens.toLocaleString('en'),
    phase.endpoint,
    String(phase.clients),
    fixed(phase.requests / phase.seconds, 0),
    fixed(percentile(phase.latenciesMs, 50)),
    fixed(percentile(phase.latenciesMs, 99)),
    fixed(answered ? phase.cpuMs / answered : Number.NaN, 2),
    fixed(answered ? phase.mainMs / answered : Number.NaN, 2),
    String(phase.errors),
  ];
}

function targets(phases: Phase[], notes: string[]): string[] {
  const lines: string[] = [];
  const find = (endpoint: string, backend: Backend, specimens: number, clients: number) =>
    phases.find(
      (phase) => phase.endpoint === endpoint && phase.backend === backend && phase.specimens === specimens && phase.clients === clients,
    );
  const largest = SIZES.at(-1)!;
  const smallest = SIZES[0]!;
  const endpointNames = endpointsFor(smallest).map((endpoint) => endpoint.name);
  const targetSize = quick ? largest : TARGET.specimens;
  for (const { name, noTarget } of endpointsFor(smallest)) {
    if (noTarget) {
      lines.push(`no target for ${name}: ${noTarget}`);
      continue;
    }
    const phase = find(name, TARGET.backend, targetSize, TARGET.clients);
    if (!phase) {
      lines.push(
        `target p99 < ${TARGET.p99Ms} ms, ${name}, ${TARGET.clients} clients, ${TARGET.backend}, ${targetSize} specimens: not measured`,
      );
      continue;
    }
    const p99 = percentile(phase.latenciesMs, 99);
    lines.push(
      `target p99 < ${TARGET.p99Ms} ms, ${name}, ${TARGET.clients} clients, ${TARGET.backend}, ${targetSize.toLocaleString('en')} specimens: ` +
        `${fixed(p99)} ms ${p99 < TARGET.p99Ms && phase.errors === 0 ? 'MET' : 'MISSED'}`,
    );
  }
  for (const backend of BACKENDS) {
    const phase = find(endpointNames[0]!, backend, largest, 1);
    if (!phase) continue;
    const cpu = phase.cpuMs / Math.max(1, phase.requests + phase.errors);
    lines.push(
      `target server CPU < ${TARGET.listCpuMs} ms per list of 50, ${backend}, 1 client, ${largest.toLocaleString('en')} specimens: ` +
        `${fixed(cpu, 2)} ms ${cpu < TARGET.listCpuMs ? 'MET' : 'MISSED'}`,
    );
  }
  if (largest !== smallest) {
    for (const backend of BACKENDS)
      for (const name of endpointNames) {
        const big = find(name, backend, largest, TARGET.clients);
        const small = find(name, backend, smallest, TARGET.clients);
        if (!big || !small) continue;
        lines.push(
          `p99 at ${largest.toLocaleString('en')} / ${smallest.toLocaleString('en')} specimens, ${backend}, ${name}, ${TARGET.clients} clients: ` +
            `${fixed(percentile(big.latenciesMs, 99) / percentile(small.latenciesMs, 99), 2)}×`,
        );
      }
  }
  return [...lines, ...notes];
}

const phases: Phase[] = [];
const notes: string[] = [];
log(
  `${quick ? 'quick run' : 'full run'}: ${BACKENDS.join(', ')}; ${SIZES.join(', ')} specimens; ${CLIENTS.join(', ')} clients; ${PHASE_SECONDS} s per phase`,
);
for (const backend of BACKENDS) await benchBackend(backend, phases, notes);
console.log(
  `bench:api — node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${PHASE_SECONDS} s per phase, load generator in its own process`,
);
console.log(
  table(
    ['backend', 'specimens', 'endpoint', 'clients', 'req/s', 'p50 ms', 'p99 ms', 'server CPU ms/req', 'main thread ms/req', 'errors'],
    phases.map(row),
  ),
);
console.log('');
for (const line of targets(phases, notes)) console.log(line);
