import type { StatCount, Turnaround } from '../contract/index.js';
import type { TurnaroundDimension } from '../domain/vocabulary.js';
import type { CountRow } from '../repositories/statistics.repository.js';
import type { SlowCase, TurnaroundRow } from '../repositories/turnaround.repository.js';

/** The SQL yields null only for the dimensions a specimen may lack (taxon, group, identifiedBy), as the contract says. */
export function presentStatCount(row: CountRow): StatCount {
  return row as StatCount;
}

export function presentTurnaround(by: TurnaroundDimension, rows: TurnaroundRow[], slowest: SlowCase[]): Turnaround {
  return {
    items: rows.map(({ key, ...steps }) => ({ [by]: key, ...steps })),
    slowest: slowest.map((slow) => ({ ...slow, collectedAt: slow.collectedAt.toISOString() })),
  };
}
