// An administrator's edit of a triage rule: only what changed is sent, and a threshold must be a probability.
import { describe, expect, it } from 'vitest';
import type { TriageRule } from '@contract';
import { draftOf, hasThreshold, parseThreshold, ruleEdit } from '../../web/src/triage-rules';

const rule = (overrides: Partial<TriageRule> = {}): TriageRule => ({
  code: 'confidence_below',
  queue: 'review',
  enabled: true,
  threshold: 0.7,
  description: 'The AI is less confident than the threshold',
  updatedBy: null,
  updatedAt: '2026-11-01T00:00:00.000Z',
  ...overrides,
});

describe('triage rule edits', () => {
  it('starts from the rule as stored', () => {
    expect(draftOf(rule())).toEqual({ enabled: true, queue: 'review', threshold: '0.7' });
    expect(draftOf(rule({ code: 'watch_list', queue: 'critical', threshold: null }))).toEqual({
      enabled: true,
      queue: 'critical',
      threshold: '',
    });
  });

  it('has a threshold for the confidence rule only', () => {
    expect(hasThreshold('confidence_below')).toBe(true);
    expect(hasThreshold('watch_list')).toBe(false);
  });

  it('reads a threshold as a probability', () => {
    expect(parseThreshold('0.85')).toBe(0.85);
    expect(parseThreshold('0')).toBe(0);
    expect(parseThreshold('1')).toBe(1);
    expect(parseThreshold('1.2')).toBeNull();
    expect(parseThreshold('-0.1')).toBeNull();
    expect(parseThreshold('')).toBeNull();
    expect(parseThreshold('abc')).toBeNull();
  });

  it('sends only what changed, and nothing when nothing did', () => {
    const stored = rule();
    expect(ruleEdit(stored, draftOf(stored))).toEqual({ kind: 'unchanged' });
    expect(ruleEdit(stored, { ...draftOf(stored), enabled: false })).toEqual({ kind: 'patch', patch: { enabled: false } });
    expect(ruleEdit(stored, { enabled: true, queue: 'critical', threshold: '0.5' })).toEqual({
      kind: 'patch',
      patch: { queue: 'critical', threshold: 0.5 },
    });
    expect(ruleEdit(stored, { ...draftOf(stored), threshold: '0.70' })).toEqual({ kind: 'unchanged' });
  });

  it('refuses a threshold that is not a probability', () => {
    expect(ruleEdit(rule(), { ...draftOf(rule()), threshold: '2' })).toEqual({ kind: 'invalid-threshold' });
    expect(ruleEdit(rule(), { ...draftOf(rule()), threshold: '' })).toEqual({ kind: 'invalid-threshold' });
  });

  it('ignores the threshold field of a rule without one', () => {
    const watchList = rule({ code: 'watch_list', queue: 'critical', threshold: null });
    expect(ruleEdit(watchList, { ...draftOf(watchList), threshold: 'whatever' })).toEqual({ kind: 'unchanged' });
    expect(ruleEdit(watchList, { ...draftOf(watchList), queue: 'review' })).toEqual({ kind: 'patch', patch: { queue: 'review' } });
  });
});
