import { serviceUnavailable } from '../domain/errors.js';

export interface DecodeBudgetOptions {
  /** Bytes of decoded pixels this process may hold at once. */
  bytes: number;
  /** How long a request waits for room before it is answered 503 `decode_busy`. */
  maxWaitMs: number;
}

export interface DecodeBudgetStatus {
  capacityBytes: number;
  inUseBytes: number;
  /** Decodes in progress (leases held). */
  active: number;
  /** Requests waiting for room. */
  waiting: number;
  /** Requests answered 503 since start. */
  refused: number;
}

interface Waiter {
  bytes: number;
  grant: () => void;
}

/**
 * Bounds the memory decoded images take in this process. A photograph's file is small; its pixels are not: a 778 KB
 * 16-bit PNG is 400 MB decoded. Every decode (inspection, thumbnail, the models) runs under a lease sized from the
 * header before any pixel is decoded — width × height × channels × bytes per sample — and leases are granted in
 * arrival order while they fit. A request that finds no room within `maxWaitMs` is refused (503 with Retry-After)
 * rather than queued without end; background jobs wait as long as it takes. One decode larger than the whole budget
 * runs only when nothing else does, so every image within the pixel limit can still be served.
 */
export class DecodeBudget {
  private inUse = 0;
  private active = 0;
  private refused = 0;
  private readonly waiting: Waiter[] = [];

  constructor(private readonly options: DecodeBudgetOptions) {}

  /**
   * Runs `work` holding `bytes` of the budget. `wait: 'bounded'` (requests) refuses after `maxWaitMs` with 503
   * `decode_busy`; `'unbounded'` (jobs) waits for room however long it takes.
   */
  async run<T>(bytes: number, wait: 'bounded' | 'unbounded', work: () => Promise<T>): Promise<T> {
    await this.acquire(bytes, wait);
    try {
      return await work();
    } finally {
      this.release(bytes);
    }
  }

  status(): DecodeBudgetStatus {
    return {
      capacityBytes: this.options.bytes,
      inUseBytes: this.inUse,
      active: this.active,
      waiting: this.waiting.length,
      refused: this.refused,
    };
  }

  private fits(bytes: number): boolean {
    return this.active === 0 || this.inUse + bytes <= this.options.bytes;
  }

  private take(bytes: number): void {
    this.inUse += bytes;
    this.active += 1;
  }

  private async acquire(bytes: number, wait: 'bounded' | 'unbounded'): Promise<void> {
    if (this.waiting.length === 0 && this.fits(bytes)) {
      this.take(bytes);
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { bytes, grant: resolve };
      this.waiting.push(waiter);
      if (wait === 'unbounded') return;
      const timer = setTimeout(() => {
        const index = this.waiting.indexOf(waiter);
        if (index < 0) return;
        this.waiting.splice(index, 1);
        this.refused += 1;
        reject(
          serviceUnavailable(
            'decode_busy',
            'The server is decoding as many images as its memory allows; try again shortly',
            Math.max(1, Math.ceil(this.options.maxWaitMs / 1000)),
          ),
        );
        // The refused waiter may have been what held back smaller ones behind it.
        this.grantWaiting();
      }, this.options.maxWaitMs);
      waiter.grant = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private release(bytes: number): void {
    this.inUse -= bytes;
    this.active -= 1;
    this.grantWaiting();
  }

  /** Grants waiters in arrival order while the first one fits: a large decode is not starved by a stream of small ones. */
  private grantWaiting(): void {
    while (this.waiting.length > 0 && this.fits(this.waiting[0]!.bytes)) {
      const waiter = this.waiting.shift()!;
      this.take(waiter.bytes);
      waiter.grant();
    }
  }
}

const BYTES_PER_SAMPLE: Record<string, number> = {
  uchar: 1,
  char: 1,
  ushort: 2,
  short: 2,
  uint: 4,
  int: 4,
  float: 4,
  complex: 8,
  double: 8,
  dpcomplex: 16,
};

/** What decoding an image costs in memory, from its header: width × height × channels × bytes per sample. */
export function decodedBytes(header: { width: number; height: number; channels?: number; depth?: string }): number {
  return header.width * header.height * (header.channels ?? 4) * (BYTES_PER_SAMPLE[header.depth ?? ''] ?? 4);
}
