import { Worker } from 'node:worker_threads';
import { workerEntry } from '../../inference/worker-entry.js';
import type { PgliteConnection } from './pglite-dialect.js';
import type { FromPglite, ToPglite } from './pglite-thread.js';

/** Each request without its id, which the host assigns. */
type WithoutId<Message> = Message extends unknown ? Omit<Message, 'id'> : never;
type Request = WithoutId<ToPglite>;
type Answer = Extract<FromPglite, { type: 'done' }>;

/**
 * The thread every embedded database of this process runs in (pglite-thread.ts), started on the first `open`. It holds
 * the process open only while a request is in flight, as PGlite in the main thread did; if it dies, every request in
 * flight fails and the next `open` starts a new one.
 */
class PgliteHost {
  private static current: PgliteHost | undefined;
  private readonly pending = new Map<number, { resolve(answer: Answer): void; reject(error: Error): void }>();
  private nextId = 1;
  private failure: Error | undefined;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (message: FromPglite) => {
      const pending = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (this.pending.size === 0) worker.unref();
      if (message.type === 'done') pending?.resolve(message);
      else pending?.reject(Object.assign(new Error(message.message), message.fields));
    });
    worker.on('error', (error) => this.fail(error));
    worker.on('exit', (code) => this.fail(new Error(`the embedded database thread stopped (exit code ${code})`)));
    worker.unref();
  }

  static get(): PgliteHost {
    if (!PgliteHost.current || PgliteHost.current.failure) {
      const entry = workerEntry(import.meta.url, 'pglite-thread');
      PgliteHost.current = new PgliteHost(new Worker(entry.script, { eval: entry.eval }));
    }
    return PgliteHost.current;
  }

  request(request: Request): Promise<Answer> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    if (this.pending.size === 0) this.worker.ref();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...request, id } as ToPglite);
    });
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const pending of this.pending.values()) pending.reject(this.failure);
    this.pending.clear();
  }
}

/**
 * An embedded PGlite in its worker thread (ADR 0038): its WebAssembly Postgres would otherwise run every statement on
 * the main thread, where it took ≈ 43 % of the event loop under uploads. A statement goes over as SQL and parameters;
 * rows come back by structured clone, a database error with its fields.
 */
export class PgliteThread implements PgliteConnection {
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly host: PgliteHost,
    private readonly database: number,
  ) {}

  static async open(dataDir: string): Promise<PgliteThread> {
    const host = PgliteHost.get();
    const { id } = await host.request({ type: 'open', dataDir });
    return new PgliteThread(host, id);
  }

  async query<R>(sql: string, parameters: unknown[]): Promise<{ rows: R[]; affectedRows: number }> {
    if (this.closing) throw new Error('the embedded database is closed');
    const { rows = [], affectedRows = 0 } = await this.host.request({ type: 'query', database: this.database, sql, parameters });
    return { rows: rows as R[], affectedRows };
  }

  close(): Promise<void> {
    this.closing ??= this.host.request({ type: 'close', database: this.database }).then(() => undefined);
    return this.closing;
  }
}
