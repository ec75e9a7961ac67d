import sharp, { type Sharp } from 'sharp';

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
 * Longest side, in pixels, a photo is decoded to: twice the quality gate's 256 px and more than twice every model
 * input (128–224 px), so each is resampled from real detail. The dataset's photos (≤ 512 px) are decoded at their own
 * size: the models see the pixels they were trained on, within their recorded metrics (256 moved a from-scratch
 * model's calibration by 2.7 points). A JPEG is shrunk as it is decoded (shrink-on-load), so a 12-megapixel phone
 * photo costs little more than a small one and holds 1 MiB once decoded.
 */
export const DECODED_SIDE = 512;

/** A photo decoded once: the pixels every model input and the quality measures are resampled from. */
export interface DecodedPhoto {
  /** 8-bit sRGB, row-major, `channels` per pixel (4 when the photo has transparency), EXIF orientation applied. */
  data: Buffer;
  width: number;
  height: number;
  channels: 3 | 4;
  /** The photo's own shorter side, before it was shrunk to {@link DECODED_SIDE}. */
  shortSide: number;
}

/**
 * Decodes every pixel of a photo once (a truncated or corrupt one is refused), applies its EXIF orientation and
 * shrinks it to {@link DECODED_SIDE}. `maxPixels` refuses a larger photo before decoding it (by default sharp's own limit).
 */
export async function decodePhoto(image: Buffer | string, maxPixels?: number): Promise<DecodedPhoto> {
  const pipeline = sharp(image, { failOn: 'truncated', limitInputPixels: maxPixels ?? true });
  const { width = 0, height = 0 } = await pipeline.metadata();
  const { data, info } = await pipeline
    .rotate()
    .resize(DECODED_SIDE, DECODED_SIDE, { fit: 'inside', withoutEnlargement: true, kernel: 'lanczos3' })
    .toColourspace('srgb')
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3 && info.channels !== 4) throw new Error(`decoding gave ${info.channels} channels, expected 3 or 4`);
  return { data, width: info.width, height: info.height, channels: info.channels, shortSide: Math.min(width, height) };
}

/** The decoded photo as a sharp input, for resampling it. */
export function decodedInput(photo: DecodedPhoto): Sharp {
  return sharp(photo.data, { raw: { width: photo.width, height: photo.height, channels: photo.channels } });
}

/**
 * A model's input pixels from a decoded photo: alpha flattened onto the pad colour, resized by policy.
 * Returns `size`×`size`×3 RGB bytes, row-major (HWC).
 */
export async function pixelsFor(photo: DecodedPhoto, spec: Pick<InputSpec, 'size' | 'resize' | 'padColor'>): Promise<Buffer> {
  const [r, g, b] = spec.padColor;
  const input = decodedInput(photo);
  if (photo.channels === 4) input.flatten({ background: { r, g, b } });
  const { data, info } = await input
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
 * The one preprocessing of VectorDesk, shared by training (`datasets:prepare` writes these pixels) and serving:
 * {@link decodePhoto}, then {@link pixelsFor}. Serving decodes once and resamples for every model of the chain;
 * the pixels are the same either way.
 */
export async function modelPixels(image: Buffer | string, spec: Pick<InputSpec, 'size' | 'resize' | 'padColor'>): Promise<Buffer> {
  return pixelsFor(await decodePhoto(image), spec);
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
