import sharp from 'sharp';
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

/** Measures a photo from its one decode ({@link decodePhoto}), as the intake and the quality gate need it. */
export async function measurePhoto(photo: DecodedPhoto): Promise<PhotoMeasures> {
  // Shrunk first, then made grey: the colour conversion on the small copy costs a quarter as much.
  const small = await decodedInput(photo)
    .flatten({ background: '#ffffff' })
    .resize(ASSESSED_SIDE, ASSESSED_SIDE, { fit: 'inside', withoutEnlargement: true })
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  const grey = await sharp(small.data, { raw: { width: small.info.width, height: small.info.height, channels: small.info.channels } })
    .greyscale()
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  return {
    quality: { shortSide: photo.shortSide, ...luminanceMeasures(grey.data, grey.info.width, grey.info.height) },
    colourStdev: largestColourStdev(small.data, small.info.channels),
  };
}

/**
 * Over the 256 px copy the gate measures, in JavaScript: sharp's `stats()` also finds entropy, sharpness and the
 * dominant colour (5× the cost), and the full decode has 4× the pixels, on the main thread at intake.
 */
function largestColourStdev(data: Buffer, channels: number): number {
  let largest = 0;
  const count = data.length / channels;
  for (let channel = 0; channel < Math.min(3, channels); channel++) {
    let sum = 0;
    let sumSquares = 0;
    for (let index = channel; index < data.length; index += channels) {
      const value = data[index]!;
      sum += value;
      sumSquares += value * value;
    }
    const mean = sum / count;
    largest = Math.max(largest, Math.sqrt(Math.max(0, sumSquares / count - mean * mean)));
  }
  return largest;
}

function luminanceMeasures(grey: Buffer, width: number, height: number): Omit<ImageQualityMeasures, 'shortSide'> {
  const count = width * height;
  const histogram = new Array<number>(256).fill(0);
  let sum = 0;
  let sumSquares = 0;
  for (const value of grey) {
    histogram[value]! += 1;
    sum += value;
    sumSquares += value * value;
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
function laplacianVariance(grey: Buffer, width: number, height: number): number {
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

function percentile(histogram: readonly number[], count: number, share: number): number {
  let seen = 0;
  for (let level = 0; level < 256; level++) {
    seen += histogram[level]!;
    if (seen >= count * share) return level;
  }
  return 255;
}
