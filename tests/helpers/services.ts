import net from 'node:net';
import { Redis } from 'ioredis';
import pg from 'pg';
import { checkFfmpeg, type FfmpegTools } from '../../rtc/recording/ffmpeg.js';

export const POSTGRES_URL = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.TEST_REDIS_URL ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface ServiceAvailability {
  available: boolean;
  /** Why the tests that need it are skipped; empty when available. */
  reason: string;
}

/** Whether the real PostgreSQL answers a query: tests that need it skip with this reason otherwise. */
export async function postgresAvailability(): Promise<ServiceAvailability> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return { available: true, reason: '' };
  } catch (error) {
    return { available: false, reason: `PostgreSQL unreachable at ${POSTGRES_URL} (${(error as Error).message})` };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Whether the real Redis answers PING. */
export async function redisAvailability(): Promise<ServiceAvailability> {
  const { hostname, port } = new URL(REDIS_URL);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port || 6379) });
    const fail = (why: string) => {
      socket.destroy();
      resolve({ available: false, reason: `Redis unreachable at ${REDIS_URL} (${why})` });
    };
    socket.setTimeout(2000, () => fail('timeout'));
    socket.once('error', (error) => fail(error.message));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(
        data.toString().startsWith('+PONG')
          ? { available: true, reason: '' }
          : { available: false, reason: `Redis at ${REDIS_URL} answered ${data.toString().trim()}` },
      );
    });
  });
}

/** Deletes every key matching `pattern` (a test's keys on a shared Redis) with SCAN; rejects if Redis does not answer. */
export async function deleteRedisKeys(redisUrl: string, pattern: string): Promise<void> {
  const client = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      if (keys.length > 0) await client.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
}

/** A mediasoup worker binary to use instead of the package's own (one built offline, say). */
export const MEDIASOUP_WORKER_BIN = process.env.MEDIASOUP_WORKER_BIN || undefined;

let mediasoupProbe: Promise<ServiceAvailability> | undefined;

/**
 * Whether a mediasoup worker starts here (the package's own binary, or MEDIASOUP_WORKER_BIN): live-room tests that
 * need one skip with this reason otherwise, and test apps run with live rooms disabled. Probed once per process.
 */
export function mediasoupAvailability(): Promise<ServiceAvailability> {
  mediasoupProbe ??= (async () => {
    try {
      const mediasoup = await import('mediasoup');
      const worker = await mediasoup.createWorker({
        logLevel: 'error',
        ...(MEDIASOUP_WORKER_BIN ? { workerBin: MEDIASOUP_WORKER_BIN } : {}),
      });
      worker.close();
      return { available: true, reason: '' };
    } catch (error) {
      const where = MEDIASOUP_WORKER_BIN
        ? `MEDIASOUP_WORKER_BIN=${MEDIASOUP_WORKER_BIN}`
        : "the mediasoup package's own worker (set MEDIASOUP_WORKER_BIN to use another)";
      return { available: false, reason: `no mediasoup worker starts from ${where}: ${(error as Error).message}` };
    }
  })();
  return mediasoupProbe;
}

/** FFmpeg and ffprobe as the server would find them (FFMPEG_PATH, FFPROBE_PATH, else PATH). */
export const FFMPEG_TOOLS: FfmpegTools = { ffmpeg: process.env.FFMPEG_PATH || 'ffmpeg', ffprobe: process.env.FFPROBE_PATH || 'ffprobe' };

/** Whether FFmpeg runs here (Debian's ffmpeg package): recording tests skip with this reason otherwise. */
export async function ffmpegAvailability(): Promise<ServiceAvailability> {
  try {
    await checkFfmpeg(FFMPEG_TOOLS);
    return { available: true, reason: '' };
  } catch (error) {
    return { available: false, reason: (error as Error).message };
  }
}
