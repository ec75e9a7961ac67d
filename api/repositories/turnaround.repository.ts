import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../db/database.js';
import type { Scope } from '../domain/access.js';
import { TURNAROUND_STEPS, type TurnaroundDimension, type TurnaroundStep } from '../domain/vocabulary.js';
import { MONTH_OF_COLLECTION, rollupOverRange, type RollupOptions } from './monthly-rollup.js';
import { specimenInScopeMatching, type SurveillanceFilter } from './surveillance-filter.js';

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

/** The last step a specimen reached, less its collection: the expression `specimens_turnaround_total` indexes. */
const TOTAL = sql`(coalesce(specimens.alert_acknowledged_at, specimens.decided_at, specimens.ai_answered_at, specimens.created_at)
  - specimens.collected_at)`;

const STEPS_OF_SPECIMEN = sql`specimen_turnaround_steps(specimens.collected_at, specimens.created_at,
  specimens.ai_answered_at, specimens.decided_at, specimens.alert_acknowledged_at)`;

/** The filters on the bucket rollup's own columns. */
const ROLLUP_FILTERS = new Set<string>(['portCode', 'districtPath', 'collectedFrom', 'collectedTo'] satisfies (keyof SurveillanceFilter)[]);

/** Where the buckets come from: `specimens` has the filters' columns, `steps` the step, bucket and specimens. */
interface BucketSource {
  table: RawBuilder<unknown>;
  steps: string;
}

const SPECIMEN_BUCKETS: BucketSource = {
  table: sql`specimens cross join lateral (select each.*, 1 as specimens from ${STEPS_OF_SPECIMEN} each) steps`,
  steps: 'steps',
};

function rollupBuckets(from: Date | undefined, to: Date | undefined): BucketSource {
  const columns = sql`collected_at, unit_id, port_id`;
  return {
    table: rollupOverRange(
      sql`select ${columns}, step, bucket, specimens from specimen_turnaround_buckets`,
      sql`select ${columns}, steps.step, steps.bucket, 1 from specimens cross join lateral ${STEPS_OF_SPECIMEN} steps`,
      from,
      to,
    ),
    steps: 'specimens',
  };
}

/**
 * Turnaround in the caller's scope (ADR 0022): p50/p90 of each step per port or month from logarithmic duration
 * buckets (within 1% of the exact percentile, counts exact), read from `specimen_turnaround_buckets` where the filters
 * allow and bucketed from the specimens otherwise — the same figures either way; and the slowest specimens by total.
 */
export class TurnaroundRepository {
  constructor(
    private readonly db: Db,
    private readonly options: RollupOptions = { rollups: true },
  ) {}

  async turnaround(
    scope: Scope,
    filter: SurveillanceFilter,
    by: TurnaroundDimension,
    slowest: number,
  ): Promise<{ rows: TurnaroundRow[]; slowest: SlowCase[] }> {
    const [rows, cases] = await Promise.all([this.percentiles(scope, filter, by), this.slowest(scope, filter, slowest)]);
    return { rows, slowest: cases };
  }

  private async percentiles(scope: Scope, filter: SurveillanceFilter, by: TurnaroundDimension): Promise<TurnaroundRow[]> {
    const source = this.sourceFor(filter);
    const steps = (column: string) => sql.ref(`${source.steps}.${column}`);
    // Grouped by raw values (cheap to hash), shown at the end.
    const key = by === 'month' ? MONTH_OF_COLLECTION : sql`specimens.port_id`;
    const shown = by === 'month' ? sql`to_char(key, 'YYYY-MM')` : sql`(select ports.code from ports where ports.id = key)`;
    // The value at rank p × (n − 1), interpolated between its neighbours as percentile_cont does, from the buckets
    // holding the neighbours: the first whose running count exceeds each one's rank.
    const percentile = (p: number) => {
      const rank = sql`${sql.lit(p)} * (n - 1)`;
      const holding = (neighbour: RawBuilder<unknown>) => sql`turnaround_bucket_seconds(min(bucket) filter (where upto > ${neighbour}))`;
      return sql`${holding(sql`floor(${rank})`)} + (${rank} - floor(${rank}))
        * (${holding(sql`ceil(${rank})`)} - ${holding(sql`floor(${rank})`)})`;
    };
    const { rows } = await sql<{ key: string; step: number; n: string; p50: number; p90: number }>`
      with cells as (
        select ${key} as key, ${steps('step')} as step, ${steps('bucket')} as bucket, sum(${steps('specimens')}) as specimens
        from ${source.table}
        where ${specimenInScopeMatching(scope, filter)}
        group by 1, 2, 3
        having sum(${steps('specimens')}) > 0
      ),
      running as (
        select key, step, bucket, sum(specimens) over (partition by key, step order by bucket) as upto,
          sum(specimens) over (partition by key, step) as n
        from cells
      )
      select ${shown} as key, step, n,
        ${percentile(0.5)} as p50, ${percentile(0.9)} as p90
      from running
      group by running.key, step, n
      order by 1, 2`.execute(this.db);
    const figures = new Map<string, TurnaroundRow>();
    for (const row of rows) {
      const figure = figures.get(row.key) ?? emptyRow(row.key);
      figure[TURNAROUND_STEPS[row.step - 1]!] = { p50: Number(row.p50), p90: Number(row.p90), n: Number(row.n) };
      figures.set(row.key, figure);
    }
    return [...figures.values()];
  }

  /** The `limit` slowest by total, walking `specimens_turnaround_total` until enough pass the filters. */
  private async slowest(scope: Scope, filter: SurveillanceFilter, limit: number): Promise<SlowCase[]> {
    const seconds = (interval: RawBuilder<unknown>) => sql<number | null>`extract(epoch from ${interval})::double precision`;
    const { rows } = await sql<SlowCase>`
      select specimens.id as "specimenId", ports.code as port, specimens.collected_at as "collectedAt",
        ${seconds(TOTAL)} as "totalSeconds",
        ${seconds(sql`specimens.created_at - specimens.collected_at`)} as "collectedToSubmitted",
        ${seconds(sql`specimens.ai_answered_at - specimens.created_at`)} as "submittedToAi",
        ${seconds(sql`specimens.decided_at - specimens.ai_answered_at`)} as "aiToDecision",
        ${seconds(sql`specimens.alert_acknowledged_at - specimens.decided_at`)} as "decisionToAcknowledged"
      from specimens
      join ports on ports.id = specimens.port_id
      where ${specimenInScopeMatching(scope, filter)}
      order by ${TOTAL} desc, specimens.id
      limit ${limit}`.execute(this.db);
    return rows.map((row) => ({ ...row, collectedAt: new Date(row.collectedAt) }));
  }

  /** The rollup answers filters on its columns only: scope, port, district and dates. */
  private sourceFor(filter: SurveillanceFilter): BucketSource {
    const rollupAnswers = Object.entries(filter).every(([name, value]) => value === undefined || ROLLUP_FILTERS.has(name));
    return this.options.rollups && rollupAnswers ? rollupBuckets(filter.collectedFrom, filter.collectedTo) : SPECIMEN_BUCKETS;
  }
}

function emptyRow(key: string): TurnaroundRow {
  const none: StepFigures = { p50: null, p90: null, n: 0 };
  return { key, ...Object.fromEntries(TURNAROUND_STEPS.map((step) => [step, none])) } as TurnaroundRow;
}
