import { execFile, spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** Where the recorder finds FFmpeg and ffprobe (Debian's `ffmpeg` package). */
export interface FfmpegTools {
  ffmpeg: string;
  ffprobe: string;
}

export class RecorderUnavailable extends Error {}

/** Fails with RecorderUnavailable (saying what to install or set) when FFmpeg cannot be run. */
export async function checkFfmpeg(tools: FfmpegTools): Promise<string> {
  try {
    const { stdout } = await execFileAsync(tools.ffmpeg, ['-hide_banner', '-version'], { timeout: 10_000 });
    return stdout.split('\n')[0] ?? 'ffmpeg';
  } catch (error) {
    throw new RecorderUnavailable(
      `recording needs FFmpeg, and "${tools.ffmpeg}" does not run (${(error as Error).message}); install Debian's ffmpeg package or set FFMPEG_PATH`,
    );
  }
}

export interface ProbedStream {
  codec: string;
  kind: 'audio' | 'video';
  width?: number;
  height?: number;
}

export interface ProbedMedia {
  durationMs: number;
  streams: ProbedStream[];
}

/** What a media file holds, as ffprobe reads it (undefined when it holds nothing readable). */
export async function probeMedia(tools: FfmpegTools, file: string): Promise<ProbedMedia | undefined> {
  try {
    const { stdout } = await execFileAsync(
      tools.ffprobe,
      ['-v', 'error', '-show_entries', 'format=duration:stream=codec_name,codec_type,width,height', '-of', 'json', file],
      { timeout: 30_000 },
    );
    const probed = JSON.parse(stdout) as {
      format?: { duration?: string };
      streams?: { codec_name?: string; codec_type?: string; width?: number; height?: number }[];
    };
    const streams = (probed.streams ?? [])
      .filter((stream) => stream.codec_type === 'audio' || stream.codec_type === 'video')
      .map((stream) => ({
        codec: stream.codec_name ?? 'unknown',
        kind: stream.codec_type as 'audio' | 'video',
        ...(stream.width ? { width: stream.width } : {}),
        ...(stream.height ? { height: stream.height } : {}),
      }));
    if (streams.length === 0) return undefined;
    const seconds = Number(probed.format?.duration);
    return { durationMs: Number.isFinite(seconds) ? Math.round(seconds * 1000) : 0, streams };
  } catch {
    return undefined;
  }
}

/** Runs FFmpeg to completion, failing with the end of its error output. */
export function runFfmpeg(tools: FfmpegTools, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(tools.ffmpeg, ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const errors = collectTail(child);
    child.once('error', reject);
    child.once('exit', (code, signal) => (code === 0 ? resolve() : reject(new Error(`ffmpeg exited with ${signal ?? code}: ${errors()}`))));
  });
}

/** The last few KiB a child wrote to stderr, for error messages. */
export function collectTail(child: ChildProcess, limit = 4096): () => string {
  let tail = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    tail = (tail + chunk).slice(-limit);
  });
  return () => tail.trim();
}

/**
 * Asks FFmpeg to finish, so it writes its file's index. One SIGINT ends its loop at the next packet; a second also
 * interrupts a read that is waiting for packets that will not come (a silent producer); if it is still running after
 * `graceMs` it is killed.
 */
export function stopProcess(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const again = setTimeout(() => child.kill('SIGINT'), 1000);
    const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(again);
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGINT');
  });
}

/**
 * An even UDP port whose successor is free too: FFmpeg's RTP input listens on the port an SDP names and takes RTCP
 * on the next one. Probed by binding both, so only a race with another process in the next instant can take them.
 */
export async function freeUdpPortPair(ip: string): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const probe = await bindUdp(ip, 0);
    const port = probe.address().port & ~1;
    probe.close();
    if (port < 1024) continue;
    const pair = await Promise.allSettled([bindUdp(ip, port), bindUdp(ip, port + 1)]);
    for (const bound of pair) if (bound.status === 'fulfilled') bound.value.close();
    if (pair.every((bound) => bound.status === 'fulfilled')) return port;
  }
  throw new Error(`no free UDP port pair on ${ip}`);
}

function bindUdp(ip: string, port: number): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket(ip.includes(':') ? 'udp6' : 'udp4');
    socket.once('error', (error) => {
      socket.close();
      reject(error);
    });
    socket.bind(port, ip, () => resolve(socket));
  });
}
