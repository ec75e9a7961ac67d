import argon2 from 'argon2';
import { serviceUnavailable } from '../domain/errors.js';

/** An argon2id hash, straight on libuv's threadpool: for one-off work (seeding), not for requests. */
export const hashPassword = (password: string): Promise<string> => argon2.hash(password, { type: argon2.argon2id });

export interface PasswordHashPoolOptions {
  /** Hashes running at once; each holds one of libuv's shared threads (4 unless UV_THREADPOOL_SIZE says otherwise). */
  concurrency: number;
  /** Hashes allowed to wait for a slot; beyond this a login is refused with 503 `login_busy`. */
  maxQueued: number;
}

export interface PasswordHashPoolStatus extends PasswordHashPoolOptions {
  active: number;
  queued: number;
  /** Hashes refused because the queue was full, since start. */
  rejected: number;
}

/**
 * Runs argon2 hashes a bounded number at a time. The `argon2` binding only has an asynchronous API, which queues
 * each hash on libuv's process-wide threadpool — the same threads that serve file reads/writes and sharp's image
 * work — whichever JavaScript thread calls it, so worker threads would not give hashing threads of its own. Bounding
 * how many hashes are in flight bounds how many of those threads argon2 can hold: with the default of one, a login
 * flood leaves the other libuv threads to uploads and thumbnails, and the excess waits here (or is refused), not in
 * libuv's queue ahead of file I/O.
 */
export class PasswordHashPool {
  private active = 0;
  private rejected = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly options: PasswordHashPoolOptions) {}

  hash(password: string): Promise<string> {
    return this.run(() => hashPassword(password));
  }

  verify(hash: string, password: string): Promise<boolean> {
    return this.run(() => argon2.verify(hash, password));
  }

  status(): PasswordHashPoolStatus {
    return { ...this.options, active: this.active, queued: this.waiting.length, rejected: this.rejected };
  }

  private async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.active >= this.options.concurrency) {
      if (this.waiting.length >= this.options.maxQueued) {
        this.rejected += 1;
        throw serviceUnavailable('login_busy', 'Too many sign-ins are being checked right now; try again shortly', 1);
      }
      // The slot is handed over by the finishing hash (active stays counted), so no newcomer can overtake the queue.
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.active += 1;
    }
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active -= 1;
    }
  }
}
