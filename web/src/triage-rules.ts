// An administrator's edit of a triage rule: the form's draft, and the patch it makes (only what changed).
import type { ReviewQueue, TriageCondition, TriageRule, TriageRulePatch } from '@contract';

export interface RuleDraft {
  enabled: boolean;
  queue: ReviewQueue;
  /** As typed; only `confidence_below` has one. */
  threshold: string;
}

/** The rule whose threshold is edited (the others have none). */
export function hasThreshold(code: TriageCondition): boolean {
  return code === 'confidence_below';
}

export function draftOf(rule: TriageRule): RuleDraft {
  return { enabled: rule.enabled, queue: rule.queue, threshold: rule.threshold === null ? '' : String(rule.threshold) };
}

/** A threshold as typed, as a probability (0–1), or null when it is not one. */
export function parseThreshold(text: string): number | null {
  if (text.trim() === '') return null;
  const value = Number(text);
  return Number.isFinite(value) && value >= 0 && value <= 1 ? value : null;
}

export type RuleEdit = { kind: 'unchanged' } | { kind: 'invalid-threshold' } | { kind: 'patch'; patch: TriageRulePatch };

/** What saving the draft sends: the fields that differ from the rule, or why there is nothing to send. */
export function ruleEdit(rule: TriageRule, draft: RuleDraft): RuleEdit {
  const patch: TriageRulePatch = {};
  if (draft.enabled !== rule.enabled) patch.enabled = draft.enabled;
  if (draft.queue !== rule.queue) patch.queue = draft.queue;
  if (hasThreshold(rule.code)) {
    const threshold = parseThreshold(draft.threshold);
    if (threshold === null) return { kind: 'invalid-threshold' };
    if (threshold !== rule.threshold) patch.threshold = threshold;
  }
  return Object.keys(patch).length === 0 ? { kind: 'unchanged' } : { kind: 'patch', patch };
}
