import type { ImageQualityProblem } from './vocabulary.js';

/** One problem the quality gate found in a photo: which, what was measured, and the limit it broke (in the measure's unit). */
export interface ImageQualityFinding {
  problem: ImageQualityProblem;
  value: number;
  limit: number;
}

const REASONS: Readonly<Record<ImageQualityProblem, string>> = {
  too_small: 'is too small to show a specimen (shorter side {value} px, at least {limit})',
  blurred: 'is too blurred (sharpness {value}, at least {limit})',
  over_exposed: 'is over-exposed (highlights burnt out or too bright: {value}, at most {limit})',
  under_exposed: 'is under-exposed (shadows crushed or too dark: {value}, limit {limit})',
  no_specimen: 'shows no specimen: nothing stands out from the background ({value} of the frame, at least {limit})',
};

/** A finding in words, after the file's label (`"trap.jpg" is too blurred …`). */
export function describeQualityFinding(finding: ImageQualityFinding): string {
  return REASONS[finding.problem].replace('{value}', String(finding.value)).replace('{limit}', String(finding.limit));
}
