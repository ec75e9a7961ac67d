import { measurePhoto, type ImageQualityMeasures } from '../../inference/photo-measures.js';
import { decodePhoto } from '../../inference/preprocessing.js';
import type { ImageQualityFinding } from '../domain/image-quality.js';
import type { ImageQualityProblem } from '../domain/vocabulary.js';

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

/** The quality measures of one photo, decoded once (`npm run measure:image-quality`). */
export async function measureImageQuality(source: Buffer | string): Promise<ImageQualityMeasures> {
  return (await measurePhoto(await decodePhoto(source))).quality;
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

function rounded(value: number): number {
  return Math.round(value * 1000) / 1000;
}
