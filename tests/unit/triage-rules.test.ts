import { describe, expect, it } from 'vitest';
import { alertReasons, alertTransition } from '../../api/domain/alert.js';
import { reviewOutcome } from '../../api/domain/review.js';
import { triage, type TriageFacts, type TriageRule } from '../../api/domain/triage.js';

const RULES: TriageRule[] = [
  { code: 'identification_failed', queue: 'review', enabled: true, threshold: null },
  { code: 'rejected', queue: 'review', enabled: true, threshold: null },
  { code: 'confidence_below', queue: 'review', enabled: true, threshold: 0.85 },
  { code: 'shadow_disagrees', queue: 'review', enabled: true, threshold: null },
  { code: 'refiner_group_disagree', queue: 'review', enabled: true, threshold: null },
  { code: 'watch_list', queue: 'critical', enabled: true, threshold: null },
  { code: 'first_at_port', queue: 'critical', enabled: true, threshold: null },
  { code: 'first_in_district', queue: 'critical', enabled: true, threshold: null },
  { code: 'first_nationally', queue: 'critical', enabled: true, threshold: null },
];

const known: TriageFacts = {
  taxon: 'Culex pipiens',
  confidence: 0.97,
  rejected: false,
  identificationFailed: false,
  shadowTaxon: null,
  refinerGroupDisagree: null,
  watchListed: false,
  firstAtPort: false,
  firstInDistrict: false,
  firstNationally: false,
};

describe('triage', () => {
  it('accepts a confident answer of a taxon known at the port', () => {
    expect(triage(known, RULES)).toEqual({ queue: 'auto', reasons: [] });
  });

  it('gives every reason that holds and takes the most urgent queue among them', () => {
    const result = triage({ ...known, confidence: 0.6, watchListed: true, shadowTaxon: 'Culex quinquefasciatus' }, RULES);
    expect(result.queue).toBe('critical');
    expect(result.reasons.map((reason) => reason.code)).toEqual(['confidence_below', 'shadow_disagrees', 'watch_list']);
  });

  it('follows the rules as configured: a disabled rule adds nothing, a rule moved to critical sends there', () => {
    const lowConfidence = { ...known, confidence: 0.6 };
    expect(
      triage(
        lowConfidence,
        RULES.map((rule) => ({ ...rule, enabled: rule.code !== 'confidence_below' })),
      ),
    ).toEqual({
      queue: 'auto',
      reasons: [],
    });
    const stricter = RULES.map((rule) => (rule.code === 'confidence_below' ? { ...rule, queue: 'critical' as const } : rule));
    expect(triage(lowConfidence, stricter).queue).toBe('critical');
    const lower = RULES.map((rule) => (rule.code === 'confidence_below' ? { ...rule, threshold: 0.5 } : rule));
    expect(triage(lowConfidence, lower).queue).toBe('auto');
  });

  it('does not count a rejected answer as a low-confidence one, and a shadow naming the same taxon agrees', () => {
    expect(triage({ ...known, taxon: 'unknown', rejected: true, confidence: 0.2 }, RULES).reasons.map((reason) => reason.code)).toEqual([
      'rejected',
    ]);
    expect(triage({ ...known, shadowTaxon: 'Culex pipiens' }, RULES).queue).toBe('auto');
  });
});

describe('two-expert agreement', () => {
  const decision = (reviewerId: string, taxon: string | null) => ({
    reviewerId,
    decision: taxon === null ? ('need-more-photos' as const) : ('correct' as const),
    taxon,
  });

  it('settles a non-critical specimen with one expert', () => {
    expect(reviewOutcome(false, [], decision('a', 'Culex pipiens'))).toEqual({
      kind: 'agreed',
      taxon: 'Culex pipiens',
      reviewerIds: ['a'],
    });
  });

  it('waits for a second expert on a critical specimen, agrees when two name the same taxon, and calls different taxa a disagreement', () => {
    expect(reviewOutcome(true, [], decision('a', 'Aedes albopictus'))).toEqual({ kind: 'awaiting_second_opinion' });
    expect(reviewOutcome(true, [decision('a', 'Aedes albopictus')], decision('b', 'Aedes albopictus'))).toEqual({
      kind: 'agreed',
      taxon: 'Aedes albopictus',
      reviewerIds: ['a', 'b'],
    });
    expect(reviewOutcome(true, [decision('a', 'Aedes albopictus')], decision('b', 'Aedes aegypti'))).toEqual({
      kind: 'disagreement',
      taxa: ['Aedes albopictus', 'Aedes aegypti'],
    });
    // After a disagreement, a third expert agreeing with either settles it.
    expect(
      reviewOutcome(true, [decision('a', 'Aedes albopictus'), decision('b', 'Aedes aegypti')], decision('c', 'Aedes aegypti')),
    ).toMatchObject({ kind: 'agreed', reviewerIds: ['b', 'c'] });
  });

  it('does not count a request for photographs as an opinion', () => {
    expect(reviewOutcome(true, [decision('a', null)], decision('b', 'Aedes albopictus'))).toEqual({ kind: 'awaiting_second_opinion' });
    expect(reviewOutcome(true, [], decision('a', null))).toEqual({ kind: 'needs_photos' });
  });
});

describe('alerts', () => {
  it('are acknowledged before they are confirmed, and dismissed only while open or acknowledged', () => {
    expect(alertTransition('open', 'acknowledge')).toBe('acknowledged');
    expect(alertTransition('open', 'confirm')).toBeUndefined();
    expect(alertTransition('acknowledged', 'confirm')).toBe('confirmed');
    expect(alertTransition('acknowledged', 'dismiss')).toBe('dismissed');
    expect(alertTransition('confirmed', 'dismiss')).toBeUndefined();
    expect(alertTransition('dismissed', 'acknowledge')).toBeUndefined();
  });

  it('are raised by a watch-list taxon or a first record, with a reason per level', () => {
    expect(alertReasons(false, [])).toEqual([]);
    expect(alertReasons(true, ['port', 'national'])).toEqual(['watch_list', 'first_at_port', 'first_nationally']);
  });
});
