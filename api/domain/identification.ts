import type { IdentificationLevel, IdentificationSource, IdentificationStatus } from './vocabulary.js';

export interface TaxonProbability {
  taxon: string;
  p: number;
}

/** The most likely taxon at one level and its calibrated (joint) probability. */
export interface LevelAnswer {
  taxon: string;
  confidence: number;
}

/** An AI answer at every level, committed or not; null where the models name no such level. */
export interface LevelAnswers {
  group: LevelAnswer;
  genus: LevelAnswer | null;
  species: LevelAnswer | null;
}

/** One AI answer: for a whole specimen (images combined) or for one of its images alone. */
export interface AiAnswer {
  group: string;
  lifeStage: string | null;
  /** Scientific name of the most specific confident label, or `unknown` when rejected. */
  taxon: string;
  confidence: number;
  rejected: boolean;
  /** The level `taxon` is at; null for answers stored before levels were (ADR 0033) whose taxon is unknown to the taxonomy. */
  committedLevel: IdentificationLevel | null;
  /** Null for answers stored before levels were. */
  levels: LevelAnswers | null;
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
  status: IdentificationStatus;
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

/** One entry of a specimen's identification history: an AI answer (primary, not shadow) or an expert's. */
export interface IdentificationHistoryEntry {
  id: string;
  source: IdentificationSource;
  group: string;
  lifeStage: string | null;
  taxon: string;
  confidence: number | null;
  rejected: boolean;
  /** AI: the level `taxon` is at (null for experts). */
  committedLevel: IdentificationLevel | null;
  /** AI: `name@version` of the most specific model consulted. */
  model: string | null;
  /** Expert: who made it. */
  author: { id: string; username: string; displayName: string } | null;
  /** Expert: the consultation (live room) it was made in. */
  roomId: string | null;
  notes: string | null;
  createdAt: Date;
}

/** What an expert records about a specimen (in a consultation or, later, in review). */
export interface ExpertIdentification {
  group: string;
  taxon: string;
  lifeStage: string | null;
  confidence: number | null;
  notes: string | null;
}

/** A shadow comparison lists at most this many disagreeing specimens per shadow model key, newest first. */
export const SHADOW_DISAGREEMENT_LIMIT = 50;
/** A shadow comparison lists at most this many (primary taxon, shadow taxon) pairs per shadow model key, most frequent first. */
export const SHADOW_CONFUSION_LIMIT = 20;
