import { decodedInput, type DecodedPhoto } from './preprocessing.js';

/**
 * What the quality gate measures of a photograph. All but `shortSide` are read from a greyscale copy scaled to
 * {@link ASSESSED_SIDE} pixels on its long side, so the cost is the same for every photo and the measures do not
 * depend on the camera's resolution.
 */
export interface ImageQualityMeasures {
  /** The shorter side of the photo itself, in pixels. */
  shortSide: number;
  /** Mean luminance, 0–255. */
  meanLuminance: number;
  /** Share of pixels at or above {@link HIGHLIGHT_LEVEL}: burnt-out highlights. */
  highlightShare: number;
  /** Share of pixels at or below {@link SHADOW_LEVEL}: crushed shadows. */
  shadowShare: number;
  /**
   * Variance of the Laplacian divided by the variance of the luminance: the fine detail relative to the contrast there
   * is. Blur removes the first and keeps most of the second; dividing makes a dim or low-contrast but sharp photo pass.
   */
  sharpness: number;
  /** Share of pixels that differ from the background (the median luminance) by more than {@link STANDOUT_LEVELS}. */
  standoutShare: number;
}

/** What an intake checks of a decoded photo: the quality gate's measures, and whether it is blank. */
export interface PhotoMeasures {
  quality: ImageQualityMeasures;
  /** The largest standard deviation of a colour channel (0–255): near 0, the picture is blank or a single colour. */
  colourStdev: number;
}

const ASSESSED_SIDE = 256;
const HIGHLIGHT_LEVEL = 250;
const SHADOW_LEVEL = 5;
const STANDOUT_LEVELS = 24;

/**
 * Measures a photo from its one decode ({@link decodePhoto}), as the intake and the quality gate need it. sharp makes
 * the 256 px copy; the grey copy is made here, in JavaScript: a second sharp pipeline's fixed cost (building it and
 * handing it to libuv's and libvips' threads and back) was ≈ 0.85 CPU ms, twice the pixel work (ADR 0042).
 */
export async function measurePhoto(photo: DecodedPhoto): Promise<PhotoMeasures> {
  const { data, info } = await decodedInput(photo)
    .flatten({ background: '#ffffff' })
    .resize(ASSESSED_SIDE, ASSESSED_SIDE, { fit: 'inside', withoutEnlargement: true })
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  const { grey, colourStdev } = greyAndColourStdev(data, info.channels);
  return {
    quality: { shortSide: photo.shortSide, ...luminanceMeasures(grey, info.width, info.height) },
    colourStdev,
  };
}

/**
 * Each pixel's luminance, 0–255, computed as libvips' `greyscale()` computes it, so the gate measures what it was
 * calibrated on (ADR 0034): each level to linear light through a 256-entry table, the Rec. 709 weights, and back
 * through a 256-entry table of rounded sRGB levels, interpolated. It agrees with sharp on all but 119 of the 16.7
 * million 8-bit colours, and on those by one level. Also the largest standard deviation of a colour channel (0–255).
 */
export function greyAndColourStdev(data: Buffer, channels: number): { grey: Uint8Array; colourStdev: number } {
  const pixels = data.length / channels;
  const grey = new Uint8Array(pixels);
  let [sumR, sumG, sumB, squaresR, squaresG, squaresB] = [0, 0, 0, 0, 0, 0];
  for (let pixel = 0, at = 0; pixel < pixels; pixel += 1, at += channels) {
    const r = data[at]!;
    const g = data[at + 1]!;
    const b = data[at + 2]!;
    sumR += r;
    sumG += g;
    sumB += b;
    squaresR += r * r;
    squaresG += g * g;
    squaresB += b * b;
    // `| 0` truncates as C's (int) does, and with + 0.5 rounds as libvips does; Math.trunc and Math.round cost 50 % more.
    const scaled = Math.fround(Math.fround(0.2126 * LINEAR[r]! + 0.7152 * LINEAR[g]! + 0.0722 * LINEAR[b]!) * 255);
    const below = scaled < 254 ? scaled | 0 : 254;
    grey[pixel] = (SRGB_LEVEL[below]! + (SRGB_LEVEL[below + 1]! - SRGB_LEVEL[below]!) * (scaled - below) + 0.5) | 0;
  }
  const stdev = (sum: number, squares: number) => Math.sqrt(Math.max(0, squares / pixels - (sum / pixels) ** 2));
  return { grey, colourStdev: Math.max(stdev(sumR, squaresR), stdev(sumG, squaresG), stdev(sumB, squaresB)) };
}

/** Each sRGB level in linear light (0–1), as 32-bit floats, as libvips keeps them. */
const LINEAR = Float32Array.from({ length: 256 }, (_, level) => {
  const value = Math.fround(level / 255);
  return value <= 0.04045 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
});

/** The sRGB level of each 1/255 of linear light, rounded, as libvips tabulates it. */
const SRGB_LEVEL = Int32Array.from({ length: 256 }, (_, step) => {
  const value = Math.fround(step / 255);
  return Math.round(255 * Math.fround(value <= 0.0031308 ? 12.92 * value : 1.055 * value ** (1 / 2.4) - 0.055));
});

function luminanceMeasures(grey: Uint8Array, width: number, height: number): Omit<ImageQualityMeasures, 'shortSide'> {
  const count = width * height;
  const histogram = new Float64Array(256);
  for (let index = 0; index < count; index += 1) histogram[grey[index]!]! += 1;
  let sum = 0;
  let sumSquares = 0;
  for (let level = 0; level < 256; level += 1) {
    sum += level * histogram[level]!;
    sumSquares += level * level * histogram[level]!;
  }
  const mean = sum / count;
  const variance = Math.max(0, sumSquares / count - mean * mean);
  const median = percentile(histogram, count, 0.5);
  let highlights = 0;
  let shadows = 0;
  let standout = 0;
  for (let level = 0; level < 256; level++) {
    if (level >= HIGHLIGHT_LEVEL) highlights += histogram[level]!;
    if (level <= SHADOW_LEVEL) shadows += histogram[level]!;
    if (Math.abs(level - median) > STANDOUT_LEVELS) standout += histogram[level]!;
  }
  return {
    meanLuminance: mean,
    highlightShare: highlights / count,
    shadowShare: shadows / count,
    sharpness: variance === 0 ? 0 : laplacianVariance(grey, width, height) / variance,
    standoutShare: standout / count,
  };
}

/** The variance of the 4-neighbour Laplacian over the interior pixels (0 for an image too small to have any). */
function laplacianVariance(grey: Uint8Array, width: number, height: number): number {
  let sum = 0;
  let sumSquares = 0;
  let count = 0;
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const at = y * width + x;
      const laplacian = grey[at - 1]! + grey[at + 1]! + grey[at - width]! + grey[at + width]! - 4 * grey[at]!;
      sum += laplacian;
      sumSquares += laplacian * laplacian;
      count += 1;
    }
  }
  if (count === 0) return 0;
  const mean = sum / count;
  return sumSquares / count - mean * mean;
}

function percentile(histogram: Float64Array, count: number, share: number): number {
  let seen = 0;
  for (let level = 0; level < 256; level++) {
    seen += histogram[level]!;
    if (seen >= count * share) return level;
  }
  return 255;
}
