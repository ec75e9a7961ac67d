// The monthly rollups (ADR 0019, 0022): how a query reads them for a date range, and the counts they answer.
import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../db/database.js';
import type { Scope } from '../domain/access.js';
import { specimenInScopeMatching, type SurveillanceFilter } from './surveillance-filter.js';

export interface RollupOptions {
  /** Read the rollups where the filters allow (migrations 0011, 0013); off only to measure what it saves. */
  rollups: boolean;
}

/**
 * Where counts are read from: the specimens themselves, or the monthly rollup (with the specimens of any month the
 * date range cuts) — aliased `specimens` either way, with what one row contributes, so one query text serves both.
 */
export interface CountSource {
  table: RawBuilder<unknown>;
  specimens: RawBuilder<number>;
  individuals: RawBuilder<number>;
  detections: RawBuilder<number>;
}

const BASE: CountSource = {
  table: sql`specimens`,
  specimens: sql`1`,
  individuals: sql`specimens.count`,
  detections: sql`specimens.detected::int`,
};

const ROLLUP_COLUMNS = sql`collected_at, unit_id, port_id, site_type, status, taxon_id, taxon_group, identified_by`;

/** The rollup's rows, and the specimens' rows in the same columns (one specimen each). */
const ROLLUP_ROWS = sql`select ${ROLLUP_COLUMNS}, specimens, individuals, detections from specimen_monthly_counts`;
const SPECIMEN_ROWS = sql`select ${ROLLUP_COLUMNS}, 1, count, detected::int from specimens`;

function rollupSource(from: Date | undefined, to: Date | undefined): CountSource {
  return {
    table: rollupOverRange(ROLLUP_ROWS, SPECIMEN_ROWS, from, to),
    specimens: sql<number>`specimens.specimens`,
    individuals: sql<number>`specimens.individuals`,
    detections: sql<number>`specimens.detections`,
  };
}

const ALL_TIME_COLUMNS = sql`unit_id, port_id, site_type, status, specimens, individuals, detections`;

/** The all-time counts (migration 0025): one row per unit × port × site type × status, and the changes not folded yet. */
const ALL_TIME: CountSource = {
  table: sql`(
    select ${ALL_TIME_COLUMNS} from specimen_counts
    union all
    select ${ALL_TIME_COLUMNS} from specimen_count_changes
  ) as specimens`,
  specimens: sql<number>`specimens.specimens`,
  individuals: sql<number>`specimens.individuals`,
  detections: sql<number>`specimens.detections`,
};

/**
 * Where a total is read from: the all-time counts when the filters name none of what they leave out (a date range, a
 * taxon or group, who identified it), else as {@link countSource} decides.
 */
function totalSource(filter: SurveillanceFilter, options: RollupOptions): CountSource {
  const source = countSource(filter, options);
  const allTimeAnswers =
    filter.collectedFrom === undefined &&
    filter.collectedTo === undefined &&
    filter.taxonLineage === undefined &&
    filter.group === undefined &&
    filter.identifiedBy === undefined;
  return source !== BASE && allTimeAnswers ? ALL_TIME : source;
}

/** The rollup, unless it is off or the query needs what only the specimen row has (weeks, trap method, confidence …). */
export function countSource(filter: SurveillanceFilter, options: RollupOptions, byWeek = false): CountSource {
  const rollupAnswers =
    !byWeek &&
    filter.trapMethod === undefined &&
    filter.confidence === undefined &&
    filter.queue === undefined &&
    filter.createdBy === undefined;
  return options.rollups && rollupAnswers ? rollupSource(filter.collectedFrom, filter.collectedTo) : BASE;
}

/**
 * How many specimens in scope match the filters, or how many of them were detected (a detection has its specimen's
 * unit, and a specimen has at most one): a list's total, from the rollup where it answers.
 */
export async function countSpecimens(
  db: Db,
  scope: Scope,
  filter: SurveillanceFilter,
  options: RollupOptions,
  measure: 'specimens' | 'detections' = 'specimens',
): Promise<number> {
  const { rows } = await sql<{ total: SpecimenCount }>`select ${specimenCount(scope, filter, options, measure)} as total`.execute(db);
  return totalOf(rows[0]?.total ?? null);
}

/** A sum as either database driver answers it: text, a number or null (nothing summed). */
export type SpecimenCount = string | number | null;

/**
 * {@link countSpecimens} as a scalar sub-select, for a query that reads a page and its total in one statement; read its
 * value with {@link totalOf}.
 */
export function specimenCount(
  scope: Scope,
  filter: SurveillanceFilter,
  options: RollupOptions,
  measure: 'specimens' | 'detections' = 'specimens',
): RawBuilder<SpecimenCount> {
  const source = totalSource(filter, options);
  return sql<SpecimenCount>`(select sum(${source[measure]}) from ${source.table} where ${specimenInScopeMatching(scope, filter)})`;
}

export function totalOf(count: SpecimenCount): number {
  return Number(count ?? 0);
}

/**
 * A monthly rollup read for a date range (ADR 0019): its rows for the whole UTC months within the range, and the
 * specimens of the months the range cuts, as one table aliased `specimens`. `rollup` and `specimens` are `select …
 * from …` texts without a `where`, giving the same columns, the first being `collected_at` (a rollup row's month start):
 * the specimen filters then apply to either unchanged. Without date bounds the rollup alone answers.
 */
export function rollupOverRange(
  rollup: RawBuilder<unknown>,
  specimens: RawBuilder<unknown>,
  from: Date | undefined,
  to: Date | undefined,
): RawBuilder<unknown> {
  const whole = wholeMonths(from, to);
  if (!whole) return sql`(${rollup}) as specimens`;
  const bounds = (parts: RawBuilder<unknown>[]) => sql.join([sql`true`, ...parts], sql` and `);
  const within = bounds([
    ...(whole.start ? [sql`collected_at >= ${whole.start}`] : []),
    ...(whole.end ? [sql`collected_at < ${whole.end}`] : []),
  ]);
  const inRange = bounds([...(from ? [sql`collected_at >= ${from}`] : []), ...(to ? [sql`collected_at <= ${to}`] : [])]);
  return sql`(
    ${rollup} where ${within}
    union all
    ${specimens} where ${inRange} and not (${within})
  ) as specimens`;
}

/**
 * The whole UTC months within [from, to] (`end` exclusive; a missing bound is open), which the rollup answers; what lies
 * outside them comes from the specimens, where the date filter applies as usual. Undefined without date bounds.
 */
function wholeMonths(from: Date | undefined, to: Date | undefined): { start?: Date; end?: Date } | undefined {
  if (from === undefined && to === undefined) return undefined;
  const monthStart = (date: Date) => new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1));
  const start = from && (monthStart(from).getTime() === from.getTime() ? from : nextMonth(from));
  // `to` is inclusive to the millisecond: a month is whole when its last millisecond is within it.
  const end = to && monthStart(new Date(to.getTime() + 1));
  return { ...(start && { start }), ...(end && { end: start && end < start ? start : end }) };
}

function nextMonth(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1));
}

/** A UTC month's first instant, as the rollups key it. */
export const MONTH_OF_COLLECTION = sql`date_trunc('month', specimens.collected_at at time zone 'UTC')`;

/**
 * Folds the all-time counts' changes into `specimen_counts` (migration 0025), in one statement: the changes it deletes
 * are exactly the ones it adds, and a change written meanwhile waits for the next fold. Keys are written in order, so
 * two folds at once (two processes) wait for each other instead of deadlocking. Answers how many changes it folded.
 */
export async function foldSpecimenCountChanges(db: Db): Promise<number> {
  const { rows } = await sql<{ folded: string | number }>`
    with folded as (delete from specimen_count_changes returning ${ALL_TIME_COLUMNS}),
    added as (
      insert into specimen_counts as c
      select unit_id, port_id, site_type, status, sum(specimens), sum(individuals), sum(detections)
      from folded
      group by unit_id, port_id, site_type, status
      order by unit_id, port_id, site_type, status
      on conflict (unit_id, port_id, site_type, status)
      do update set specimens = c.specimens + excluded.specimens, individuals = c.individuals + excluded.individuals,
        detections = c.detections + excluded.detections)
    select count(*) as folded from folded`.execute(db);
  return Number(rows[0]?.folded ?? 0);
}
