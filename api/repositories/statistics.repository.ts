import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { Db } from '../db/database.js';
import type { Scope } from '../domain/access.js';
import type { SiteType, StatDimension } from '../domain/vocabulary.js';
import { countSource, MONTH_OF_COLLECTION, type RollupOptions } from './monthly-rollup.js';
import { unitInScope } from './scope-filter.js';
import { matchesSurveillanceFilter, specimenInScopeMatching, type SurveillanceFilter } from './surveillance-filter.js';

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
  siteType: SiteType;
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

/** What each dimension groups by (raw values, cheap to hash) and how a grouped value is shown. */
const DIMENSIONS: Record<StatDimension, { group: RawBuilder<unknown>; show?: (value: RawBuilder<unknown>) => RawBuilder<unknown> }> = {
  taxon: { group: sql`specimens.taxon_id` },
  group: { group: sql`specimens.taxon_group` },
  port: { group: sql`specimens.port_id`, show: (value) => sql`(select ports.code from ports where ports.id = ${value})` },
  district: { group: sql`districts.code` },
  siteType: { group: sql`specimens.site_type` },
  month: { group: MONTH_OF_COLLECTION, show: (value) => sql`to_char(${value}, 'YYYY-MM')` },
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
    private readonly options: RollupOptions = { rollups: true },
  ) {}

  async counts(scope: Scope, filter: SurveillanceFilter, by: readonly StatDimension[]): Promise<CountRow[]> {
    const source = countSource(filter, this.options, by.includes('week'));
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
        where ${specimenInScopeMatching(scope, filter)}
        group by ${positions}
        having ${sum(source.specimens)} > 0
      ) cells
      order by ${positions}`.execute(this.db);
    return rows.map(({ count, individuals, ...keys }) => ({ ...keys, count: Number(count), individuals: Number(individuals) }));
  }

  async overview(scope: Scope, filter: SurveillanceFilter, now: Date): Promise<OverviewCounts> {
    const source = countSource(filter, this.options);
    const midnight = new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS);
    const { rows } = await sql<Record<string, string>>`
      select ${sum(source.specimens)} as specimens,
        ${sum(source.specimens, sql`specimens.status in ('in_review', 'needs_photos')`)} as pending,
        ${sum(source.detections, sql`specimens.identified_by = 'ai'`)} as by_ai,
        ${sum(source.detections, sql`specimens.identified_by = 'expert'`)} as by_experts
      from ${source.table}
      where ${specimenInScopeMatching(scope, filter)}`.execute(this.db);
    const today = await this.db
      .selectFrom('specimens')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('specimens.created_at', '>=', midnight)
      .where(specimenInScopeMatching(scope, filter))
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
    const source = countSource(filter, this.options);
    const { rows } = await sql<{ site_type: SiteType; specimens: string; positives: string }>`
      select specimens.site_type, ${sum(source.specimens)} as specimens, ${sum(source.specimens, POSITIVE)} as positives
      from ${source.table}
      where ${specimenInScopeMatching(scope, filter)}
      group by 1
      having ${sum(source.specimens)} > 0
      order by 1`.execute(this.db);
    return rows.map((row) => ({ siteType: row.site_type, specimens: Number(row.specimens), positives: Number(row.positives) }));
  }

  async density(scope: Scope, filter: SurveillanceFilter): Promise<DensityRow[]> {
    const source = countSource(filter, this.options);
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
        where ${specimenInScopeMatching(scope, filter)}
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
}

/** Each unit's district: the district-level unit on its path. */
const DISTRICT_OF_UNIT = sql`
  select units.id as unit_id, district.code from units
  join units district on district.level = 'district' and units.path like district.path || '%'`;

function isFiltered(filter: SurveillanceFilter): boolean {
  return Object.values(filter).some((value) => value !== undefined);
}
