import { scopeOf, type Actor } from '../domain/access.js';
import type { StatDimension, TurnaroundDimension } from '../domain/vocabulary.js';
import type { StatisticsRepository } from '../repositories/statistics.repository.js';
import type { SurveillanceFilter } from '../repositories/surveillance-filter.js';
import type { TurnaroundRepository } from '../repositories/turnaround.repository.js';

/** How many of the slowest specimens a turnaround lists. */
export const SLOWEST_CASES = 20;

/** Surveillance statistics over the caller's scope (ADR 0019); the filters come resolved. */
export class StatisticsService {
  constructor(
    private readonly statistics: StatisticsRepository,
    private readonly timelines: TurnaroundRepository,
    private readonly now: () => Date = () => new Date(),
  ) {}

  counts(actor: Actor, filter: SurveillanceFilter, by: readonly StatDimension[]) {
    return this.statistics.counts(scopeOf(actor), filter, [...new Set(by)]);
  }

  overview(actor: Actor, filter: SurveillanceFilter) {
    return this.statistics.overview(scopeOf(actor), filter, this.now());
  }

  async positiveRates(actor: Actor, filter: SurveillanceFilter) {
    const rows = await this.statistics.positiveRates(scopeOf(actor), filter);
    return rows.map((row) => ({ ...row, rate: row.positives / row.specimens }));
  }

  async density(actor: Actor, filter: SurveillanceFilter) {
    const rows = await this.statistics.density(scopeOf(actor), filter);
    return rows.map((row) => ({ ...row, individualsPerMonth: row.individuals / row.months }));
  }

  turnaround(actor: Actor, filter: SurveillanceFilter, by: TurnaroundDimension) {
    return this.timelines.turnaround(scopeOf(actor), filter, by, SLOWEST_CASES);
  }
}
