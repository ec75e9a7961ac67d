import type { IdentificationRequestStatus } from '../db/schema.js';

export interface TaxonProbability {
  taxon: string;
  p: number;
}

/** One AI answer: for a whole specimen (images combined) or for one of its images alone. */
export interface AiAnswer {
  group: string;
  lifeStage: string | null;
  /** Scientific name of the most specific confident label, or `unknown` when rejected. */
  taxon: string;
  confidence: number;
  rejected: boolean;
  topK: TaxonProbability[];
  /** The most specific model consulted, `name@version`. */
  model: string;
  models: string[];
}

/** Where the time of one identification went, in milliseconds. */
export interface IdentificationTimings {
  queueMs: number;
  preprocessMs: number;
  inferenceMs: number;
  batchImages: number;
}

export type ImageAnswer = ({ imageId: string } & AiAnswer) | { imageId: string; error: string };

/** A specimen's automatic identification: its request status and, once done, the answer behind it. */
export interface SpecimenIdentification {
  status: IdentificationRequestStatus;
  requestedAt: Date;
  completedAt: Date | null;
  error: string | null;
  result: (AiAnswer & { timings: IdentificationTimings | null; images: ImageAnswer[] }) | null;
}

/** A shadow model's answer, kept for comparison only (never shown as the result). */
export interface ShadowAnswer {
  models: string[];
  answer: AiAnswer;
}
