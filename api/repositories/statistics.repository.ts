import { expressionBuilder, sql, type Expression, type RawBuilder, type SqlBool } from 'kysely';
import type { Db } from '../db/database.js';
import type { Database } from '../db/schema.js';
import type { Scope } from '../domain/access.js';
import type { StatDimension, TurnaroundDimension } from '../domain/vocabulary.js';
import { unitInScope } from './scope-filter.js';
import { matchesSurveillanceFilter, type SurveillanceFilter } from './surveillance-filter.js';

export interface StatisticsOptions {
  /** Read `specimen_daily_counts` where the filters allow (migration 0011); off only to measure what it saves. */
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
 * Where counts are read from: the specimens themselves, or their daily rollup — aliased `specimens` either way, with
 * what one row contributes, so one query text serves both.
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

const ROLLUP: CountSource = {
  table: sql`specimen_daily_counts as specimens`,
  specimens: sql`specimens.specimens`,
  individuals: sql`specimens.individuals`,
  detections: sql`specimens.detections`,
};

const MONTH = sql<string>`to_char(specimens.collected_at at time zone 'UTC', 'YYYY-MM')`;

const DIMENSIONS: Record<StatDimension, RawBuilder<string | null>> = {
  taxon: sql`specimens.taxon_id`,
  group: sql`specimens.taxon_group`,
  port: sql`ports.code`,
  district: sql`districts.code`,
  siteType: sql`specimens.site_type`,
  month: MONTH,
  week: sql`to_char(specimens.collected_at at time zone 'UTC', 'IYYY-"W"IW')`,
  identifiedBy: sql`specimens.identified_by`,
  status: sql`specimens.status`,
};

/** Positive: its current identification names a vector (a group other than `not_vector`). */
const POSITIVE = sql<SqlBool>`specimens.taxon_group is not null and specimens.taxon_group <> 'not_vector'`;

const DAY_MS = 86_400_000;

const sum = (value: RawBuilder<number>, where?: RawBuilder<SqlBool>) =>
  where ? sql<string>`coalesce(sum(${value}) filter (where ${where}), 0)` : sql<string>`coalesce(sum(${value}), 0)`;

/**
 * Surveillance statistics in the caller's scope: counts by dimensions, the overview, positive rates, density per port
 * and turnaround. Counts come from the daily rollup unless a filter needs what only the specimen row has (trap method,
 * confidence, queue, creator, a date bound within a day); the answers are the same either way.
 */
export class StatisticsRepository {
  constructor(
    private readonly db: Db,
    private readonly options: StatisticsOptions = { rollups: true },
  ) {}

  async counts(scope: Scope, filter: SurveillanceFilter, by: readonly StatDimension[]): Promise<CountRow[]> {
    const source = this.sourceFor(filter);
    const keys = by.map((dimension) => sql`${DIMENSIONS[dimension]} as ${sql.ref(dimension)}`);
    const positions = sql.join(by.map((_, index) => sql.lit(index + 1)));
    const { rows } = await sql<Record<string, string | null>>`
      select ${sql.join(keys)}, ${sum(source.specimens)} as count, ${sum(source.individuals)} as individuals
      from ${source.table}
      ${by.includes('port') ? sql`join ports on ports.id = specimens.port_id` : sql``}
      ${by.includes('district') ? sql`join (${DISTRICT_OF_UNIT}) districts on districts.unit_id = specimens.unit_id` : sql``}
      where ${this.matches(scope, filter)}
      group by ${positions}
      having ${sum(source.specimens)} > 0
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
      select ports.code, ports.longitude, ports.latitude, ${sum(source.specimens)} as specimens,
        ${sum(source.individuals)} as individuals, ${sum(source.detections)} as detections,
        count(distinct ${MONTH}) filter (where ${source.specimens} > 0) as months
      from ${source.table}
      join ports on ports.id = specimens.port_id
      where ${this.matches(scope, filter)}
      group by ports.id
      having ${sum(source.specimens)} > 0
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
    const timelines = sql`
      select specimens.id, specimens.collected_at, ports.code as port, ${MONTH} as month,
        extract(epoch from specimens.created_at - specimens.collected_at) as collected_to_submitted,
        extract(epoch from ai.at - specimens.created_at) as submitted_to_ai,
        extract(epoch from decision.at - ai.at) as ai_to_decision,
        extract(epoch from acknowledged.at - decision.at) as decision_to_acknowledged,
        extract(epoch from coalesce(acknowledged.at, decision.at, ai.at, specimens.created_at) - specimens.collected_at) as total
      from specimens
      join ports on ports.id = specimens.port_id
      left join identification_requests request on request.specimen_id = specimens.id and request.status = 'done'
      left join (
        select specimen_id, min(created_at) as at from identifications
        where source = 'ai' and role = 'primary' group by specimen_id
      ) first_ai on first_ai.specimen_id = specimens.id
      left join (select specimen_id, min(created_at) as at from reviews group by specimen_id) first_review
        on first_review.specimen_id = specimens.id
      left join detections expert_detection
        on expert_detection.specimen_id = specimens.id and expert_detection.identified_by = 'expert'
      left join (select specimen_id, min(acknowledged_at) as at from alerts group by specimen_id) acknowledged
        on acknowledged.specimen_id = specimens.id
      cross join lateral (select coalesce(request.completed_at, first_ai.at) as at) ai
      cross join lateral (select coalesce(first_review.at, expert_detection.created_at) as at) decision
      where ${this.matches(scope, filter)}`;
    const figures = TURNAROUND_STEPS.map((step) => {
      const column = sql.ref(snake(step));
      return sql`percentile_cont(0.5) within group (order by ${column}) as ${sql.ref(`${step}_p50`)},
        percentile_cont(0.9) within group (order by ${column}) as ${sql.ref(`${step}_p90`)},
        count(${column}) as ${sql.ref(`${step}_n`)}`;
    });
    const { rows } = await sql<Record<string, string | number | null>>`
      with timelines as materialized (${timelines})
      select ${sql.ref(by)} as key, ${sql.join(figures)} from timelines group by 1 order by 1`.execute(this.db);
    const slow = await sql<{
      id: string;
      port: string;
      collected_at: Date;
      total: string | number;
      collected_to_submitted: string | number | null;
      submitted_to_ai: string | number | null;
      ai_to_decision: string | number | null;
      decision_to_acknowledged: string | number | null;
    }>`
      with timelines as materialized (${timelines})
      select * from timelines order by total desc, id limit ${slowest}`.execute(this.db);
    return {
      rows: rows.map((row) => {
        const steps = Object.fromEntries(
          TURNAROUND_STEPS.map((step) => [
            step,
            { p50: numberOrNull(row[`${step}_p50`]), p90: numberOrNull(row[`${step}_p90`]), n: Number(row[`${step}_n`]) },
          ]),
        ) as Record<TurnaroundStep, StepFigures>;
        return { key: String(row.key), ...steps };
      }),
      slowest: slow.rows.map((row) => ({
        specimenId: row.id,
        port: row.port,
        collectedAt: new Date(row.collected_at),
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

  /** The rollup, unless it is off or a filter needs finer than a day or a column it lacks. */
  private sourceFor(filter: SurveillanceFilter): CountSource {
    const rollupAnswers =
      filter.trapMethod === undefined &&
      filter.confidence === undefined &&
      filter.queue === undefined &&
      filter.createdBy === undefined &&
      (filter.collectedFrom === undefined || filter.collectedFrom.getTime() % DAY_MS === 0) &&
      (filter.collectedTo === undefined || (filter.collectedTo.getTime() + 1) % DAY_MS === 0);
    return this.options.rollups && rollupAnswers ? ROLLUP : BASE;
  }
}

/** Each unit's district: the district-level unit on its path. */
const DISTRICT_OF_UNIT = sql`
  select units.id as unit_id, district.code from units
  join units district on district.level = 'district' and units.path like district.path || '%'`;

function isFiltered(filter: SurveillanceFilter): boolean {
  return Object.values(filter).some((value) => value !== undefined);
}

function numberOrNull(value: string | number | null | undefined): number | null {
  return value === null || value === undefined ? null : Number(value);
}

function snake(step: TurnaroundStep): string {
  return step.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}
