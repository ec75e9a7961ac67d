import { expressionBuilder, sql, type Expression, type RawBuilder, type SqlBool } from 'kysely';
import type { Db } from '../db/database.js';
import type { Database } from '../db/schema.js';
import type { Scope } from '../domain/access.js';
import type { StatDimension, TurnaroundDimension } from '../domain/vocabulary.js';
import { unitInScope } from './scope-filter.js';
import { matchesSurveillanceFilter, type SurveillanceFilter } from './surveillance-filter.js';

export interface StatisticsOptions {
  /** Read `specimen_monthly_counts` where the filters allow (migration 0011); off only to measure what it saves. */
  rollups: boolean;
}

export type CountRow = Partial<Record<StatDimension, string | null>> & { count: number; individuals: number };

export interface OverviewCounts {
  submittedToday: number;
  pendingReviews: number;
  openAlerts: number;
  specimens: number;
  identifiedByAi: number;
  identifiedByExperts: number;
}

export interface PositiveRateRow {
  siteType: string;
  specimens: number;
  positives: number;
}

export interface DensityRow {
  port: string;
  longitude: number;
  latitude: number;
  specimens: number;
  individuals: number;
  detections: number;
  months: number;
}

export const TURNAROUND_STEPS = ['collectedToSubmitted', 'submittedToAi', 'aiToDecision', 'decisionToAcknowledged', 'total'] as const;
export type TurnaroundStep = (typeof TURNAROUND_STEPS)[number];
export type StepFigures = { p50: number | null; p90: number | null; n: number };
export type TurnaroundRow = { key: string } & Record<TurnaroundStep, StepFigures>;
export interface SlowCase {
  specimenId: string;
  port: string;
  collectedAt: Date;
  totalSeconds: number;
  collectedToSubmitted: number | null;
  submittedToAi: number | null;
  aiToDecision: number | null;
  decisionToAcknowledged: number | null;
}

/**
 * Where counts are read from: the specimens themselves, or the monthly rollup (with the specimens of any month the
 * date range cuts) — aliased `specimens` either way, with what one row contributes, so one query text serves both.
 */
interface CountSource {
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

function rollupSource(from: Date | undefined, to: Date | undefined): CountSource {
  const whole = wholeMonths(from, to);
  const rollupPart = sql`select ${ROLLUP_COLUMNS}, specimens, individuals, detections from specimen_monthly_counts`;
  const measures = {
    specimens: sql<number>`specimens.specimens`,
    individuals: sql<number>`specimens.individuals`,
    detections: sql<number>`specimens.detections`,
  };
  if (!whole) return { table: sql`specimen_monthly_counts as specimens`, ...measures };
  const bounds = (parts: RawBuilder<unknown>[]) => sql.join([sql`true`, ...parts], sql` and `);
  const within = bounds([
    ...(whole.start ? [sql`collected_at >= ${whole.start}`] : []),
    ...(whole.end ? [sql`collected_at < ${whole.end}`] : []),
  ]);
  const inRange = bounds([...(from ? [sql`collected_at >= ${from}`] : []), ...(to ? [sql`collected_at <= ${to}`] : [])]);
  return {
    table: sql`(
      ${rollupPart} where ${within}
      union all
      select ${ROLLUP_COLUMNS}, 1, count, detected::int from specimens where ${inRange} and not (${within})
    ) as specimens`,
    ...measures,
  };
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

/** What each dimension groups by (raw values, cheap to hash) and how a grouped value is shown. */
const DIMENSIONS: Record<StatDimension, { group: RawBuilder<unknown>; show?: (value: RawBuilder<unknown>) => RawBuilder<unknown> }> = {
  taxon: { group: sql`specimens.taxon_id` },
  group: { group: sql`specimens.taxon_group` },
  port: { group: sql`specimens.port_id`, show: (value) => sql`(select ports.code from ports where ports.id = ${value})` },
  district: { group: sql`districts.code` },
  siteType: { group: sql`specimens.site_type` },
  month: { group: sql`date_trunc('month', specimens.collected_at at time zone 'UTC')`, show: (value) => sql`to_char(${value}, 'YYYY-MM')` },
  week: {
    group: sql`date_trunc('week', specimens.collected_at at time zone 'UTC')`,
    show: (value) => sql`to_char(${value}, 'IYYY-"W"IW')`,
  },
  identifiedBy: { group: sql`specimens.identified_by` },
  status: { group: sql`specimens.status` },
};

/** Positive: its current identification names a vector (a group other than `not_vector`). */
const POSITIVE = sql<SqlBool>`specimens.taxon_group is not null and specimens.taxon_group <> 'not_vector'`;

const DAY_MS = 86_400_000;

const sum = (value: RawBuilder<number>, where?: RawBuilder<SqlBool>) =>
  where ? sql<string>`coalesce(sum(${value}) filter (where ${where}), 0)` : sql<string>`coalesce(sum(${value}), 0)`;

/**
 * Surveillance statistics in the caller's scope: counts by dimensions, the overview, positive rates, density per port
 * and turnaround. Counts come from the monthly rollup (and the specimens of months a date range cuts) unless the query
 * needs what only the specimen row has (weeks, trap method, confidence, queue, creator); the answers are the same.
 */
export class StatisticsRepository {
  constructor(
    private readonly db: Db,
    private readonly options: StatisticsOptions = { rollups: true },
  ) {}

  async counts(scope: Scope, filter: SurveillanceFilter, by: readonly StatDimension[]): Promise<CountRow[]> {
    const source = this.sourceFor(filter, by.includes('week'));
    const keys = by.map((dimension) => sql`${DIMENSIONS[dimension].group} as ${sql.ref(dimension)}`);
    const shown = by.map((dimension) => {
      const show = DIMENSIONS[dimension].show;
      const value = sql.ref(`cells.${dimension}`);
      return sql`${show ? show(value) : value} as ${sql.ref(dimension)}`;
    });
    const positions = sql.join(by.map((_, index) => sql.lit(index + 1)));
    const { rows } = await sql<Record<string, string | null>>`
      select ${sql.join(shown)}, cells.count, cells.individuals from (
        select ${sql.join(keys)}, ${sum(source.specimens)} as count, ${sum(source.individuals)} as individuals
        from ${source.table}
        ${by.includes('district') ? sql`join (${DISTRICT_OF_UNIT}) districts on districts.unit_id = specimens.unit_id` : sql``}
        where ${this.matches(scope, filter)}
        group by ${positions}
        having ${sum(source.specimens)} > 0
      ) cells
      order by ${positions}`.execute(this.db);
    return rows.map(({ count, individuals, ...keys }) => ({ ...keys, count: Number(count), individuals: Number(individuals) }));
  }

  async overview(scope: Scope, filter: SurveillanceFilter, now: Date): Promise<OverviewCounts> {
    const source = this.sourceFor(filter);
    const midnight = new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS);
    const { rows } = await sql<Record<string, string>>`
      select ${sum(source.specimens)} as specimens,
        ${sum(source.specimens, sql`specimens.status in ('in_review', 'needs_photos')`)} as pending,
        ${sum(source.detections, sql`specimens.identified_by = 'ai'`)} as by_ai,
        ${sum(source.detections, sql`specimens.identified_by = 'expert'`)} as by_experts
      from ${source.table}
      where ${this.matches(scope, filter)}`.execute(this.db);
    const today = await this.db
      .selectFrom('specimens')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('specimens.created_at', '>=', midnight)
      .where((eb) => eb.and([unitInScope(eb, eb.ref('specimens.unit_id'), scope), matchesSurveillanceFilter(eb, filter)]))
      .executeTakeFirstOrThrow();
    const alerts = await this.db
      .selectFrom('alerts')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('alerts.status', '=', 'open')
      .where((eb) => unitInScope(eb, eb.ref('alerts.unit_id'), scope))
      .$if(isFiltered(filter), (query) =>
        query.where((eb) =>
          eb(
            'alerts.specimen_id',
            'in',
            eb
              .selectFrom('specimens')
              .select('specimens.id')
              .where((inner) => matchesSurveillanceFilter(inner, filter)),
          ),
        ),
      )
      .executeTakeFirstOrThrow();
    const row = rows[0]!;
    return {
      submittedToday: Number(today.n),
      pendingReviews: Number(row.pending),
      openAlerts: Number(alerts.n),
      specimens: Number(row.specimens),
      identifiedByAi: Number(row.by_ai),
      identifiedByExperts: Number(row.by_experts),
    };
  }

  async positiveRates(scope: Scope, filter: SurveillanceFilter): Promise<PositiveRateRow[]> {
    const source = this.sourceFor(filter);
    const { rows } = await sql<{ site_type: string; specimens: string; positives: string }>`
      select specimens.site_type, ${sum(source.specimens)} as specimens, ${sum(source.specimens, POSITIVE)} as positives
      from ${source.table}
      where ${this.matches(scope, filter)}
      group by 1
      having ${sum(source.specimens)} > 0
      order by 1`.execute(this.db);
    return rows.map((row) => ({ siteType: row.site_type, specimens: Number(row.specimens), positives: Number(row.positives) }));
  }

  async density(scope: Scope, filter: SurveillanceFilter): Promise<DensityRow[]> {
    const source = this.sourceFor(filter);
    const { rows } = await sql<{
      code: string;
      longitude: number;
      latitude: number;
      specimens: string;
      individuals: string;
      detections: string;
      months: string;
    }>`
      select ports.code, ports.longitude, ports.latitude, sum(months.specimens) as specimens,
        sum(months.individuals) as individuals, sum(months.detections) as detections, count(*) as months
      from (
        select specimens.port_id, ${DIMENSIONS.month.group} as month, ${sum(source.specimens)} as specimens,
          ${sum(source.individuals)} as individuals, ${sum(source.detections)} as detections
        from ${source.table}
        where ${this.matches(scope, filter)}
        group by 1, 2
        having ${sum(source.specimens)} > 0
      ) months
      join ports on ports.id = months.port_id
      group by ports.id
      order by ports.code`.execute(this.db);
    return rows.map((row) => ({
      port: row.code,
      longitude: Number(row.longitude),
      latitude: Number(row.latitude),
      specimens: Number(row.specimens),
      individuals: Number(row.individuals),
      detections: Number(row.detections),
      months: Number(row.months),
    }));
  }

  /** p50/p90 of each step per port or month, and the `slowest` specimens by their total. */
  async turnaround(
    scope: Scope,
    filter: SurveillanceFilter,
    by: TurnaroundDimension,
    slowest: number,
  ): Promise<{ rows: TurnaroundRow[]; slowest: SlowCase[] }> {
    // The timeline is kept on the specimen row (migration 0011): one scan, no joins but the port's code.
    const timelines = sql`
      select specimens.id, specimens.collected_at, ports.code as port,
        date_trunc('month', specimens.collected_at at time zone 'UTC') as month,
        extract(epoch from specimens.created_at - specimens.collected_at) as collected_to_submitted,
        extract(epoch from specimens.ai_answered_at - specimens.created_at) as submitted_to_ai,
        extract(epoch from specimens.decided_at - specimens.ai_answered_at) as ai_to_decision,
        extract(epoch from specimens.alert_acknowledged_at - specimens.decided_at) as decision_to_acknowledged,
        extract(epoch from coalesce(specimens.alert_acknowledged_at, specimens.decided_at, specimens.ai_answered_at,
          specimens.created_at) - specimens.collected_at) as total
      from specimens
      join ports on ports.id = specimens.port_id
      where ${this.matches(scope, filter)}`;
    const figures = TURNAROUND_STEPS.map((step) => {
      const column = sql.ref(`timelines.${snake(step)}`);
      return sql`percentile_cont(array[0.5, 0.9]) within group (order by ${column}) as ${sql.ref(step)},
        count(${column}) as ${sql.ref(`${step}_n`)}`;
    });
    const key = by === 'month' ? sql`to_char(timelines.month, 'YYYY-MM')` : sql`timelines.port`;
    // One pass over the timelines for both answers: they are the expensive part.
    const { rows } = await sql<{ figures: Json<Record<string, unknown>[]>; slowest: Json<Record<string, unknown>[]> }>`
      with timelines as materialized (${timelines}),
      figures as (select ${key} as key, ${sql.join(figures)} from timelines group by 1),
      slowest as (select * from timelines order by total desc, id limit ${slowest})
      select (select coalesce(json_agg(figures order by key), '[]') from figures) as figures,
        (select coalesce(json_agg(slowest order by total desc, id), '[]') from slowest) as slowest`.execute(this.db);
    const answer = rows[0]!;
    return {
      rows: parsed(answer.figures).map((row) => {
        const steps = Object.fromEntries(
          TURNAROUND_STEPS.map((step) => {
            const [p50, p90] = (row[step] as (number | null)[] | null) ?? [null, null];
            return [step, { p50: p50 ?? null, p90: p90 ?? null, n: Number(row[`${step}_n`]) }];
          }),
        ) as Record<TurnaroundStep, StepFigures>;
        return { key: String(row.key), ...steps };
      }),
      slowest: parsed(answer.slowest).map((row) => ({
        specimenId: String(row.id),
        port: String(row.port),
        collectedAt: new Date(String(row.collected_at)),
        totalSeconds: Number(row.total),
        collectedToSubmitted: numberOrNull(row.collected_to_submitted),
        submittedToAi: numberOrNull(row.submitted_to_ai),
        aiToDecision: numberOrNull(row.ai_to_decision),
        decisionToAcknowledged: numberOrNull(row.decision_to_acknowledged),
      })),
    };
  }

  private matches(scope: Scope, filter: SurveillanceFilter): Expression<SqlBool> {
    const eb = expressionBuilder<Database, 'specimens'>();
    return eb.and([unitInScope(eb, eb.ref('specimens.unit_id'), scope), matchesSurveillanceFilter(eb, filter)]);
  }

  /** The rollup, unless it is off or the query needs what only the specimen row has (weeks, trap method, confidence …). */
  private sourceFor(filter: SurveillanceFilter, byWeek = false): CountSource {
    const rollupAnswers =
      !byWeek &&
      filter.trapMethod === undefined &&
      filter.confidence === undefined &&
      filter.queue === undefined &&
      filter.createdBy === undefined;
    return this.options.rollups && rollupAnswers ? rollupSource(filter.collectedFrom, filter.collectedTo) : BASE;
  }
}

/** Each unit's district: the district-level unit on its path. */
const DISTRICT_OF_UNIT = sql`
  select units.id as unit_id, district.code from units
  join units district on district.level = 'district' and units.path like district.path || '%'`;

function isFiltered(filter: SurveillanceFilter): boolean {
  return Object.values(filter).some((value) => value !== undefined);
}

function numberOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}

/** JSON as text (node-postgres leaves `json` parsed; a driver may not). */
type Json<T> = T | string;
function parsed<T>(value: Json<T>): T {
  return typeof value === 'string' ? (JSON.parse(value) as T) : value;
}

function snake(step: TurnaroundStep): string {
  return step.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}
