import { Worker } from 'node:worker_threads';
import { workerEntry } from '../../inference/worker-entry.js';
import type { FromPglite, ToPglite } from './pglite-thread.js';
import type { PgliteConnection } from './pglite-dialect.js';

interface Pending {
  resolve(result: { rows: unknown[]; affectedRows: number }): void;
  reject(error: Error): void;
}

/**
 * The embedded PGlite in a worker thread (ADR 0038): its WebAssembly Postgres would otherwise run every statement on
 * the main thread, where it took ≈ 40 % of the event loop under uploads. The thread keeps the process alive only
 * while a query is in flight, as PGlite in the main thread did.
 */
export class PgliteThread implements PgliteConnection {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private failure: Error | undefined;
  private closing: Promise<void> | undefined;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (message: FromPglite) => {
      if (message.type === 'rows') this.settle(message.id)?.resolve(message);
      else if (message.type === 'error') this.settle(message.id)?.reject(Object.assign(new Error(message.message), message.fields));
    });
    worker.on('error', (error) => this.fail(error));
    worker.on('exit', (code) => this.fail(new Error(`the embedded database thread stopped (exit code ${code})`)));
    worker.unref();
  }

  static async start(dataDir: string): Promise<PgliteThread> {
    const entry = workerEntry(import.meta.url, 'pglite-thread');
    const worker = new Worker(entry.script, { workerData: { dataDir }, eval: entry.eval });
    const first = await new Promise<FromPglite>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the embedded database thread stopped while starting (exit code ${code})`)));
    });
    if (first.type !== 'ready') {
      await worker.terminate();
      throw new Error(`the embedded database could not start: ${first.type === 'start-failed' ? first.error : first.type}`);
    }
    return new PgliteThread(worker);
  }

  query<R>(sql: string, parameters: unknown[]): Promise<{ rows: R[]; affectedRows: number }> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closing) return Promise.reject(new Error('the embedded database is closed'));
    const id = this.nextId++;
    if (this.pending.size === 0) this.worker.ref();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as Pending['resolve'], reject });
      this.worker.postMessage({ type: 'query', id, sql, parameters } satisfies ToPglite);
    });
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      if (!this.failure) {
        this.worker.ref();
        const closed = new Promise<void>((resolve) => {
          this.worker.on('message', (message: FromPglite) => message.type === 'closed' && resolve());
          this.worker.once('exit', () => resolve());
        });
        this.worker.postMessage({ type: 'close' } satisfies ToPglite);
        await closed;
      }
      await this.worker.terminate();
    })();
    return this.closing;
  }

  private settle(id: number): Pending | undefined {
    const pending = this.pending.get(id);
    this.pending.delete(id);
    if (this.pending.size === 0) this.worker.unref();
    return pending;
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const pending of this.pending.values()) pending.reject(this.failure);
    this.pending.clear();
  }
}
