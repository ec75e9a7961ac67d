import { existsSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { Identification, ImageInput, ImageOutcome } from './identifier.js';
import type { FromThread, Inventory, ModelSet, ThreadData, ToThread } from './inference-thread.js';
import { findModelPackageDirs } from './model-package.js';
import { workerEntry } from './worker-entry.js';

export type { Identification, ImageOutcome } from './identifier.js';

/** Observability hooks (the API wires them to prom-client); a hook that throws is ignored. */
export interface PoolMetrics {
  /** One batch identified: its images, its preprocessing and onnxruntime wall times, its group model `name@version`. */
  batch(images: number, preprocessMs: number, inferenceMs: number, model: string): void;
  /** Images waiting for a thread, after every change. */
  queued(images: number): void;
}

export interface InferencePoolOptions {
  modelsDir: string;
  /** Worker threads, each running one batch at a time. Default 1. */
  threads?: number;
  /** onnxruntime intra-op threads per worker thread; by default onnxruntime's own choice. */
  intraOpNumThreads?: number;
  /**
   * Raises the threads' nice value by this much (Linux; 0–19, default 0), so that when the cores are busy the process's
   * event loop and its other threads (HTTP, uploads, thumbnails) run first and inference takes the rest: identify jobs
   * behind the intake then cannot slow the intake down, and the models still get every core nothing else wants.
   */
  niceness?: number;
  /** A batch is sent once it holds this many images… Default 16. */
  maxBatchImages?: number;
  /** …or this long after its first request was queued. Default 5. */
  maxDelayMs?: number;
  /** Beyond this many queued (not yet dispatched) images `identify` rejects with `PoolSaturatedError`. Default 256. */
  maxQueuedImages?: number;
  /** Exactly the package versions to serve (name → version); by default the newest version of every package under `modelsDir`. */
  active?: Record<string, string>;
  metrics?: PoolMetrics;
}

export interface PoolTimings {
  /** From `identify` to the batch being sent to a thread. */
  queueMs: number;
  /** Decode + resize + normalise, for the whole batch. */
  preprocessMs: number;
  /** onnxruntime runs, for the whole batch. */
  inferenceMs: number;
  /** Images in the batch this request was identified in. */
  batchImages: number;
}

/** The same specimen identified with the shadow model set; never affects the main result. */
export type ShadowOutcome = { models: string[]; identification: Identification } | { models: string[]; error: string };

interface PoolOutcomeBase {
  /** Each image judged alone (or why it could not be read), by index in the specimen. */
  images: ImageOutcome[];
  /** The model set the batch ran with, `name@version`, group model first. */
  models: string[];
  timings: PoolTimings;
  shadow?: ShadowOutcome;
}

/** Per specimen: its aggregated identification, or an error when none of its images was readable. */
export type PoolOutcome = (PoolOutcomeBase & { identification: Identification }) | (PoolOutcomeBase & { error: string });

export interface PoolStatus {
  threads: number;
  busyThreads: number;
  queuedImages: number;
  /** Every package version loaded by a live thread, `name@version`. */
  loaded: string[];
  /** onnxruntime sessions the live threads have created (one per thread and loaded version, never more). */
  sessions: number;
  /** Threads replaced after crashing, since start. */
  replacedThreads: number;
}

/** The queue is full: answer 503 with `Retry-After: retryAfterSeconds`. */
export class PoolSaturatedError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super(`inference queue is full; retry after ${retryAfterSeconds} s`);
    this.name = 'PoolSaturatedError';
  }
}

export class PoolClosedError extends Error {
  constructor() {
    super('inference pool is closed; the request was not identified');
    this.name = 'PoolClosedError';
  }
}

/** What a caller of `identify` asks for beyond the identification. */
export interface IdentifyOptions {
  /**
   * Also measure each photo for the intake (`PhotoMeasures` on each readable image's outcome), from the same decode
   * the models use: an upload that is identified at once is decoded once.
   */
  measure?: boolean;
}

interface Request {
  specimens: (Uint8Array | string)[][];
  measure: boolean;
  images: number;
  enqueuedAt: number;
  resolve(outcomes: PoolOutcome[]): void;
  reject(error: Error): void;
}

interface Batch {
  id: number;
  requests: Request[];
  images: number;
  models: ModelSet;
  shadow: ModelSet | null;
  dispatchedAt: number;
  attempts: number;
}

interface Thread {
  worker: Worker;
  ready: boolean;
  busy?: Batch;
  loaded: string[];
  sessions: number;
  loads: Map<number, { resolve(): void; reject(error: Error): void }>;
  lastError?: string;
}

const RESTART_ATTEMPTS = 3;
const CLOSE_GRACE_MS = 10_000;
const THROUGHPUT_WINDOW = 32;

/**
 * Identification off the event loop: worker threads hold the ONNX sessions; requests from many callers are
 * micro-batched (Triton-style: a batch leaves at `maxBatchImages` images or `maxDelayMs` after its first
 * request, one batch per thread at a time); intake is bounded. Versions are activated and shadowed per package
 * without failing a request; a crashed thread is replaced and its batch retried once.
 */
export class InferencePool {
  private readonly threads: Thread[] = [];
  private readonly queue: Request[] = [];
  private readonly retries: Batch[] = [];
  private readonly recent: { images: number; ms: number }[] = [];
  private queuedImages = 0;
  private timer: NodeJS.Timeout | undefined;
  private nextId = 1;
  private closed = false;
  private closing: Promise<void> | undefined;
  private replaced = 0;
  private restartFailures = 0;
  private broken: string | undefined;
  private shadowSet: ModelSet = {};

  private constructor(
    private readonly options: Required<
      Pick<InferencePoolOptions, 'modelsDir' | 'threads' | 'maxBatchImages' | 'maxDelayMs' | 'maxQueuedImages' | 'niceness'>
    > &
      Pick<InferencePoolOptions, 'intraOpNumThreads' | 'metrics'>,
    private activeSet: ModelSet,
  ) {}

  static async start(options: InferencePoolOptions): Promise<InferencePool> {
    const modelsDir = path.resolve(options.modelsDir);
    const newest = new Map([...(await findModelPackageDirs(modelsDir))].map(([name, versions]) => [name, path.basename(versions[0]!)]));
    const active: ModelSet = options.active ? { ...options.active } : Object.fromEntries(newest);
    for (const [name, version] of Object.entries(active)) requirePackage(modelsDir, name, version);
    if (Object.keys(active).length === 0) throw new Error(`no model packages under ${modelsDir}`);
    const settings = {
      modelsDir,
      threads: positive('threads', options.threads ?? 1),
      maxBatchImages: positive('maxBatchImages', options.maxBatchImages ?? 16),
      maxDelayMs: Math.max(0, options.maxDelayMs ?? 5),
      maxQueuedImages: positive('maxQueuedImages', options.maxQueuedImages ?? 256),
      intraOpNumThreads: options.intraOpNumThreads,
      niceness: niceness(options.niceness ?? 0),
      metrics: options.metrics,
    };
    const pool = new InferencePool(settings, active);
    const started = await Promise.allSettled(Array.from({ length: settings.threads }, () => pool.startThread()));
    const failure = started.find((outcome) => outcome.status === 'rejected');
    if (failure) {
      await pool.close();
      throw failure.reason;
    }
    return pool;
  }

  /**
   * Identifies specimens (each one or more images, as bytes or as file paths the threads read themselves, which keeps
   * large uploads out of memory). Bytes are read, not copied, until the answer: the caller must not change them before.
   * Rejects with `PoolSaturatedError` when the queue is full.
   */
  identify(specimens: ImageInput[][], options: IdentifyOptions = {}): Promise<PoolOutcome[]> {
    if (this.closed) return Promise.reject(new PoolClosedError());
    if (this.broken) return Promise.reject(new Error(this.broken));
    const images = specimens.reduce((sum, specimen) => sum + specimen.length, 0);
    if (images === 0) return Promise.resolve(specimens.map(() => noImageOutcome(this.activeRefs())));
    if (images > this.options.maxQueuedImages)
      return Promise.reject(new RangeError(`a request of ${images} images exceeds the queue of ${this.options.maxQueuedImages}`));
    if (this.queuedImages + images > this.options.maxQueuedImages)
      return Promise.reject(new PoolSaturatedError(this.retryAfterSeconds(images)));
    return new Promise<PoolOutcome[]>((resolve, reject) => {
      this.queue.push({
        specimens: specimens.map((images) => images.map(postable)),
        measure: options.measure ?? false,
        images,
        enqueuedAt: performance.now(),
        resolve,
        reject,
      });
      this.setQueued(this.queuedImages + images);
      this.pump();
    });
  }

  /** Serves `name@version` from the next batch on, once every thread has it loaded; in-flight batches finish on the old one. */
  async activate(name: string, version: string): Promise<void> {
    this.assertOpen();
    requirePackage(this.options.modelsDir, name, version);
    await this.loadEverywhere({ ...this.activeSet, [name]: version });
    this.activeSet = { ...this.activeSet, [name]: version };
  }

  /** Also runs every batch with `name@version` in place of the active version (or stops doing so, with null). */
  async setShadow(name: string, version: string | null): Promise<void> {
    this.assertOpen();
    if (version !== null) {
      requirePackage(this.options.modelsDir, name, version);
      await this.loadEverywhere({ ...this.activeSet, ...this.shadowSet, [name]: version });
    }
    const next = { ...this.shadowSet };
    if (version === null) delete next[name];
    else next[name] = version;
    this.shadowSet = next;
  }

  /** Package name → the version being served. */
  active(): Record<string, string> {
    return { ...this.activeSet };
  }

  /** Package name → the version run in shadow. */
  shadow(): Record<string, string> {
    return { ...this.shadowSet };
  }

  status(): PoolStatus {
    return {
      threads: this.threads.length,
      busyThreads: this.threads.filter((thread) => thread.busy).length,
      queuedImages: this.queuedImages,
      loaded: [...new Set(this.threads.flatMap((thread) => thread.loaded))].sort(),
      sessions: this.threads.reduce((sum, thread) => sum + thread.sessions, 0),
      replacedThreads: this.replaced,
    };
  }

  /**
   * Fault injection for drills and tests: a thread (a busy one if any) dies as a crashing one would,
   * by `process.exit` or by an uncaught error.
   */
  crashThread(kind: 'exit' | 'throw' = 'exit'): void {
    const thread = this.threads.find((candidate) => candidate.busy) ?? this.threads.find((candidate) => candidate.ready);
    if (!thread) throw new Error('no live inference thread');
    this.post(thread, { type: 'fault', kind });
  }

  /** Rejects queued requests, lets in-flight batches finish (for a grace period), and ends the threads. */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    this.closed = true;
    clearTimeout(this.timer);
    const error = new PoolClosedError();
    for (const request of this.queue.splice(0)) request.reject(error);
    for (const batch of this.retries.splice(0)) for (const request of batch.requests) request.reject(error);
    this.setQueued(0);
    this.closing = Promise.all(this.threads.map((thread) => this.stopThread(thread))).then(() => undefined);
    return this.closing;
  }

  // --- dispatch -------------------------------------------------------------------------------------------

  /**
   * Sends batches to idle threads: retried batches first, then queued requests once a batch is full or due. What is
   * due is shared out between the idle threads, so that a burst smaller than two batches still keeps every thread
   * (and so every core) busy instead of queueing behind one thread.
   */
  private pump(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    let due = false;
    while (!this.closed) {
      const idle = this.threads.filter((candidate) => candidate.ready && !candidate.busy);
      const thread = idle[0];
      if (!thread) return;
      const retry = this.retries.shift();
      if (retry) {
        this.dispatch(thread, retry);
        continue;
      }
      const first = this.queue[0];
      if (!first) return;
      const waited = performance.now() - first.enqueuedAt;
      due ||= this.queuedImages >= this.options.maxBatchImages || waited >= this.options.maxDelayMs;
      if (!due) {
        this.timer = setTimeout(() => this.pump(), this.options.maxDelayMs - waited);
        return;
      }
      const share = Math.min(this.options.maxBatchImages, Math.ceil(this.queuedImages / idle.length));
      const requests = [this.queue.shift()!];
      let images = first.images;
      while (this.queue[0] && images + this.queue[0].images <= share) {
        images += this.queue[0].images;
        requests.push(this.queue.shift()!);
      }
      this.setQueued(this.queuedImages - images);
      const shadow = Object.keys(this.shadowSet).length > 0 ? { ...this.activeSet, ...this.shadowSet } : null;
      this.dispatch(thread, { id: this.nextId++, requests, images, models: { ...this.activeSet }, shadow, dispatchedAt: 0, attempts: 0 });
    }
  }

  private dispatch(thread: Thread, batch: Batch): void {
    batch.attempts += 1;
    if (batch.attempts === 1) batch.dispatchedAt = performance.now();
    thread.busy = batch;
    this.post(thread, {
      type: 'batch',
      id: batch.id,
      models: batch.models,
      shadow: batch.shadow,
      specimens: batch.requests.flatMap((request) => request.specimens),
      measured: batch.requests.flatMap((request) => request.specimens.map(() => request.measure)),
    });
  }

  private finish(thread: Thread, message: Extract<FromThread, { type: 'result' | 'failed' }>): void {
    const batch = thread.busy;
    this.takeInventory(thread, message);
    if (!batch || batch.id !== message.id) return;
    thread.busy = undefined;
    if (message.type === 'failed') {
      const error = new Error(`identification failed: ${message.error}`);
      for (const request of batch.requests) request.reject(error);
    } else {
      const { result, shadow, models } = message;
      const done = performance.now();
      this.recent.push({ images: batch.images, ms: done - batch.dispatchedAt });
      if (this.recent.length > THROUGHPUT_WINDOW) this.recent.shift();
      this.notify(() =>
        this.options.metrics?.batch(batch.images, result.timings.preprocessMs, result.timings.inferenceMs, models[0] ?? ''),
      );
      let offset = 0;
      const answers = batch.requests.map((request) => {
        const timings: PoolTimings = { queueMs: batch.dispatchedAt - request.enqueuedAt, ...result.timings, batchImages: batch.images };
        const first = offset;
        offset += request.specimens.length;
        return () =>
          request.resolve(
            request.specimens.map((_, index): PoolOutcome => {
              const specimen = result.specimens[first + index]!;
              const shadowSpecimen =
                shadow &&
                ('error' in shadow
                  ? { models: shadow.models, error: shadow.error }
                  : shadowOutcome(shadow.models, shadow.result.specimens[first + index]!));
              const base = { images: specimen.images, models, timings, ...(shadowSpecimen ? { shadow: shadowSpecimen } : {}) };
              return 'error' in specimen ? { ...base, error: specimen.error } : { ...base, identification: specimen.identification };
            }),
          );
      });
      inTurns(answers);
    }
    this.pump();
  }

  // --- threads --------------------------------------------------------------------------------------------

  private startThread(): Promise<void> {
    const entry = workerEntry(import.meta.url, 'inference-thread');
    const workerData: ThreadData = {
      modelsDir: this.options.modelsDir,
      niceness: this.options.niceness,
      models: { ...this.activeSet },
      ...(this.options.intraOpNumThreads ? { intraOpNumThreads: this.options.intraOpNumThreads } : {}),
    };
    const worker = new Worker(entry.script, { workerData, eval: entry.eval });
    const thread: Thread = { worker, ready: false, loaded: [], sessions: 0, loads: new Map() };
    this.threads.push(thread);
    return new Promise<void>((resolve, reject) => {
      let started = false;
      worker.on('message', (message: FromThread) => {
        switch (message.type) {
          case 'ready':
            started = true;
            thread.ready = true;
            this.takeInventory(thread, message);
            resolve();
            this.pump();
            break;
          case 'start-failed':
            thread.lastError = message.error;
            void worker.terminate();
            break;
          case 'loaded': {
            this.takeInventory(thread, message);
            const load = thread.loads.get(message.id);
            thread.loads.delete(message.id);
            if (message.error) load?.reject(new Error(message.error));
            else load?.resolve();
            break;
          }
          case 'result':
          case 'failed':
            this.finish(thread, message);
            break;
        }
      });
      worker.on('error', (error) => {
        thread.lastError = error.message;
      });
      worker.on('exit', (code) => {
        this.threads.splice(this.threads.indexOf(thread), 1);
        for (const load of thread.loads.values()) load.resolve(); // its replacement loads what it needs
        const reason = thread.lastError ?? `exit code ${code}`;
        if (!started) reject(new Error(`inference thread could not start: ${reason}`));
        this.onExit(thread, reason);
      });
    });
  }

  private onExit(thread: Thread, reason: string): void {
    const batch = thread.busy;
    if (this.closed) {
      if (batch) for (const request of batch.requests) request.reject(new PoolClosedError());
      return;
    }
    if (batch) {
      if (batch.attempts < 2) this.retries.push(batch);
      else {
        const error = new Error(`inference thread crashed twice while identifying this batch (${reason})`);
        for (const request of batch.requests) request.reject(error);
      }
    }
    if (!thread.ready) return; // a thread that never started is retried by replace()
    this.replaced += 1;
    this.replace();
  }

  /** Starts a replacement thread, retrying a failed start a few times before declaring the pool broken. */
  private replace(): void {
    this.startThread().then(
      () => {
        this.restartFailures = 0;
      },
      (error: Error) => {
        if (this.closed) return;
        this.restartFailures += 1;
        if (this.restartFailures < RESTART_ATTEMPTS) setTimeout(() => !this.closed && this.replace(), 250 * this.restartFailures);
        else if (this.threads.length === 0) this.fail(`no inference thread can start: ${error.message}`);
      },
    );
  }

  private fail(reason: string): void {
    this.broken = reason;
    const error = new Error(reason);
    for (const request of this.queue.splice(0)) request.reject(error);
    for (const batch of this.retries.splice(0)) for (const request of batch.requests) request.reject(error);
    this.setQueued(0);
  }

  private async stopThread(thread: Thread): Promise<void> {
    const exited = new Promise<void>((resolve) => thread.worker.once('exit', () => resolve()));
    if (!thread.ready) await thread.worker.terminate();
    else this.post(thread, { type: 'close' });
    const grace = setTimeout(() => void thread.worker.terminate(), CLOSE_GRACE_MS);
    await exited;
    clearTimeout(grace);
  }

  /** Every live thread loads the model set (verified, and checked to form a chain); rejects if any cannot. */
  private async loadEverywhere(models: ModelSet): Promise<void> {
    await Promise.all(
      this.threads.map(
        (thread) =>
          new Promise<void>((resolve, reject) => {
            const id = this.nextId++;
            thread.loads.set(id, { resolve, reject });
            this.post(thread, { type: 'load', id, models });
          }),
      ),
    );
  }

  private takeInventory(thread: Thread, inventory: Inventory): void {
    thread.loaded = inventory.loaded;
    thread.sessions = inventory.sessions;
  }

  private post(thread: Thread, message: ToThread): void {
    thread.worker.postMessage(message);
  }

  // --- bookkeeping ----------------------------------------------------------------------------------------

  private setQueued(images: number): void {
    this.queuedImages = images;
    this.notify(() => this.options.metrics?.queued(images));
  }

  private notify(hook: () => void): void {
    try {
      hook();
    } catch {
      // Metrics never break identification.
    }
  }

  /** How long until the backlog (plus `extra` images) is worked off at recent throughput; at least 1 s. */
  private retryAfterSeconds(extra: number): number {
    const images = this.recent.reduce((sum, batch) => sum + batch.images, 0);
    const ms = this.recent.reduce((sum, batch) => sum + batch.ms, 0);
    const perSecond = ms > 0 ? (images / ms) * 1000 * Math.max(1, this.threads.length) : 0;
    const inFlight = this.threads.reduce((sum, thread) => sum + (thread.busy?.images ?? 0), 0);
    const backlog = this.queuedImages + inFlight + extra;
    return perSecond > 0 ? Math.min(600, Math.max(1, Math.ceil(backlog / perSecond))) : 1;
  }

  private activeRefs(): string[] {
    return Object.entries(this.activeSet).map(([name, version]) => `${name}@${version}`);
  }

  private assertOpen(): void {
    if (this.closed) throw new PoolClosedError();
  }
}

function shadowOutcome(models: string[], specimen: { identification: Identification } | { error: string }): ShadowOutcome {
  return 'error' in specimen ? { models, error: specimen.error } : { models, identification: specimen.identification };
}

function noImageOutcome(models: string[]): PoolOutcome {
  return { error: 'no image', images: [], models, timings: { queueMs: 0, preprocessMs: 0, inferenceMs: 0, batchImages: 0 } };
}

function requirePackage(modelsDir: string, name: string, version: string): void {
  if (!existsSync(path.join(modelsDir, name, version, 'model.json')))
    throw new Error(`no model package ${name}@${version} under ${modelsDir}`);
}

function niceness(value: number): number {
  if (!(Number.isInteger(value) && value >= 0 && value <= 19))
    throw new RangeError(`niceness must be an integer from 0 to 19, not ${value}`);
  return value;
}

function positive(name: string, value: number): number {
  if (!(Number.isInteger(value) && value > 0)) throw new RangeError(`${name} must be a positive integer, not ${value}`);
  return value;
}

/**
 * Runs each callback in its own turn of the event loop. A batch answers up to `maxBatchImages` requests at once;
 * each answer's continuation (shaping, serialising, writing the HTTP response) then runs alone, so `/health` and
 * new arrivals wait behind one answer, not behind the whole batch.
 */
function inTurns(callbacks: readonly (() => void)[]): void {
  let next = 0;
  const step = () => {
    callbacks[next++]?.();
    if (next < callbacks.length) setImmediate(step);
  };
  step();
}

/**
 * An image as it can be posted to a thread. Posting a view clones its whole ArrayBuffer, and a small Buffer is a view of
 * Node's shared 8 KiB pool, so such a view is copied into its own; a Buffer that is its whole ArrayBuffer (an upload
 * held in memory) is posted as it is, sparing a copy of a photo of several megabytes. Files go as paths.
 */
function postable(image: ImageInput): Uint8Array | string {
  if (typeof image === 'string') return image;
  return image.byteOffset === 0 && image.byteLength === image.buffer.byteLength ? image : new Uint8Array(image);
}
