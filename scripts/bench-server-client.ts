/**
 * Starts scripts/bench-server.ts (the real app on an in-memory PGlite) as a child process for a benchmark and talks to
 * it over IPC. The child gets the parent's environment with the embedded backends, no live rooms and quiet logs,
 * overridden by `env` (which must set DATA_DIR and VECTORDESK_ADMIN_PASSWORD).
 */
import { fork, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import type { FromServer, ToServer } from './bench-server.js';

export interface BenchServer {
  url: URL;
  token: string;
  inference: string;
  /** The server process's id (its /proc entry tells its memory). */
  pid: number;
  cpu(): Promise<{ cpuMs: number; mainThreadActiveMs: number }>;
  stop(): Promise<void>;
}

export async function startBenchServer(env: Record<string, string> & { DATA_DIR: string }): Promise<BenchServer> {
  const child: ChildProcess = fork(path.resolve('scripts', 'bench-server.ts'), [], {
    // BENCH_SERVER_NODE_ARGS: extra Node options for the server only, e.g. `--cpu-prof --cpu-prof-dir=prof` to profile it.
    execArgv: ['--import', 'tsx', ...(process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean)],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: {
      ...process.env,
      DATABASE_URL: '',
      REDIS_URL: '',
      WEB_DIST_DIR: path.join(env.DATA_DIR, 'no-web'),
      LOG_LEVEL: 'silent',
      // Live rooms are not measured by these benchmarks; their mediasoup workers would only take cores.
      RTC_ENABLED: 'false',
      ...env,
    },
  });
  const waiters: { resolve(message: FromServer): void; reject(error: Error): void }[] = [];
  let exitCode: number | null | undefined;
  child.on('message', (message: FromServer) => waiters.shift()?.resolve(message));
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code) => {
      exitCode = code;
      for (const waiter of waiters.splice(0)) waiter.reject(new Error(`bench server exited with code ${code}`));
      resolve();
    }),
  );
  const nextMessage = () =>
    new Promise<FromServer>((resolve, reject) => {
      if (exitCode !== undefined) reject(new Error(`bench server exited with code ${exitCode}`));
      else waiters.push({ resolve, reject });
    });
  const ready = await nextMessage();
  if (ready.type !== 'ready') throw new Error(`bench server failed: ${ready.type === 'failed' ? ready.error : ready.type}`);
  let stopped = false;
  return {
    url: new URL(ready.url),
    token: ready.token,
    inference: ready.inference,
    pid: child.pid!,
    async cpu() {
      const answer = nextMessage();
      child.send({ type: 'cpu' } satisfies ToServer);
      const message = await answer;
      if (message.type !== 'cpu') throw new Error(`unexpected message from the bench server: ${message.type}`);
      return message;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      child.send({ type: 'stop' } satisfies ToServer);
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

const BOUNDARY = '----vectordesk-bench-boundary';

/** A multipart body of text `fields` and `images` files, as a browser sends one. */
export function imagesMultipart(
  files: readonly { data: Buffer; filename: string; type: string }[],
  fields: Readonly<Record<string, string>> = {},
): Buffer {
  return Buffer.concat([
    ...Object.entries(fields).map(([name, value]) =>
      Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
    ),
    ...files.flatMap((file) => [
      Buffer.from(
        `--${BOUNDARY}\r\nContent-Disposition: form-data; name="images"; filename="${file.filename}"\r\nContent-Type: ${file.type}\r\n\r\n`,
      ),
      file.data,
      Buffer.from('\r\n'),
    ]),
    Buffer.from(`--${BOUNDARY}--\r\n`),
  ]);
}

/** `POST /api/v1/identify` with a body from {@link imagesMultipart}: the answer's status, or -1 when the connection failed. */
export function postIdentify(server: BenchServer, body: Buffer, agent?: http.Agent): Promise<number> {
  return postMultipart(server, '/api/v1/identify', body, agent);
}

/** A multipart body from {@link imagesMultipart} posted to `url`: the answer's status, or -1 when the connection failed. */
export function postMultipart(server: BenchServer, url: string, body: Buffer, agent?: http.Agent): Promise<number> {
  return new Promise((resolve) => {
    const request = http.request(
      {
        host: server.url.hostname,
        port: server.url.port,
        path: url,
        method: 'POST',
        agent,
        headers: {
          authorization: `Bearer ${server.token}`,
          'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
          'content-length': body.length,
        },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
        response.on('error', () => resolve(-1));
      },
    );
    request.on('error', () => resolve(-1));
    request.end(body);
  });
}

/** Identify jobs this server has completed so far and those waiting in its queue, from its `/metrics`. */
export async function identifyJobs(server: BenchServer): Promise<{ completed: number; waiting: number }> {
  const text = await (await fetch(new URL('/metrics', server.url))).text();
  const value = (pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? 0);
  return {
    completed: value(/^vectordesk_identify_jobs_total\{outcome="completed"\} (\S+)$/m),
    waiting: value(/^vectordesk_identify_queue_jobs\{state="waiting"\} (\S+)$/m),
  };
}
