import sharp from 'sharp';

const SAMPLE_SIZE = 32;
/** Coefficients 1..8 of each axis: the lowest frequencies bar the DC row and column, which carry overall brightness. */
const FIRST_FREQUENCY = 1;
const LAST_FREQUENCY = 8;
const FREQUENCIES = Array.from({ length: LAST_FREQUENCY - FIRST_FREQUENCY + 1 }, (_, index) => FIRST_FREQUENCY + index);
const COSINES = FREQUENCIES.map((frequency) =>
  Float64Array.from({ length: SAMPLE_SIZE }, (_, x) => Math.cos(((2 * x + 1) * frequency * Math.PI) / (2 * SAMPLE_SIZE))),
);

export const PHASH_PATTERN = /^[0-9a-f]{16}$/;

/**
 * 64-bit DCT perceptual hash as 16 hex digits: greyscale 32×32 (aspect ignored), 2-D DCT-II, the 8×8 lowest
 * frequencies without the DC row and column, each bit set where its coefficient is above their median.
 * Resizing, re-encoding and mild colour changes move few bits, so it finds the same photograph under other bytes.
 */
export async function perceptualHash(image: Buffer | string): Promise<string> {
  const { data, info } = await sharp(image, { failOn: 'truncated' })
    .autoOrient()
    .flatten({ background: '#ffffff' })
    .greyscale()
    .resize(SAMPLE_SIZE, SAMPLE_SIZE, { fit: 'fill' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 1) throw new Error(`perceptual hash expected one grey channel, got ${info.channels}`);

  // Separable DCT: along x for every row, then along y; the normalising constants are the same for every
  // coefficient used and so cannot change which side of the median it falls.
  const rowPass = Array.from({ length: SAMPLE_SIZE }, (_, y) =>
    COSINES.map((cosine) => cosine.reduce((sum, weight, x) => sum + weight * data[y * SAMPLE_SIZE + x]!, 0)),
  );
  const coefficients: number[] = [];
  for (const cosine of COSINES) {
    for (let u = 0; u < COSINES.length; u += 1) {
      coefficients.push(cosine.reduce((sum, weight, y) => sum + weight * rowPass[y]![u]!, 0));
    }
  }
  const median = medianOf(coefficients);
  let hex = '';
  for (let nibble = 0; nibble < coefficients.length; nibble += 4) {
    const bits = coefficients.slice(nibble, nibble + 4).reduce((value, coefficient) => (value << 1) | (coefficient > median ? 1 : 0), 0);
    hex += bits.toString(16);
  }
  return hex;
}

function medianOf(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  return (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function hammingDistance(a: string, b: string): number {
  const [aHigh, aLow] = hashWords(a);
  const [bHigh, bLow] = hashWords(b);
  return popCount(aHigh ^ bHigh) + popCount(aLow ^ bLow);
}

export interface NearPair {
  a: number;
  b: number;
  distance: number;
}

/**
 * Index pairs of hashes at most `maxDistance` bits apart. Compares all pairs: quadratic, a second or so for ten
 * thousand images; far larger sets would want multi-index bucketing.
 */
export function nearPairs(hashes: readonly string[], maxDistance: number): NearPair[] {
  const high = new Uint32Array(hashes.length);
  const low = new Uint32Array(hashes.length);
  hashes.forEach((hash, index) => {
    [high[index], low[index]] = hashWords(hash);
  });
  const pairs: NearPair[] = [];
  for (let a = 0; a < hashes.length; a += 1) {
    for (let b = a + 1; b < hashes.length; b += 1) {
      const distance = popCount(high[a]! ^ high[b]!) + popCount(low[a]! ^ low[b]!);
      if (distance <= maxDistance) pairs.push({ a, b, distance });
    }
  }
  return pairs;
}

function hashWords(hash: string): [number, number] {
  if (!PHASH_PATTERN.test(hash)) throw new Error(`not a perceptual hash: ${JSON.stringify(hash)}`);
  return [Number.parseInt(hash.slice(0, 8), 16), Number.parseInt(hash.slice(8), 16)];
}

function popCount(word: number): number {
  let bits = word - ((word >>> 1) & 0x55555555);
  bits = (bits & 0x33333333) + ((bits >>> 2) & 0x33333333);
  return Math.imul((bits + (bits >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}
