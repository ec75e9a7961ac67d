import sharp from 'sharp';
import type { ImageQualityFinding } from '../domain/image-quality.js';
import type { ImageQualityProblem } from '../domain/vocabulary.js';

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

/** The limits a photo is held to; each broken one is a problem (ADR 0034 gives the measurements behind them). */
export interface ImageQualityLimits {
  minShortSide: number;
  minSharpness: number;
  /** Over-exposed: more of the frame burnt out than this, or brighter than `maxMeanLuminance` on average. */
  maxHighlightShare: number;
  maxMeanLuminance: number;
  /** Under-exposed: more of the frame crushed to black than this, or darker than `minMeanLuminance` on average. */
  maxShadowShare: number;
  minMeanLuminance: number;
  minStandoutShare: number;
}

export interface ImageQualityAssessment {
  measures: ImageQualityMeasures;
  /** Empty when the photo passes; otherwise each problem once, in the order of {@link judgeImageQuality}. */
  findings: ImageQualityFinding[];
}

const ASSESSED_SIDE = 256;
const HIGHLIGHT_LEVEL = 250;
const SHADOW_LEVEL = 5;
const STANDOUT_LEVELS = 24;

/**
 * Chosen on the 8,468 real photos of vectors-v1 and vectors-v2 (`npm run measure:image-quality`, ADR 0034), all of
 * them usable for identification: together these flag about 1 % of them, each limit well under 1 %.
 */
export const IMAGE_QUALITY_LIMITS: ImageQualityLimits = {
  minShortSide: 48,
  minSharpness: 0.01,
  maxHighlightShare: 0.95,
  maxMeanLuminance: 250,
  maxShadowShare: 0.8,
  minMeanLuminance: 20,
  minStandoutShare: 0.005,
};

/** Measures a decodable image (the intake has proved it is one) and judges it against `limits`. */
export async function assessImageQuality(
  source: Buffer | string,
  limits: ImageQualityLimits = IMAGE_QUALITY_LIMITS,
): Promise<ImageQualityAssessment> {
  const measures = await measureImageQuality(source);
  return { measures, findings: judgeImageQuality(measures, limits) };
}

export async function measureImageQuality(source: Buffer | string): Promise<ImageQualityMeasures> {
  const { width = 0, height = 0 } = await sharp(source, { limitInputPixels: false }).metadata();
  const { data, info } = await sharp(source, { limitInputPixels: false })
    .flatten({ background: '#ffffff' })
    .greyscale()
    .resize(ASSESSED_SIDE, ASSESSED_SIDE, { fit: 'inside', withoutEnlargement: true })
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  return { shortSide: Math.min(width, height), ...luminanceMeasures(data, info.width, info.height) };
}

/** The problems `measures` show under `limits`: size, sharpness, exposure, then whether anything stands out at all. */
export function judgeImageQuality(measures: ImageQualityMeasures, limits: ImageQualityLimits): ImageQualityFinding[] {
  const findings: ImageQualityFinding[] = [];
  const below = (problem: ImageQualityProblem, value: number, limit: number) => {
    if (value < limit) findings.push({ problem, value: rounded(value), limit });
  };
  const above = (problem: ImageQualityProblem, value: number, limit: number) => {
    if (value > limit) findings.push({ problem, value: rounded(value), limit });
  };
  below('too_small', measures.shortSide, limits.minShortSide);
  below('blurred', measures.sharpness, limits.minSharpness);
  if (measures.highlightShare > limits.maxHighlightShare) above('over_exposed', measures.highlightShare, limits.maxHighlightShare);
  else above('over_exposed', measures.meanLuminance, limits.maxMeanLuminance);
  if (measures.shadowShare > limits.maxShadowShare) above('under_exposed', measures.shadowShare, limits.maxShadowShare);
  else below('under_exposed', measures.meanLuminance, limits.minMeanLuminance);
  below('no_specimen', measures.standoutShare, limits.minStandoutShare);
  return findings;
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

function rounded(value: number): number {
  return Math.round(value * 1000) / 1000;
}
