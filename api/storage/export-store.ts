import { randomUUID } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { once } from 'node:events';
import path from 'node:path';

/** An export file being written: text goes out as it comes, waiting whenever the disk falls behind. */
export interface ExportFileWriter {
  write(text: string): Promise<void>;
  /** Flushes the file to disk and moves it to its name; returns its size in bytes. */
  commit(): Promise<number>;
  /** Removes what was written (the export failed). */
  abort(): Promise<void>;
}

/**
 * Export files under `<storage>/exports/`. Each is written under a temporary name (`.<uuid>.part`, one per attempt)
 * and renamed once complete, so a download never gets half a file, and an attempt that dies leaves only a `.part` file.
 */
export class ExportStore {
  readonly root: string;

  constructor(storageDir: string) {
    this.root = path.join(storageDir, 'exports');
  }

  pathOf(fileName: string): string {
    return path.join(this.root, fileName);
  }

  /** Every file here (finished and `.part`), with when it was last written. */
  async list(): Promise<{ name: string; modifiedAt: Date }[]> {
    const names = await readdir(this.root).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw error;
    });
    const files = await Promise.all(
      names.map(async (name) => {
        const facts = await stat(this.pathOf(name)).catch(() => undefined);
        return facts?.isFile() ? [{ name, modifiedAt: facts.mtime }] : [];
      }),
    );
    return files.flat();
  }

  async remove(fileName: string): Promise<void> {
    await rm(this.pathOf(fileName), { force: true });
  }

  async create(fileName: string): Promise<ExportFileWriter> {
    await mkdir(this.root, { recursive: true });
    const temporary = this.pathOf(`.${randomUUID()}.part`);
    const stream = createWriteStream(temporary, { flush: true });
    const failed = new Promise<never>((_, reject) => stream.once('error', reject));
    // Observed through `write`/`commit`; an unobserved rejection must not crash the process.
    failed.catch(() => undefined);
    const closed = (target: WriteStream) => Promise.race([once(target, 'close'), failed]);
    return {
      async write(text) {
        if (!stream.write(text)) await Promise.race([once(stream, 'drain'), failed]);
      },
      commit: async () => {
        stream.end();
        await closed(stream);
        await rename(temporary, this.pathOf(fileName));
        return stream.bytesWritten;
      },
      async abort() {
        // Closed first, so that a file still being opened is not created after its removal.
        if (!stream.closed) await once(stream.destroy(), 'close');
        await rm(temporary, { force: true });
      },
    };
  }
}
