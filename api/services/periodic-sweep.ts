import type { FastifyBaseLogger } from 'fastify';

/**
 * Runs `sweep` now and every `intervalMs` until stopped: a sweep still running when the next is due is not doubled,
 * and a failure is logged as `what failed` (the next run tries again).
 */
export class PeriodicSweep {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly sweep: () => Promise<unknown>,
    private readonly log: FastifyBaseLogger,
    private readonly what: string,
  ) {}

  start(intervalMs: number): void {
    const run = () => {
      if (this.running) return;
      this.running = this.sweep()
        .catch((error: unknown) => this.log.error({ err: error }, `${this.what} failed`))
        .finally(() => (this.running = undefined));
    };
    run();
    this.timer = setInterval(run, intervalMs);
    this.timer.unref();
  }

  /** Stops sweeping and waits for a sweep in progress (before the database closes). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
