// Where a specimen stands in expert review, in the terms its pages show: waiting for an expert, for a second one, moved
// up to another unit, photos asked for, or settled.
import type { Review, Specimen, SpecimenReview, Unit } from '@contract';

/** The decisions of the review's current round (a request for photos starts a new one), newest first. */
export function currentRoundDecisions(review: SpecimenReview): Review[] {
  return review.decisions.filter((decision) => decision.round === review.round);
}

/** The experts who named a taxon at the unit deciding now, in the current round: those who count towards agreement. */
export function namingExperts(review: SpecimenReview): number {
  const unitId = review.reviewUnit?.id;
  const named = currentRoundDecisions(review).filter((decision) => decision.taxon !== null && decision.reviewUnit.id === unitId);
  return new Set(named.map((decision) => decision.reviewer.id)).size;
}

/** Whether experts disagreed and the decision moved up to another unit. */
export function isEscalated(specimen: Pick<Specimen, 'triage'>): boolean {
  return specimen.triage?.reasons.some((reason) => reason.code === 'experts_disagree') ?? false;
}

/** Whether this expert has decided in the current round already (a second decision is refused). */
export function hasDecided(review: SpecimenReview, userId: string): boolean {
  return currentRoundDecisions(review).some((decision) => decision.reviewer.id === userId);
}

export type ReviewProgress =
  /** Not (yet) sent to review: being identified, accepted by triage, or withdrawn. */
  | { kind: 'none' }
  | { kind: 'awaiting_review'; unit: Unit | null; escalated: boolean; named: number; needed: number }
  /** A critical specimen with some but not enough experts' answers. */
  | { kind: 'awaiting_second'; unit: Unit | null; escalated: boolean; named: number; needed: number }
  /** The newest request for photos (null if the server sent none). */
  | { kind: 'needs_photos'; request: Review | null }
  /** Settled: by the experts (the taxon they agreed on) or by triage alone. */
  | { kind: 'confirmed'; byExperts: boolean; taxon: string | null };

export function reviewProgress(specimen: Pick<Specimen, 'status' | 'triage' | 'review' | 'identification'>): ReviewProgress {
  const { review } = specimen;
  switch (specimen.status) {
    case 'needs_photos':
      return { kind: 'needs_photos', request: review.decisions.find((decision) => decision.decision === 'need-more-photos') ?? null };
    case 'in_review': {
      const named = namingExperts(review);
      const waiting = { unit: review.reviewUnit, escalated: isEscalated(specimen), named, needed: review.agreementsNeeded };
      return named > 0 && named < review.agreementsNeeded
        ? { kind: 'awaiting_second', ...waiting }
        : { kind: 'awaiting_review', ...waiting };
    }
    case 'confirmed': {
      const agreed = currentRoundDecisions(review).find((decision) => decision.taxon !== null);
      if (agreed) return { kind: 'confirmed', byExperts: true, taxon: agreed.taxon };
      return { kind: 'confirmed', byExperts: false, taxon: specimen.identification?.taxon ?? null };
    }
    default:
      return { kind: 'none' };
  }
}
