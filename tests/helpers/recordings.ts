import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * Waits until `count` track files of a recording hold data, i.e. FFmpeg has seen media and started writing each
 * of them. A recording stopped before that has nothing to store for a track (it reports it as a problem), and on a
 * loaded machine senders and FFmpeg take a while to get going, so tests wait for this rather than for a fixed time.
 */
export async function waitForRecordedTracks(directory: string, count: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let written = 0;
  while (Date.now() < deadline) {
    const names = await readdir(directory).catch(() => [] as string[]);
    const sizes = await Promise.all(
      names
        .filter((name) => name.startsWith('track-'))
        .map((name) =>
          stat(path.join(directory, name)).then(
            (file) => file.size,
            () => 0,
          ),
        ),
    );
    written = sizes.filter((size) => size > 0).length;
    if (written >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`only ${written} of ${count} recorded tracks had data after ${timeoutMs} ms in ${directory}`);
}
