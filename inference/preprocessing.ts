import sharp from 'sharp';

/** How a model package wants its images: the `input` block of `model.json`. */
export interface InputSpec {
  size: number;
  /** `contain`: the whole image, letterboxed with `padColor`; `cover`: scaled to fill, centre-cropped. */
  resize: 'contain' | 'cover';
  padColor: [number, number, number];
  mean: [number, number, number];
  std: [number, number, number];
}

/**
 * The one preprocessing of VectorDesk, shared by training (`datasets:prepare` writes these pixels) and serving:
 * decode, apply EXIF orientation, flatten alpha onto the pad colour, 8-bit sRGB, resize by policy.
 * Returns `size`×`size`×3 RGB bytes, row-major (HWC).
 */
export async function modelPixels(image: Buffer | string, spec: Pick<InputSpec, 'size' | 'resize' | 'padColor'>): Promise<Buffer> {
  const [r, g, b] = spec.padColor;
  const { data, info } = await sharp(image, { failOn: 'truncated' })
    .rotate()
    .flatten({ background: { r, g, b } })
    .toColourspace('srgb')
    .resize(spec.size, spec.size, {
      fit: spec.resize,
      position: 'centre',
      background: { r, g, b },
      kernel: 'lanczos3',
    })
    .removeAlpha()
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  if (info.width !== spec.size || info.height !== spec.size || info.channels !== 3) {
    throw new Error(`preprocessing produced ${info.width}×${info.height}×${info.channels}, expected ${spec.size}×${spec.size}×3`);
  }
  return data;
}

/**
 * HWC bytes → normalised CHW floats, written into `target` at `offset` (so a batch is filled in place).
 * The trainer applies exactly `(pixel / 255 - mean) / std` to the same bytes; a byte has 256 values, so each
 * channel's results are computed once into a table and looked up (the same float32 values, a fraction of the work).
 */
export function normalise(
  pixels: Buffer,
  spec: Pick<InputSpec, 'size' | 'mean' | 'std'>,
  target: Float32Array = new Float32Array(3 * spec.size * spec.size),
  offset = 0,
): Float32Array {
  const area = spec.size * spec.size;
  for (let channel = 0; channel < 3; channel += 1) {
    const table = normalisationTable(spec.mean[channel]!, spec.std[channel]!);
    const base = offset + channel * area;
    for (let index = 0; index < area; index += 1) {
      target[base + index] = table[pixels[index * 3 + channel]!]!;
    }
  }
  return target;
}

/** The same CHW tensor mirrored left to right: the one test-time augmentation measured (`models:evaluate --tta flip`). */
export function mirrored(tensor: Float32Array, size: number): Float32Array {
  const flipped = new Float32Array(tensor.length);
  for (let row = 0; row < tensor.length; row += size) {
    for (let column = 0; column < size; column += 1) flipped[row + column] = tensor[row + size - 1 - column]!;
  }
  return flipped;
}

const normalisationTables = new Map<string, Float32Array>();

function normalisationTable(mean: number, std: number): Float32Array {
  const key = `${mean}/${std}`;
  let table = normalisationTables.get(key);
  if (!table) {
    table = Float32Array.from({ length: 256 }, (_, value) => (value / 255 - mean) / std);
    normalisationTables.set(key, table);
  }
  return table;
}

/** The lossless file `datasets:prepare` writes for the trainer: exactly the pixels serving feeds the model. */
export function preparedPng(pixels: Buffer, size: number): Promise<Buffer> {
  return sharp(pixels, { raw: { width: size, height: size, channels: 3 } })
    .png({ compressionLevel: 6 })
    .toBuffer();
}

/** A stable name for a preprocessing policy, used to file prepared training inputs. */
export function policyKey(spec: Pick<InputSpec, 'size' | 'resize' | 'padColor'>): string {
  return `${spec.resize}-${spec.size}-pad${spec.padColor.join('.')}`;
}
