/**
 * Work done behind people's requests — identify jobs run in the api process — gives way to those requests: while any
 * request is being answered, at most `whileAnswering` background tasks run at once; the others wait until one ends or
 * the process has nothing to answer. An upload and the identification of the uploads before it then share the cores
 * mostly in the upload's favour, and identification never stops: a task waits only while another one runs.
 *
 * The inference threads' lower CPU priority (`INFERENCE_NICENESS`) covers only the models; a job also decodes its photos
 * in libuv's shared threads and runs a dozen statements on the database, at the same priority as the uploads. Only the
 * number of jobs at once can hold those back.
 */
export class BackgroundLane {
  private answering = 0;
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly whileAnswering: number) {
    if (!(Number.isInteger(whileAnswering) && whileAnswering > 0))
      throw new RangeError(`whileAnswering must be a positive integer, not ${whileAnswering}`);
  }

  /** A request began; `end` when it is answered (or its connection closed). */
  requestStarted(): () => void {
    this.answering += 1;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.answering -= 1;
      this.wake();
    };
  }

  /** Runs `task` once the lane has room for it. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    while (this.answering > 0 && this.running >= this.whileAnswering) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running += 1;
    try {
      return await task();
    } finally {
      this.running -= 1;
      this.wake();
    }
  }

  /** Tasks waiting for room (for tests and metrics). */
  get waitingTasks(): number {
    return this.waiting.length;
  }

  private wake(): void {
    for (const resolve of this.waiting.splice(0)) resolve();
  }
}
