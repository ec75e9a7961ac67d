/** Calibrated class probabilities from logits: softmax(logits / temperature), computed stably. */
export function calibratedLogProbabilities(logits: ArrayLike<number>, temperature: number): Float64Array {
  const scaled = Float64Array.from(logits, (value) => value / temperature);
  const max = Math.max(...scaled);
  let sum = 0;
  for (const value of scaled) sum += Math.exp(value - max);
  const logSum = max + Math.log(sum);
  return scaled.map((value) => value - logSum);
}

/**
 * Combines several images of one specimen: the mean of their log-probabilities, renormalised
 * (a geometric mean of the distributions). One confident, consistent view outweighs a blurry one less
 * than a plain average would let it; contradicting views flatten the result, as they should.
 */
export function meanOfLogProbabilities(perImage: Float64Array[]): Float64Array {
  if (perImage.length === 0) throw new Error('no images to aggregate');
  const classes = perImage[0]!.length;
  const mean = new Float64Array(classes);
  for (const logProbabilities of perImage) for (let k = 0; k < classes; k += 1) mean[k]! += logProbabilities[k]! / perImage.length;
  const max = Math.max(...mean);
  let sum = 0;
  for (const value of mean) sum += Math.exp(value - max);
  const logSum = max + Math.log(sum);
  return mean.map((value) => value - logSum);
}

export function toProbabilities(logProbabilities: Float64Array): Float64Array {
  return logProbabilities.map(Math.exp);
}

/** Indices of the k largest values, largest first. */
export function topIndices(values: ArrayLike<number>, k: number): number[] {
  return Array.from({ length: values.length }, (_, index) => index)
    .sort((a, b) => values[b]! - values[a]!)
    .slice(0, k);
}
