import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * Notices that Redis lost a queue's data — restarted without persistence, or flushed — so that the outbox can hand its
 * pending rows over again at once instead of after `requeueAfterMs`. A marker key lives beside the queue's keys: each
 * check creates it when missing (SET NX) and reads it back; a value other than the one this watch saw last means the
 * key, and with it every job of the queue, was gone meanwhile. Every process watching sees the new value, so each one
 * re-queues (adding a job already queued is a no-op). A check runs every `intervalMs` and on every reconnect.
 */
export class LostJobsWatch {
  private seen: string | undefined;
  private checking = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly markerKey: string,
    private readonly onLost: () => void,
    private readonly onError: (error: unknown) => void,
  ) {}

  start(intervalMs: number): void {
    const check = () => void this.check();
    this.redis.on('ready', check);
    this.timer = setInterval(check, intervalMs);
    this.timer.unref();
    check();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Whether the marker changed since the last check (the first check only records it). Never throws. */
  async check(): Promise<boolean> {
    if (this.checking || this.redis.status !== 'ready') return false;
    this.checking = true;
    try {
      await this.redis.set(this.markerKey, randomUUID(), 'NX');
      const current = await this.redis.get(this.markerKey);
      const lost = this.seen !== undefined && current !== this.seen;
      this.seen = current ?? undefined;
      if (lost) this.onLost();
      return lost;
    } catch (error) {
      // Redis away: the next check (or the reconnect) looks again.
      this.onError(error);
      return false;
    } finally {
      this.checking = false;
    }
  }
}
