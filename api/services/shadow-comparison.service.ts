import { scopeOf, type Actor } from '../domain/access.js';
import { forbidden } from '../domain/errors.js';
import { SHADOW_CONFUSION_LIMIT, SHADOW_DISAGREEMENT_LIMIT } from '../domain/identification.js';
import type { ShadowComparison, ShadowComparisonRepository } from '../repositories/shadow-comparison.repository.js';

export interface ShadowComparisonQuery {
  /** `name@version`; by default every shadow model key. */
  shadowModel?: string | undefined;
  since?: Date | undefined;
}

/**
 * How a candidate model version run in shadow answers compared with the primary answers on the same specimens:
 * for the experts and administrators who decide whether to activate it. Only specimens in the caller's scope count.
 */
export class ShadowComparisonService {
  constructor(private readonly comparisons: ShadowComparisonRepository) {}

  async compare(actor: Actor, query: ShadowComparisonQuery): Promise<ShadowComparison[]> {
    if (actor.role !== 'admin' && actor.role !== 'expert')
      throw forbidden('Only experts and administrators can compare shadow model versions');
    return this.comparisons.compare(scopeOf(actor), {
      shadowModel: query.shadowModel,
      since: query.since,
      disagreementLimit: SHADOW_DISAGREEMENT_LIMIT,
      confusionLimit: SHADOW_CONFUSION_LIMIT,
    });
  }
}
