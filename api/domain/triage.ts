import type { ReviewQueue, TriageCondition, TriageQueue, TriageReasonCode } from './vocabulary.js';

/** One triage rule, as an administrator sees and edits it: which fact it tests, where it sends, and its threshold. */
export interface TriageRule {
  code: TriageCondition;
  queue: ReviewQueue;
  enabled: boolean;
  /** `confidence_below` only: the confidence under which a specimen goes to an expert. */
  threshold: number | null;
}

/** What each rule tests, in words (for the administrator's view of the rules). */
export const TRIAGE_RULE_DESCRIPTIONS: Record<TriageCondition, string> = {
  identification_failed: 'Automatic identification failed (no photograph could be read)',
  rejected: 'The models rejected the photographs as unknown',
  confidence_below: 'The confidence of the answer is below the threshold',
  shadow_disagrees: 'A shadow model under evaluation names another taxon',
  refiner_group_disagree: 'The species model is unsure within the group named, or the photographs were put in different groups',
  watch_list: 'The taxon is on the watch list',
  first_at_port: 'Nothing of the taxon has been detected at this port before',
  first_in_district: "Nothing of the taxon has been detected in the port's district before",
  first_nationally: 'Nothing of the taxon has been detected anywhere before',
};

/** Why a specimen is where it is: the rule (or the experts' disagreement) and the fact behind it, in words. */
export interface TriageReason {
  code: TriageReasonCode;
  queue: ReviewQueue;
  detail: string;
}

export interface Triage {
  queue: TriageQueue;
  reasons: TriageReason[];
}

/** What triage knows about an identified specimen, gathered before any rule is applied. */
export interface TriageFacts {
  /** The AI's most specific answer (`unknown` when rejected); null when identification failed. */
  taxon: string | null;
  confidence: number | null;
  rejected: boolean;
  identificationFailed: boolean;
  /** A shadow model named another taxon (null: no shadow ran). */
  shadowTaxon: string | null;
  /** The species model found nothing it was sure of inside the group named, or the images named different groups. */
  refinerGroupDisagree: string | null;
  watchListed: boolean;
  /** Nothing of the taxon detected before at the specimen's port, in its district, anywhere (a vector taxon only). */
  firstAtPort: boolean;
  firstInDistrict: boolean;
  firstNationally: boolean;
}

/**
 * Applies the enabled rules to the facts: every rule that holds adds its reason; the specimen goes to the most
 * urgent queue named (`critical` over `review`), or `auto` when none holds. Rules only ever add: nothing a rule
 * finds is hidden by another.
 */
export function triage(facts: TriageFacts, rules: readonly TriageRule[]): Triage {
  const reasons: TriageReason[] = [];
  for (const rule of rules) {
    if (!rule.enabled) continue;
    const detail = matchDetail(rule, facts);
    if (detail !== undefined) reasons.push({ code: rule.code, queue: rule.queue, detail });
  }
  return { queue: mostUrgent(reasons), reasons };
}

export function mostUrgent(reasons: readonly Pick<TriageReason, 'queue'>[]): TriageQueue {
  if (reasons.some((reason) => reason.queue === 'critical')) return 'critical';
  return reasons.length > 0 ? 'review' : 'auto';
}

function matchDetail(rule: TriageRule, facts: TriageFacts): string | undefined {
  const taxon = facts.taxon ?? 'unknown';
  switch (rule.code) {
    case 'identification_failed':
      return facts.identificationFailed ? 'automatic identification failed' : undefined;
    case 'rejected':
      return facts.rejected ? 'the models rejected the images as unknown' : undefined;
    case 'confidence_below':
      return facts.confidence !== null && !facts.rejected && rule.threshold !== null && facts.confidence < rule.threshold
        ? `confidence ${facts.confidence.toFixed(2)} below ${rule.threshold.toFixed(2)}`
        : undefined;
    case 'shadow_disagrees':
      return facts.shadowTaxon !== null && facts.shadowTaxon !== facts.taxon ? `shadow model says ${facts.shadowTaxon}` : undefined;
    case 'refiner_group_disagree':
      return facts.refinerGroupDisagree ?? undefined;
    case 'watch_list':
      return facts.watchListed ? `${taxon} is on the watch list` : undefined;
    case 'first_at_port':
      return facts.firstAtPort ? `first record of ${taxon} at this port` : undefined;
    case 'first_in_district':
      return facts.firstInDistrict ? `first record of ${taxon} in this district` : undefined;
    case 'first_nationally':
      return facts.firstNationally ? `first record of ${taxon} nationally` : undefined;
  }
}
