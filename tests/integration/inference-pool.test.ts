import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VectorIdentifier, type Identification } from '../../inference/identifier.js';
import { InferencePool, PoolClosedError, PoolSaturatedError, type PoolOutcome } from '../../inference/inference-pool.js';
import { findModelPackageDirs } from '../../inference/model-package.js';
import { jpegImage, pngImage, truncatedJpeg } from '../helpers/images.js';
import { MODELS_DIR } from '../helpers/models.js';

/** A second version of the group model: the same ONNX file (same sha256), its card renamed. */
const NEXT_VERSION = '2099.01.01';

function expectSameIdentification(actual: Identification, expected: Identification): void {
  const { confidence, topK, ...rest } = actual;
  const { confidence: expectedConfidence, topK: expectedTopK, ...expectedRest } = expected;
  expect(rest).toEqual(expectedRest);
  expect(Math.abs(confidence - expectedConfidence)).toBeLessThan(1e-6);
  expect(topK.map((entry) => entry.taxon)).toEqual(expectedTopK.map((entry) => entry.taxon));
  topK.forEach((entry, index) => expect(Math.abs(entry.p - expectedTopK[index]!.p)).toBeLessThan(1e-6));
}

function identified(outcome: PoolOutcome | undefined): Identification {
  if (!outcome || 'error' in outcome) throw new Error(`expected an identification, got ${JSON.stringify(outcome)}`);
  return outcome.identification;
}

describe('InferencePool (real models, real worker threads)', () => {
  let modelsDir: string;
  let versions: Record<string, string>;
  let pool: InferencePool;
  let identifier: VectorIdentifier;
  const batches: { images: number; model: string }[] = [];

  beforeAll(async () => {
    // A models dir with the committed packages plus a second group-model version.
    modelsDir = await mkdtemp(path.join(os.tmpdir(), 'vectordesk-pool-'));
    versions = {};
    for (const [name, [directory]] of await findModelPackageDirs(MODELS_DIR)) {
      const version = path.basename(directory!);
      versions[name] = version;
      const targets = name === 'vector-group' ? [version, NEXT_VERSION] : [version];
      for (const target of targets) {
        const into = path.join(modelsDir, name, target);
        await mkdir(into, { recursive: true });
        await copyFile(path.join(directory!, 'model.onnx'), path.join(into, 'model.onnx'));
        const card = JSON.parse(await readFile(path.join(directory!, 'model.json'), 'utf8')) as Record<string, unknown>;
        await writeFile(path.join(into, 'model.json'), JSON.stringify({ ...card, version: target }));
      }
    }
    [pool, identifier] = await Promise.all([
      InferencePool.start({
        modelsDir,
        active: versions,
        intraOpNumThreads: 1,
        maxDelayMs: 20,
        niceness: 3,
        metrics: { batch: (images, _preprocessMs, _inferenceMs, model) => batches.push({ images, model }), queued: () => undefined },
      }),
      VectorIdentifier.fromModelsDir(MODELS_DIR, { intraOpNumThreads: 1 }),
    ]);
  });

  afterAll(async () => {
    await pool?.close();
    await Promise.all(identifier?.classifiers.map((classifier) => classifier.release()) ?? []);
    await rm(modelsDir, { recursive: true, force: true });
  });

  it('micro-batches concurrent requests', async () => {
    const images = await Promise.all([1, 2, 3, 4, 5, 6].map((seed) => jpegImage(seed, 120, 90)));
    const outcomes = await Promise.all(images.map((image) => pool.identify([[image]])));
    for (const [outcome] of outcomes) {
      expect(outcome!.timings.batchImages).toBeGreaterThan(1);
      expect(outcome!.timings.queueMs).toBeGreaterThanOrEqual(0);
      expect(outcome!.timings.inferenceMs).toBeGreaterThan(0);
    }
    expect(batches.some((batch) => batch.images > 1 && batch.model === `vector-group@${versions['vector-group']}`)).toBe(true);
    expect(pool.status()).toMatchObject({ threads: 1, busyThreads: 0, queuedImages: 0 });
  });

  it('answers exactly as VectorIdentifier does, per specimen and per image', async () => {
    // Disagreeing images, a rejected one, and images the larva model refines (with these generated pictures).
    const specimens = [
      [await jpegImage(1, 200, 150), await pngImage(42, 120, 90)],
      [await pngImage(112, 120, 90)],
      [await pngImage(7, 120, 90), await pngImage(70, 120, 90), await pngImage(14, 120, 90)],
    ];
    const [fromPool, direct] = await Promise.all([pool.identify(specimens), identifier.identifyDetailed(specimens)]);
    expect(fromPool).toHaveLength(specimens.length);
    fromPool.forEach((outcome, specimen) => {
      const expected = direct.specimens[specimen]!;
      if (!('identification' in expected)) throw new Error('the direct identifier failed');
      expectSameIdentification(identified(outcome), expected.identification);
      expect(outcome.images.map((image) => image.index)).toEqual(specimens[specimen]!.map((_, index) => index));
      outcome.images.forEach((image, index) => {
        const expectedImage = expected.images[index]!;
        if ('error' in image || 'error' in expectedImage) throw new Error('an image failed');
        expectSameIdentification(image.identification, expectedImage.identification);
      });
      expect(outcome.models).toEqual(identifier.classifiers.map((classifier) => classifier.modelPackage.ref));
    });
    // Each image is judged alone: the same answer as a one-image specimen.
    const alone = await identifier.identify([specimens[0]![1]!]);
    const image = fromPool[0]!.images[1]!;
    if ('error' in image) throw new Error(image.error);
    expectSameIdentification(image.identification, alone);
    expect(fromPool.some((outcome) => identified(outcome).models.length > 1)).toBe(true);
  });

  it('fails only the corrupt image of a specimen, and a specimen with no readable image', async () => {
    const [mixed, broken] = await pool.identify([
      [await jpegImage(4), await truncatedJpeg(), Buffer.from('not an image')],
      [Buffer.from('nope')],
    ]);
    expect(identified(mixed).taxon).toEqual(expect.any(String));
    expect(mixed!.images.map((image) => ('error' in image ? 'error' : 'ok'))).toEqual(['ok', 'error', 'error']);
    expect(broken).toMatchObject({ error: expect.any(String), images: [{ index: 0, error: expect.any(String) }] });
  });

  it('keeps the main event loop responsive while a big batch runs', async () => {
    const images = await Promise.all(Array.from({ length: 16 }, (_, seed) => jpegImage(seed + 10, 800, 600)));
    let done = false;
    const request = pool.identify([images]).finally(() => (done = true));
    let worst = 0;
    let samples = 0;
    while (!done) {
      const before = performance.now();
      await new Promise((resolve) => setTimeout(resolve, 0));
      worst = Math.max(worst, performance.now() - before);
      samples += 1;
    }
    const [outcome] = await request;
    expect(outcome!.timings.batchImages).toBe(16);
    expect(samples).toBeGreaterThan(5);
    // Relative to the batch itself, so a busy machine slows both sides alike: were the models run on this thread,
    // the loop would stall for the whole batch (idle machine: worst ≈ 5 ms against a batch of ≈ 250 ms).
    const batchMs = outcome!.timings.preprocessMs + outcome!.timings.inferenceMs;
    expect(worst, `worst event-loop lag ${worst.toFixed(1)} ms during a ${batchMs.toFixed(0)} ms batch`).toBeLessThan(batchMs / 4);
  });

  it.skipIf(process.platform !== 'linux')(
    'runs its threads nicer than the event loop, whose priority stays (Linux: nice is per thread)',
    async () => {
      const niceOf = async (task: string) => {
        const stat = await readFile(`/proc/self/task/${task}/stat`, 'utf8');
        // Fields after the command name, which is in parentheses: state is field 3, nice field 19.
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
      };
      const eventLoop = await niceOf(String(process.pid));
      const tasks = await readdir('/proc/self/task');
      const nices = await Promise.all(tasks.map(niceOf));
      expect(os.getPriority()).toBe(eventLoop);
      expect(nices.filter((nice) => nice === Math.min(19, eventLoop + 3)).length).toBeGreaterThanOrEqual(pool.status().threads);
    },
  );

  it('switches versions during a stream of requests without losing one, and reuses loaded sessions', async () => {
    const image = await pngImage(42, 120, 90);
    const oldRef = `vector-group@${versions['vector-group']}`;
    const newRef = `vector-group@${NEXT_VERSION}`;
    const requests: Promise<PoolOutcome[]>[] = [];
    let activated = false;
    let activationError: unknown;
    // A steady stream: 10 requests before the switch, requests while it loads, 10 after it took effect.
    const deadline = performance.now() + 60_000;
    let inFlight = 0;
    for (let index = 0, after = 0; after < 10 && performance.now() < deadline; index += 1) {
      // A stream, not a flood: on a slow machine the activation takes seconds, and the intake must not overflow.
      while (inFlight >= 32) await new Promise((resolve) => setTimeout(resolve, 8));
      inFlight += 1;
      requests.push(pool.identify([[image]]).finally(() => (inFlight -= 1)));
      if (index === 10)
        pool.activate('vector-group', NEXT_VERSION).then(
          () => (activated = true),
          (error: unknown) => (activationError = error),
        );
      if (activated) after += 1;
      await new Promise((resolve) => setTimeout(resolve, 8));
    }
    expect(activationError).toBeUndefined();
    expect(activated).toBe(true);
    const settled = await Promise.allSettled(requests);
    expect(settled.filter((outcome) => outcome.status === 'rejected')).toEqual([]);
    const outcomes = settled.map((outcome) => (outcome as PromiseFulfilledResult<PoolOutcome[]>).value[0]!);
    const served = outcomes.map((outcome) => outcome.models[0]);
    expect(served[0]).toBe(oldRef);
    expect(served.at(-1)).toBe(newRef);
    expect(served).toEqual([...served.filter((ref) => ref === oldRef), ...served.filter((ref) => ref === newRef)]);
    const after = await pool.identify([[image]]);
    expect(after[0]!.models).toContain(newRef);
    expect(identified(after[0]).models[0]).toBe(newRef);
    expect(Math.abs(identified(after[0]).confidence - identified(outcomes[0]).confidence)).toBeLessThan(1e-6);
    expect(pool.active()['vector-group']).toBe(NEXT_VERSION);

    const { loaded, sessions } = pool.status();
    expect(loaded).toEqual(expect.arrayContaining([oldRef, newRef]));
    expect(sessions).toBe(loaded.length);
    await pool.activate('vector-group', versions['vector-group']!);
    expect(pool.status()).toMatchObject({ loaded, sessions });
    expect((await pool.identify([[image]]))[0]!.models).toContain(oldRef);
  });

  it('runs a shadow version beside the active one without changing the main result', async () => {
    const image = await pngImage(42, 120, 90);
    const [plain] = await pool.identify([[image]]);
    expect(plain!.shadow).toBeUndefined();
    await pool.setShadow('vector-group', NEXT_VERSION);
    expect(pool.shadow()).toEqual({ 'vector-group': NEXT_VERSION });
    const [shadowed] = await pool.identify([[image]]);
    expectSameIdentification(identified(shadowed), identified(plain));
    expect(shadowed!.models).toEqual(plain!.models);
    const shadow = shadowed!.shadow;
    if (!shadow || 'error' in shadow) throw new Error(`no shadow result: ${JSON.stringify(shadow)}`);
    expect(shadow.models).toContain(`vector-group@${NEXT_VERSION}`);
    expect(shadow.identification.models[0]).toBe(`vector-group@${NEXT_VERSION}`);
    expect(Math.abs(shadow.identification.confidence - identified(plain).confidence)).toBeLessThan(1e-6);
    await pool.setShadow('vector-group', null);
    expect((await pool.identify([[image]]))[0]!.shadow).toBeUndefined();
  });
});

describe('InferencePool under pressure and failure', () => {
  let pool: InferencePool;
  beforeAll(async () => {
    pool = await InferencePool.start({
      modelsDir: MODELS_DIR,
      intraOpNumThreads: 1,
      maxBatchImages: 2,
      maxDelayMs: 1_000,
      maxQueuedImages: 4,
    });
  });
  afterAll(() => pool?.close());

  it('rejects beyond the queue bound with a retry estimate while accepted requests complete', async () => {
    const two = [await jpegImage(1), await jpegImage(2)];
    const first = pool.identify([two]); // a full batch: sent at once
    const second = pool.identify([two]); // queued
    const third = pool.identify([two]); // queued: 4 images waiting
    const refused = await pool.identify([[await jpegImage(3)]]).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(PoolSaturatedError);
    expect((refused as PoolSaturatedError).retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(Number.isInteger((refused as PoolSaturatedError).retryAfterSeconds)).toBe(true);
    for (const outcome of await Promise.all([first, second, third])) expect(identified(outcome[0]).taxon).toEqual(expect.any(String));
  });

  it('replaces a thread that dies mid-batch and retries its batch', async () => {
    const images = [await jpegImage(5, 400, 300), await jpegImage(6, 400, 300)];
    const request = pool.identify([images]);
    pool.crashThread('exit'); // the thread holds the batch when it dies
    const [outcome] = await request;
    expect(identified(outcome).taxon).toEqual(expect.any(String));
    expect(pool.status()).toMatchObject({ threads: 1, replacedThreads: 1 });
  });

  it('fails a batch with a clear error when its retry crashes too, and keeps serving', async () => {
    const images = [await jpegImage(7, 1600, 1200), await jpegImage(8, 1600, 1200)];
    const request = pool.identify([images]).catch((error: unknown) => error);
    pool.crashThread('throw');
    // Crash the replacement as soon as it holds the retried batch.
    while (!(pool.status().replacedThreads === 2 && pool.status().busyThreads === 1)) await new Promise((resolve) => setImmediate(resolve));
    pool.crashThread('exit');
    const failure = await request;
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toMatch(/crashed twice/);
    const [outcome] = await pool.identify([[await jpegImage(9)]]);
    expect(identified(outcome).taxon).toEqual(expect.any(String));
  });

  it('on close, finishes the batch in flight and rejects queued requests', async () => {
    const two = [await jpegImage(10), await jpegImage(11)];
    const inFlight = pool.identify([two]);
    const queued = pool.identify([two]).catch((error: unknown) => error);
    await pool.close();
    expect(await queued).toBeInstanceOf(PoolClosedError);
    expect(identified((await inFlight)[0]).taxon).toEqual(expect.any(String));
    await expect(pool.identify([two])).rejects.toBeInstanceOf(PoolClosedError);
  });
});
