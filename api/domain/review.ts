import type { LifeStage, ReviewDecision, Sex, UnitLevel } from './vocabulary.js';

export interface UnitRef {
  id: string;
  code: string;
  level: UnitLevel;
  nameZh: string;
  nameEn: string;
}

/** One stored decision, as the specimen shows it. */
export interface ReviewRecord {
  id: string;
  reviewer: { id: string; username: string; displayName: string };
  reviewUnit: UnitRef;
  round: number;
  decision: ReviewDecision;
  taxon: string | null;
  lifeStage: LifeStage | null;
  sex: Sex | null;
  notes: string | null;
  createdAt: Date;
}

/** Where a specimen stands in review. */
export interface SpecimenReviewState {
  round: number;
  reviewUnit: UnitRef | null;
  agreementsNeeded: number;
  /** Newest first. */
  decisions: ReviewRecord[];
}

/** Critical specimens need two experts naming the same taxon; the others one. */
export const agreementsNeeded = (critical: boolean) => (critical ? 2 : 1);

/** One expert's decision in the current review round. */
export interface RoundDecision {
  reviewerId: string;
  decision: ReviewDecision;
  /** The taxon named (null for `need-more-photos`). */
  taxon: string | null;
}

/** What a new decision does to a specimen under review. */
export type ReviewOutcome =
  /** Enough experts agree: the specimen is confirmed as `taxon`. */
  | { kind: 'agreed'; taxon: string; reviewerIds: string[] }
  /** A critical specimen has one expert's answer and waits for a second expert. */
  | { kind: 'awaiting_second_opinion' }
  /** Experts named different taxa and none agree: the decision moves up a level. */
  | { kind: 'disagreement'; taxa: string[] }
  | { kind: 'needs_photos' };

/**
 * The consensus rule. A non-critical specimen is settled by one expert. A critical one — a watch-list taxon or a first
 * record, whether triage or a decision made it so — needs two different experts naming the same taxon; when the experts
 * of a round named different taxa and the new decision agrees with none of them, they disagree. `decisions` are the
 * round's earlier decisions, `latest` the new one (never by an expert already in `decisions`).
 */
export function reviewOutcome(critical: boolean, decisions: readonly RoundDecision[], latest: RoundDecision): ReviewOutcome {
  if (latest.decision === 'need-more-photos' || latest.taxon === null) return { kind: 'needs_photos' };
  if (!critical) return { kind: 'agreed', taxon: latest.taxon, reviewerIds: [latest.reviewerId] };
  const named = decisions.filter((decision) => decision.taxon !== null && decision.reviewerId !== latest.reviewerId);
  const agreeing = named.find((decision) => decision.taxon === latest.taxon);
  if (agreeing) return { kind: 'agreed', taxon: latest.taxon, reviewerIds: [agreeing.reviewerId, latest.reviewerId] };
  if (named.length === 0) return { kind: 'awaiting_second_opinion' };
  return { kind: 'disagreement', taxa: [...new Set([...named.map((decision) => decision.taxon!), latest.taxon])] };
}
