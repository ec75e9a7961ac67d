/**
 * The fair ceiling of `npm run bench:inference`: what identifying the benchmark's photos costs when nothing but the
 * work itself is paid for — each photo decoded once, the group model, and the refiner the chain routes it to — as CPU
 * milliseconds per image (all threads, sharp's included) at the serving thread settings, and the images per second
 * that cost allows on every core of this machine. HTTP, the intake's checks and the batching are what serving adds.
 */
import os from 'node:os';
import path from 'node:path';
import { OnnxClassifier } from '../inference/classifier.js';
import { VectorIdentifier } from '../inference/identifier.js';
import { loadModelPackage } from '../inference/model-package.js';
import { decodePhoto, normalise, pixelsFor } from '../inference/preprocessing.js';
import { cpuWindow } from './bench-lib.js';

export interface FairCeiling {
  /** One decode + group model + routed refiner, CPU ms per image of the mix. */
  cpuMsPerImage: number;
  /** Of which: one decode and the group model's input (resize + normalise), one image at a time. */
  decodeCpuMsPerImage: number;
  /** Of which: the group model on ready tensors, batches of 8. */
  groupCpuMsPerImage: number;
  /** Of which: each refiner on the photos the chain routes to it (their own input resampled from the decode), per image of the mix. */
  refinerCpuMsPerImage: number;
  /** `cores × 1000 / cpuMsPerImage`. */
  imagesPerSecond: number;
  /** Images a refiner ran on, of all. */
  refinedShare: number;
}

const BATCH = 8;

/**
 * Each part measured alone at its cheapest — decoding one image at a time, the models on ready tensors in batches —
 * so nothing serving adds (queueing, hand-offs, concurrency) is counted; the photos are routed as the chain routes
 * them.
 */
export async function measureFairCeiling(
  modelsDir: string,
  versions: Record<string, string>,
  images: readonly Buffer[],
  options: { intraOp: number; passes: number },
): Promise<FairCeiling> {
  const classifiers = await Promise.all(
    Object.entries(versions).map(async ([name, version]) =>
      OnnxClassifier.load(await loadModelPackage(path.join(modelsDir, name, version)), {
        intraOpNumThreads: options.intraOp,
        maxBatchSize: BATCH,
      }),
    ),
  );
  try {
    const identifier = VectorIdentifier.fromClassifiers(classifiers);
    const group = identifier.groupModel;
    const decoded = await Promise.all(images.map((image) => decodePhoto(image)));
    const groupTensors = await Promise.all(
      decoded.map(async (photo) => normalise(await pixelsFor(photo, group.card.input), group.card.input)),
    );
    const routed = new Map<OnnxClassifier, number[]>();
    const { specimens } = await identifier.identifyDetailed(images.map((image) => [image]));
    specimens.forEach((specimen, index) => {
      const refinerRef = 'identification' in specimen ? specimen.identification.models[1] : undefined;
      const refiner = classifiers.find((classifier) => classifier.modelPackage.ref === refinerRef);
      if (refiner) routed.set(refiner, [...(routed.get(refiner) ?? []), index]);
    });
    const perImage = (ms: number) => ms / (images.length * options.passes);
    const decodeCpu = await cpuOf(options.passes, async () => {
      for (const image of images) normalise(await pixelsFor(await decodePhoto(image), group.card.input), group.card.input);
    });
    await group.logits(groupTensors);
    const groupCpu = await cpuOf(options.passes, () => group.logits(groupTensors));
    let refinerCpu = 0;
    for (const [refiner, indices] of routed) {
      const input = refiner.card.input;
      const sameInput = JSON.stringify(input) === JSON.stringify(group.card.input);
      const run = async () => {
        const tensors = await Promise.all(
          indices.map(async (index) => (sameInput ? groupTensors[index]! : normalise(await pixelsFor(decoded[index]!, input), input))),
        );
        await refiner.logits(tensors);
      };
      await run();
      refinerCpu += await cpuOf(options.passes, run);
    }
    const cpuMsPerImage = perImage(decodeCpu + groupCpu + refinerCpu);
    return {
      cpuMsPerImage,
      decodeCpuMsPerImage: perImage(decodeCpu),
      groupCpuMsPerImage: perImage(groupCpu),
      refinerCpuMsPerImage: perImage(refinerCpu),
      imagesPerSecond: (os.availableParallelism() * 1000) / cpuMsPerImage,
      refinedShare: [...routed.values()].reduce((sum, indices) => sum + indices.length, 0) / images.length,
    };
  } finally {
    await Promise.all(classifiers.map((classifier) => classifier.release()));
  }
}

/** This process's CPU milliseconds (all threads) over `passes` runs of `work`. */
async function cpuOf(passes: number, work: () => Promise<unknown>): Promise<number> {
  const window = cpuWindow();
  for (let pass = 0; pass < passes; pass += 1) await work();
  return window.stop().ownMs;
}
