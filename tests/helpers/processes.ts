import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { performance } from 'node:perf_hooks';

/**
 * Child processes of a test (inference workers, private redis-servers), killed after the test whatever happened,
 * and killed with the test process itself should it exit without its after-hooks.
 */
type ChildKind = 'worker' | 'redis-server';
const children = new Map<ChildProcess, ChildKind>();
process.once('exit', () => {
  for (const child of children.keys()) if (isRunning(child)) child.kill('SIGKILL');
});

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/** SIGKILLs every child process (of `kind`, else of any kind) still running, and waits for them to be gone. */
export async function killChildren(kind?: ChildKind): Promise<void> {
  const chosen = [...children].filter(([, childKind]) => !kind || childKind === kind).map(([child]) => child);
  for (const child of chosen) children.delete(child);
  await Promise.all(chosen.filter(isRunning).map((child) => killProcess(child, 'SIGKILL')));
}

/** Sends `signal` and resolves with how the process ended (a SIGSTOPped process is continued so it can die). */
export async function killProcess(
  child: ChildProcess,
  signal: NodeJS.Signals = 'SIGKILL',
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (!isRunning(child)) return { code: child.exitCode, signal: child.signalCode };
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, sig) => resolve({ code, signal: sig })),
  );
  child.kill(signal);
  if (signal !== 'SIGKILL') child.kill('SIGCONT');
  return exited;
}

/** A TCP port nothing listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

export const redisServerOnPath = spawnSync('redis-server', ['--version']).status === 0;

/**
 * A private redis-server on `port` with its data in `dir`: append-only file fsynced on every write when `persistent`,
 * nothing kept otherwise.
 */
export async function startRedisServer(port: number, dir: string, persistent: boolean): Promise<ChildProcess> {
  const server = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      persistent ? 'yes' : 'no',
      '--appendfsync',
      'always',
      '--dir',
      dir,
    ],
    { stdio: 'ignore' },
  );
  children.set(server, 'redis-server');
  server.once('error', () => undefined);
  const deadline = performance.now() + 20_000;
  while (!(await answersPing(port))) {
    if (!isRunning(server) || performance.now() > deadline) {
      await killProcess(server);
      throw new Error(`redis-server on port ${port} did not start`);
    }
    await sleep(50);
  }
  return server;
}

/** Stops a redis-server as an operator (or a crash-free restart) would: SIGTERM, then waits for it to exit. */
export async function stopRedisServer(server: ChildProcess): Promise<void> {
  await killProcess(server, 'SIGTERM');
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

export interface WorkerProcess {
  name: string;
  child: ChildProcess;
  /** Parsed JSON lines of its stdout (pino logs, read-probe lines), in order. */
  lines: Record<string, unknown>[];
  output(): string;
}

/**
 * `api/worker.ts` in its own process from the repository root, as `npm run worker` runs it (from source, through
 * tsx), with exactly `env` (plus PATH and HOME). `preload` modules are imported before it (test-only probes).
 * Resolves once it logs that it consumes identify jobs; rejects with its output if it exits or times out first.
 */
export async function startWorkerProcess(
  name: string,
  env: Record<string, string>,
  options: { preload?: string[]; timeoutMs?: number } = {},
): Promise<WorkerProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', ...(options.preload ?? []).flatMap((module) => ['--import', module]), 'api/worker.ts'],
    {
      cwd: process.cwd(),
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.set(child, 'worker');
  const lines: Record<string, unknown>[] = [];
  let raw = '';
  let pending = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    raw += chunk.toString();
    pending += chunk.toString();
    const complete = pending.split('\n');
    pending = complete.pop() ?? '';
    for (const line of complete) {
      if (!line.startsWith('{')) continue;
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // Not a JSON line: kept in the raw output only.
      }
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => (raw += chunk.toString()));
  child.once('error', () => undefined);
  const worker: WorkerProcess = { name, child, lines, output: () => raw.slice(-4000) };
  const deadline = performance.now() + (options.timeoutMs ?? 60_000);
  while (!lines.some((line) => typeof line.msg === 'string' && line.msg.startsWith('inference worker consuming'))) {
    if (!isRunning(child))
      throw new Error(`worker ${name} exited (${child.exitCode ?? child.signalCode}) before consuming jobs:\n${worker.output()}`);
    if (performance.now() > deadline) {
      await killProcess(child);
      throw new Error(`worker ${name} did not start consuming jobs in time:\n${worker.output()}`);
    }
    await sleep(50);
  }
  return worker;
}
