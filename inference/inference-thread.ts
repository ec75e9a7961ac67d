/**
 * The worker_threads entry of `InferencePool` (inference-pool.ts): loads model packages, keeps every loaded
 * classifier for the life of the thread (keyed `name@version`: onnxruntime-node leaks memory on session release,
 * so a version is loaded at most once) and identifies the batches the pool sends, one at a time.
 */
import os from 'node:os';
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { OnnxClassifier } from './classifier.js';
import { ImageBatch, VectorIdentifier, type DetailedIdentification } from './identifier.js';
import { loadModelPackage, ModelPackageError } from './model-package.js';

/** Package name → version: one version per package, the set a batch is identified with. */
export type ModelSet = Record<string, string>;

export interface ThreadData {
  modelsDir: string;
  intraOpNumThreads?: number;
  /** How much nicer than its creator the thread runs; see `InferencePoolOptions.niceness`. */
  niceness: number;
  /** Loaded (and checked to form a chain) before the thread says it is ready. */
  models: ModelSet;
}

export type ToThread =
  | { type: 'load'; id: number; models: ModelSet }
  | {
      type: 'batch';
      id: number;
      models: ModelSet;
      shadow: ModelSet | null;
      specimens: (Uint8Array | string)[][];
      /** Per specimen: also measure its photos for the intake. */
      measured: boolean[];
    }
  | { type: 'fault'; kind: 'exit' | 'throw' }
  | { type: 'close' };

export type FromThread =
  | ({ type: 'ready' } & Inventory)
  | { type: 'start-failed'; error: string }
  | ({ type: 'loaded'; id: number; error?: string } & Inventory)
  | ({
      type: 'result';
      id: number;
      models: string[];
      result: DetailedIdentification;
      shadow?: { models: string[]; result: DetailedIdentification } | { models: string[]; error: string };
    } & Inventory)
  | ({ type: 'failed'; id: number; error: string } & Inventory);

/** What a thread holds: the package versions it has loaded and the onnxruntime sessions it has created. */
export interface Inventory {
  loaded: string[];
  sessions: number;
}

export function refOf(name: string, version: string): string {
  return `${name}@${version}`;
}

export function modelRefs(models: ModelSet): string[] {
  return Object.entries(models).map(([name, version]) => refOf(name, version));
}

const port = parentPort;
if (!port) throw new Error('inference-thread.ts is a worker_threads entry; start it through InferencePool');
const data = workerData as ThreadData;
// On Linux a nice value belongs to the calling thread, not the process, and the onnxruntime threads this thread starts
// inherit it: only inference yields, the event loop keeps its priority.
if (data.niceness > 0) os.setPriority(Math.min(19, os.getPriority() + data.niceness));
const classifiers = new Map<string, Promise<OnnxClassifier>>();
const loadedRefs = new Set<string>();
let sessions = 0;
let current: Promise<void> = Promise.resolve();
let closing = false;

function send(message: FromThread): void {
  port!.postMessage(message);
}

/** The classifier of one package version, loaded (sha256 verified) on first use and kept. */
function classifier(name: string, version: string): Promise<OnnxClassifier> {
  const ref = refOf(name, version);
  let loading = classifiers.get(ref);
  if (!loading) {
    loading = (async () => {
      const modelPackage = await loadModelPackage(path.join(data.modelsDir, name, version));
      if (modelPackage.ref !== ref)
        throw new ModelPackageError(`${modelPackage.directory}: the card names ${modelPackage.ref}, the directory ${ref}`);
      const loaded = await OnnxClassifier.load(modelPackage, data.intraOpNumThreads ? { intraOpNumThreads: data.intraOpNumThreads } : {});
      sessions += 1;
      loadedRefs.add(ref);
      return loaded;
    })();
    // A failed load (e.g. a package being rewritten) is not remembered: the next use tries again.
    loading.catch(() => classifiers.delete(ref));
    classifiers.set(ref, loading);
  }
  return loading;
}

async function identifier(models: ModelSet): Promise<VectorIdentifier> {
  const loaded = await Promise.all(Object.entries(models).map(([name, version]) => classifier(name, version)));
  return VectorIdentifier.fromClassifiers(loaded, `in ${modelRefs(models).join(', ')}`);
}

async function runBatch(message: Extract<ToThread, { type: 'batch' }>): Promise<void> {
  try {
    const images = new ImageBatch(
      message.specimens.map((images) =>
        images.map((image) => (typeof image === 'string' ? image : Buffer.from(image.buffer, image.byteOffset, image.byteLength))),
      ),
      message.measured,
    );
    const main = await identifier(message.models);
    const result = await main.identifyDetailed(images);
    let shadow: Extract<FromThread, { type: 'result' }>['shadow'];
    if (message.shadow) {
      const shadowModels = modelRefs(message.shadow);
      try {
        shadow = { models: shadowModels, result: await (await identifier(message.shadow)).identifyDetailed(images) };
      } catch (error) {
        shadow = { models: shadowModels, error: messageOf(error) };
      }
    }
    send({
      type: 'result',
      id: message.id,
      ...inventory(),
      models: main.classifiers.map((c) => c.modelPackage.ref),
      result,
      ...(shadow ? { shadow } : {}),
    });
  } catch (error) {
    send({ type: 'failed', id: message.id, ...inventory(), error: messageOf(error) });
  }
}

async function close(): Promise<void> {
  closing = true;
  await current;
  const all = await Promise.allSettled(classifiers.values());
  await Promise.allSettled(all.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value.release()] : [])));
  process.exit(0);
}

function inventory(): Inventory {
  return { loaded: [...loadedRefs], sessions };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

port.on('message', (message: ToThread) => {
  switch (message.type) {
    case 'batch':
      if (closing) return;
      current = runBatch(message);
      break;
    case 'load':
      identifier(message.models).then(
        () => send({ type: 'loaded', id: message.id, ...inventory() }),
        (error: unknown) => send({ type: 'loaded', id: message.id, ...inventory(), error: messageOf(error) }),
      );
      break;
    case 'fault':
      // Fault injection for drills and tests: the thread dies as a crashing one would.
      if (message.kind === 'exit') process.exit(70);
      setImmediate(() => {
        throw new Error('injected fault: uncaught error in an inference thread');
      });
      break;
    case 'close':
      void close();
      break;
  }
});

identifier(data.models).then(
  () => send({ type: 'ready', ...inventory() }),
  (error: unknown) => {
    // The pool terminates a thread that could not start.
    send({ type: 'start-failed', error: messageOf(error) });
  },
);
