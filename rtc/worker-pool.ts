import { EventEmitter } from 'node:events';
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';

export interface WorkerPoolOptions {
  /** One mediasoup Worker (a C++ subprocess, one core each) per slot; default: one per core. */
  size: number;
  logLevel?: types.WorkerLogLevel;
  /** A worker binary to use instead of the package's own (e.g. one built offline and cached). */
  workerBin?: string | undefined;
  /** Delay before a died worker's replacement starts, so a crash loop cannot spin a core. */
  restartDelayMs?: number;
}

export interface WorkerSlot {
  index: number;
  worker: types.Worker;
  /** Routers this pool has created on the worker and not yet closed. */
  routers: Set<types.Router>;
  /** Consumers on those routers: the load figure rooms are placed by. */
  consumers: number;
}

export interface WorkerPoolEvents {
  /** A worker died; its routers are gone (their rooms close themselves on the routers' `workerclose`). */
  'worker-died': [index: number];
  'worker-replaced': [index: number];
}

/**
 * mediasoup workers, one per core, each replaced when it dies. Routers are created through the pool so it can
 * place them on the least-loaded worker.
 */
export class WorkerPool extends EventEmitter<WorkerPoolEvents> {
  private readonly slots: (WorkerSlot | undefined)[] = [];
  private closed = false;

  private constructor(private readonly options: WorkerPoolOptions) {
    super();
  }

  static async start(options: WorkerPoolOptions): Promise<WorkerPool> {
    if (options.size < 1) throw new Error('a mediasoup worker pool needs at least one worker');
    const pool = new WorkerPool(options);
    try {
      await Promise.all(Array.from({ length: options.size }, (_, index) => pool.startWorker(index)));
    } catch (error) {
      pool.close();
      throw error;
    }
    return pool;
  }

  get size(): number {
    return this.options.size;
  }

  /** Live workers, for health and metrics. */
  get alive(): number {
    return this.slots.filter((slot) => slot !== undefined && !slot.worker.closed).length;
  }

  status(): { index: number; pid: number; routers: number; consumers: number }[] {
    return this.slots.flatMap((slot) =>
      slot ? [{ index: slot.index, pid: slot.worker.pid, routers: slot.routers.size, consumers: slot.consumers }] : [],
    );
  }

  /** A router on the least-loaded live worker, or on a worker other than `avoid` when there is one. */
  async createRouter(mediaCodecs: types.RouterRtpCodecCapability[], avoid?: types.Router): Promise<types.Router> {
    const live = this.slots.filter((slot): slot is WorkerSlot => slot !== undefined && !slot.worker.closed);
    if (live.length === 0) throw new Error('no mediasoup worker is running');
    const avoidSlot = avoid ? this.slotOf(avoid) : undefined;
    const candidates = live.length > 1 && avoidSlot ? live.filter((slot) => slot !== avoidSlot) : live;
    const slot = candidates.reduce((best, candidate) => (load(candidate) < load(best) ? candidate : best));
    const router = await slot.worker.createRouter({ mediaCodecs });
    slot.routers.add(router);
    router.observer.on('close', () => slot.routers.delete(router));
    router.observer.on('newtransport', (transport) =>
      transport.observer.on('newconsumer', (consumer) => {
        slot.consumers += 1;
        consumer.observer.once('close', () => (slot.consumers -= 1));
      }),
    );
    return router;
  }

  /** Consumers on the router's worker (placement decisions for rooms that outgrow a router). */
  consumersOn(router: types.Router): number {
    return this.slotOf(router)?.consumers ?? 0;
  }

  sameWorker(a: types.Router, b: types.Router): boolean {
    const slot = this.slotOf(a);
    return slot !== undefined && slot === this.slotOf(b);
  }

  close(): void {
    this.closed = true;
    for (const slot of this.slots) slot?.worker.close();
  }

  private slotOf(router: types.Router): WorkerSlot | undefined {
    return this.slots.find((slot) => slot?.routers.has(router));
  }

  private async startWorker(index: number): Promise<void> {
    const worker = await mediasoup.createWorker({
      logLevel: this.options.logLevel ?? 'warn',
      ...(this.options.workerBin ? { workerBin: this.options.workerBin } : {}),
      appData: { index },
    });
    const slot: WorkerSlot = { index, worker, routers: new Set(), consumers: 0 };
    this.slots[index] = slot;
    worker.on('died', () => {
      slot.routers.clear();
      slot.consumers = 0;
      this.slots[index] = undefined;
      this.emit('worker-died', index);
      if (!this.closed) setTimeout(() => void this.replace(index), this.options.restartDelayMs ?? 1000).unref();
    });
  }

  private async replace(index: number): Promise<void> {
    if (this.closed) return;
    try {
      await this.startWorker(index);
      this.emit('worker-replaced', index);
    } catch {
      // Could not start (out of memory, binary gone): try again later; the other workers carry on meanwhile.
      if (!this.closed) setTimeout(() => void this.replace(index), (this.options.restartDelayMs ?? 1000) * 5).unref();
    }
  }
}

function load(slot: WorkerSlot): number {
  return slot.consumers + slot.routers.size;
}
