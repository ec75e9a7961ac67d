import * as ort from 'onnxruntime-node';
import type { ModelPackage } from './model-package.js';
import { modelPixels, normalise } from './preprocessing.js';
import { calibratedLogProbabilities } from './probabilities.js';

export interface ClassifierOptions {
  /** onnxruntime intra-op threads; by default onnxruntime's own choice (all cores). */
  intraOpNumThreads?: number;
  /** Images per `session.run`. */
  maxBatchSize?: number;
}

/** One ONNX model package, ready to score images: preprocessing from its card, calibrated log-probabilities out. */
export class OnnxClassifier {
  private constructor(
    readonly modelPackage: ModelPackage,
    private readonly session: ort.InferenceSession,
    private readonly maxBatchSize: number,
  ) {}

  static async load(modelPackage: ModelPackage, options: ClassifierOptions = {}): Promise<OnnxClassifier> {
    const session = await ort.InferenceSession.create(modelPackage.onnxPath, {
      graphOptimizationLevel: 'all',
      ...(options.intraOpNumThreads ? { intraOpNumThreads: options.intraOpNumThreads } : {}),
    });
    return new OnnxClassifier(modelPackage, session, options.maxBatchSize ?? 16);
  }

  get card() {
    return this.modelPackage.card;
  }

  /** The normalised NCHW tensor data serving feeds this model for one image. */
  async tensorOf(image: Buffer | string): Promise<Float32Array> {
    return normalise(await modelPixels(image, this.card.input), this.card.input);
  }

  /** Raw logits for ready tensors (each 3×S×S), batched. */
  async logits(tensors: Float32Array[]): Promise<Float32Array[]> {
    const { size } = this.card.input;
    const perImage = 3 * size * size;
    const results: Float32Array[] = [];
    for (let start = 0; start < tensors.length; start += this.maxBatchSize) {
      const batch = tensors.slice(start, start + this.maxBatchSize);
      const data = new Float32Array(batch.length * perImage);
      batch.forEach((tensor, index) => data.set(tensor, index * perImage));
      const input = new ort.Tensor('float32', data, [batch.length, 3, size, size]);
      const output = await this.session.run({ [this.session.inputNames[0]!]: input });
      const logits = output[this.session.outputNames[0]!]!.data as Float32Array;
      const classes = this.card.labels.length;
      for (let index = 0; index < batch.length; index += 1) results.push(logits.slice(index * classes, (index + 1) * classes));
    }
    return results;
  }

  /** Temperature-calibrated log-probabilities, one array per tensor, in the order of `card.labels`. */
  async logProbabilities(tensors: Float32Array[]): Promise<Float64Array[]> {
    return (await this.logits(tensors)).map((logits) => calibratedLogProbabilities(logits, this.card.calibration.temperature));
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
