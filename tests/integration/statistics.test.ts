import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatCount, SurveillanceFilters } from '../../api/contract/index.js';
import type { StatDimension } from '../../api/domain/vocabulary.js';
import type { Db } from '../../api/db/database.js';
import type { Scope } from '../../api/domain/access.js';
import { countSpecimens, foldSpecimenCountChanges } from '../../api/repositories/monthly-rollup.js';
import { StatisticsRepository } from '../../api/repositories/statistics.repository.js';
import type { SurveillanceFilter } from '../../api/repositories/surveillance-filter.js';
import { TurnaroundRepository } from '../../api/repositories/turnaround.repository.js';
import type { Client } from '../helpers/client.js';
import { testBackends } from '../helpers/database.js';
import {
  currentOf,
  DISTRICT_OF,
  EVERY_FILTER,
  isoWeek,
  percentile,
  PORTS_SEEN_BY,
  seedMatches,
  seedSpecimens,
  surveillanceApp,
  variedSpecimens,
  type SeedSpecimen,
} from '../helpers/surveillance.js';
import type { TestApp } from '../helpers/test-app.js';

const HOUR = 3600;
const at = (iso: string, hours: number) => new Date(new Date(iso).getTime() + hours * HOUR * 1000).toISOString();

/**
 * Hand-made timelines in 2020 (which the varied specimens never reach), hours per step: collection → submission →
 * AI answer → expert decision → alert acknowledged; undefined where the specimen never got that far.
 */
const TIMELINES: { port: SeedSpecimen['port']; collectedAt: string; steps: (number | undefined)[]; aiFromRequest: boolean }[] = [
  { port: 'CNNGB-BL', collectedAt: '2020-03-02T00:00:00.000Z', steps: [2, 1, 10, 5], aiFromRequest: true },
  { port: 'CNNGB-BL', collectedAt: '2020-03-09T00:00:00.000Z', steps: [4, 3, 20], aiFromRequest: true },
  { port: 'CNNGB-BL', collectedAt: '2020-04-06T00:00:00.000Z', steps: [6, 2], aiFromRequest: true },
  { port: 'CNNGB-BL', collectedAt: '2020-04-13T00:00:00.000Z', steps: [8, 5, 30], aiFromRequest: false },
  { port: 'CNNGB-LS', collectedAt: '2020-03-16T00:00:00.000Z', steps: [1, 1, 4, 2], aiFromRequest: true },
  { port: 'CNNGB-LS', collectedAt: '2020-05-04T00:00:00.000Z', steps: [3], aiFromRequest: true },
];
/** The turnaround read from its bucket rollup equals the one bucketed from the specimens, for ranges that cut months. */
async function expectSameTurnaround(db: Db): Promise<void> {
  const rollup = new TurnaroundRepository(db);
  const base = new TurnaroundRepository(db, { rollups: false });
  for (const filter of [{}, { collectedFrom: new Date('2025-11-20T06:00:00.000Z') }, { portCode: 'CNNGB-BL', collectedTo: new Date() }])
    for (const by of ['port', 'month'] as const)
      expect(await rollup.turnaround({ all: true }, filter, by, 5)).toEqual(await base.turnaround({ all: true }, filter, by, 5));
}

/** A list's total read from the all-time counts (or the monthly rollup) equals the specimens counted, in each scope. */
async function expectSameTotals(db: Db): Promise<void> {
  const districts = await db.selectFrom('units').select('path').where('level', '=', 'district').execute();
  const scopes: Scope[] = [{ all: true }, ...districts.map(({ path }) => ({ all: false as const, unitPaths: [path] }))];
  const filters: SurveillanceFilter[] = [
    {},
    { status: 'in_review' },
    { portCode: 'CNNGB-BL', siteType: 'ship' },
    { districtPath: districts[0]!.path },
  ];
  const expectSame = async () => {
    for (const scope of scopes)
      for (const filter of filters)
        for (const measure of ['specimens', 'detections'] as const)
          expect(await countSpecimens(db, scope, filter, { rollups: true }, measure), JSON.stringify({ scope, filter, measure })).toBe(
            await countSpecimens(db, scope, filter, { rollups: false }, measure),
          );
  };
  // With the changes since the last fold added by the reader, then folded in (two folds at once, as two processes;
  // the app's own periodic fold may have taken some already).
  await expectSame();
  await Promise.all([foldSpecimenCountChanges(db), foldSpecimenCountChanges(db)]);
  const { rows } = await sql<{ n: string }>`select count(*) as n from specimen_count_changes`.execute(db);
  expect(Number(rows[0]!.n)).toBe(0);
  await expectSame();
}

/** Turnaround percentiles come from logarithmic buckets: within 1% of the exact figure (ADR 0022); counts are exact. */
function expectNear(actual: unknown, wanted: unknown, path = ''): void {
  if (typeof wanted === 'number' && typeof actual === 'number' && path.endsWith('.n') === false) {
    expect(Math.abs(actual - wanted), `${path}: ${actual} vs ${wanted}`).toBeLessThanOrEqual(0.01 * Math.abs(wanted) + 1e-9);
  } else if (wanted !== null && typeof wanted === 'object') {
    expect(actual, path).toBeTypeOf('object');
    expect(Object.keys(actual as object).sort(), path).toEqual(Object.keys(wanted).sort());
    for (const [key, value] of Object.entries(wanted)) expectNear((actual as Record<string, unknown>)[key], value, `${path}.${key}`);
  } else {
    expect(actual, path).toEqual(wanted);
  }
}
const YEAR_2020 = { from: '2020-01-01T00:00:00.000Z', to: '2020-12-31T23:59:59.999Z' };

function timelineSeed({ port, collectedAt, steps, aiFromRequest }: (typeof TIMELINES)[number]): SeedSpecimen {
  const [submitted, ai, decision, acknowledged] = steps.reduce<string[]>(
    (times, hours) => [...times, at(times.at(-1) ?? collectedAt, hours!)],
    [],
  );
  const taxon = 'Aedes albopictus';
  return {
    port,
    siteType: 'vehicle',
    trapMethod: null,
    collectedAt,
    createdAt: submitted!,
    count: 1,
    status: ai ? 'confirmed' : 'submitted',
    ...(ai ? { ai: { taxon, group: 'mosquito', confidence: 0.8, at: ai }, queue: decision ? 'review' : 'auto' } : {}),
    ...(ai && aiFromRequest ? { request: { completedAt: ai } } : {}),
    ...(decision ? { review: { at: decision } } : {}),
    ...(ai ? { detection: { taxon, by: decision ? 'expert' : 'ai', at: decision ?? ai } } : {}),
    ...(acknowledged ? { alert: { status: 'acknowledged', acknowledgedAt: acknowledged } } : {}),
  } as SeedSpecimen;
}

const DIMENSION_OF: Record<StatDimension, (seed: SeedSpecimen) => string | null> = {
  taxon: (seed) => currentOf(seed).taxon,
  group: (seed) => currentOf(seed).group,
  port: (seed) => seed.port,
  district: (seed) => DISTRICT_OF[seed.port],
  siteType: (seed) => seed.siteType,
  month: (seed) => seed.collectedAt.slice(0, 7),
  week: (seed) => isoWeek(seed.collectedAt),
  identifiedBy: (seed) => currentOf(seed).identifiedBy,
  status: (seed) => seed.status,
};

const keyOf = (by: readonly StatDimension[], row: Partial<Record<StatDimension, unknown>>) =>
  JSON.stringify(by.map((dimension) => row[dimension]));

/** The counts the statistics should give, computed from the seeds alone. */
function expectedCounts(seeds: readonly SeedSpecimen[], by: readonly StatDimension[]): StatCount[] {
  const cells = new Map<string, StatCount>();
  for (const seed of seeds) {
    const keys = Object.fromEntries(by.map((dimension) => [dimension, DIMENSION_OF[dimension](seed)]));
    const key = keyOf(by, keys);
    const cell = cells.get(key) ?? { ...keys, count: 0, individuals: 0 };
    cell.count += 1;
    cell.individuals += seed.count;
    cells.set(key, cell);
  }
  return [...cells.values()].toSorted((a, b) => keyOf(by, a).localeCompare(keyOf(by, b)));
}

const BYS: StatDimension[][] = [
  ['month'],
  ['week'],
  ['taxon', 'port', 'month'],
  ['group', 'siteType', 'status'],
  ['district', 'identifiedBy'],
  ['taxon', 'week'],
];

for (const backend of await testBackends()) {
  describe.skipIf(!backend.availability.available)(`surveillance statistics on ${backend.name} ${backend.availability.reason}`, () => {
    let t: TestApp;
    let ids: string[];
    let clients: Map<string, Client>;
    const seeds = [...variedSpecimens(new Date()), ...TIMELINES.map(timelineSeed)];
    beforeAll(async () => {
      ({ t, ids, clients } = await surveillanceApp(backend.name, seeds));
    });
    afterAll(() => t?.close());

    const visible = (username: string, filters: SurveillanceFilters) =>
      seeds.filter((seed) => PORTS_SEEN_BY[username]!.includes(seed.port) && seedMatches(seed, filters));

    it.each(Object.keys(PORTS_SEEN_BY))(
      'counts by every dimension and filter as computed from the seeds, in the scope of %s',
      async (username) => {
        const client = clients.get(username)!;
        for (const filters of EVERY_FILTER) {
          for (const by of BYS) {
            const response = await client.statCounts({ query: { by: by.join(','), ...filters } });
            expect(response.statusCode, response.body).toBe(200);
            const items = response.json().items.toSorted((a, b) => keyOf(by, a).localeCompare(keyOf(by, b)));
            expect(items, `${by.join(',')} ${JSON.stringify(filters)}`).toEqual(expectedCounts(visible(username, filters), by));
          }
        }
      },
    );

    it('gives the same counts from the monthly rollup and from the specimens themselves', async () => {
      const rollup = new StatisticsRepository(t.database.db);
      const base = new StatisticsRepository(t.database.db, { rollups: false });
      const filter = { siteType: 'ship' as const, collectedFrom: new Date('2025-11-20T06:00:00.000Z') };
      for (const by of BYS) expect(await rollup.counts({ all: true }, filter, by)).toEqual(await base.counts({ all: true }, filter, by));
      expect(await rollup.density({ all: true }, {})).toEqual(await base.density({ all: true }, {}));
      expect(await rollup.positiveRates({ all: true }, {})).toEqual(await base.positiveRates({ all: true }, {}));
      const now = new Date();
      expect(await rollup.overview({ all: true }, {}, now)).toEqual(await base.overview({ all: true }, {}, now));
      await expectSameTurnaround(t.database.db);
    });

    it.each(Object.keys(PORTS_SEEN_BY))('sums up the overview, positive rates and density per port for %s', async (username) => {
      const client = clients.get(username)!;
      const midnight = new Date(new Date().toISOString().slice(0, 10)).getTime();
      for (const filters of [{}, { portCode: 'CNNGB-BL' }, { group: 'mosquito' }, { trapMethod: 'light_trap' }] as SurveillanceFilters[]) {
        const rows = visible(username, filters);
        const detected = rows.filter((seed) => seed.detection);
        const overview = await client.statsOverview({ query: filters });
        expect(overview.statusCode, overview.body).toBe(200);
        expect(overview.json(), JSON.stringify(filters)).toEqual({
          submittedToday: rows.filter((seed) => seed.createdAt && new Date(seed.createdAt).getTime() >= midnight).length,
          pendingReviews: rows.filter((seed) => seed.status === 'in_review' || seed.status === 'needs_photos').length,
          openAlerts: rows.filter((seed) => seed.alert?.status === 'open').length,
          specimens: rows.length,
          identifiedByAi: detected.filter((seed) => seed.detection!.by === 'ai').length,
          identifiedByExperts: detected.filter((seed) => seed.detection!.by === 'expert').length,
        });

        const isPositive = (seed: SeedSpecimen) => currentOf(seed).group !== null && currentOf(seed).group !== 'not_vector';
        const rates = (await client.positiveRates({ query: filters })).json().items;
        expect(rates).toEqual(
          [...new Set(rows.map((seed) => seed.siteType))].sort().map((siteType) => {
            const ofType = rows.filter((seed) => seed.siteType === siteType);
            const positives = ofType.filter(isPositive).length;
            return { siteType, specimens: ofType.length, positives, rate: positives / ofType.length };
          }),
        );

        const ports = await t.database.db.selectFrom('ports').select(['code', 'longitude', 'latitude']).execute();
        const density = (await client.portDensity({ query: filters })).json().items;
        expect(density).toEqual(
          ports
            .filter((port) => rows.some((seed) => seed.port === port.code))
            .toSorted((a, b) => a.code.localeCompare(b.code))
            .map((port) => {
              const atPort = rows.filter((seed) => seed.port === port.code);
              const individuals = atPort.reduce((total, seed) => total + seed.count, 0);
              const months = new Set(atPort.map((seed) => seed.collectedAt.slice(0, 7))).size;
              return {
                port: port.code,
                longitude: port.longitude,
                latitude: port.latitude,
                specimens: atPort.length,
                individuals,
                detections: atPort.filter((seed) => seed.detection).length,
                months,
                individualsPerMonth: individuals / months,
              };
            }),
        );
      }
    });

    it('times each step per port and per month on hand-made timelines, and lists the slowest', async () => {
      const hq = clients.get('expert.hq')!;
      const byPort = await hq.turnaround({ query: { by: 'port', ...YEAR_2020 } });
      expect(byPort.statusCode, byPort.body).toBe(200);
      // Beilun's collection → submission took 2, 4, 6 and 8 hours: median 5 h, 90th percentile 6 + 0.7 × 2 = 7.4 h.
      expectNear(byPort.json().items[0], {
        port: 'CNNGB-BL',
        collectedToSubmitted: { p50: 5 * HOUR, p90: 7.4 * HOUR, n: 4 },
        // The fourth answer came from the AI identification itself (no request): 1, 3, 2, 5 hours.
        submittedToAi: { p50: 2.5 * HOUR, p90: 4.4 * HOUR, n: 4 },
        aiToDecision: { p50: 20 * HOUR, p90: 28 * HOUR, n: 3 },
        decisionToAcknowledged: { p50: 5 * HOUR, p90: 5 * HOUR, n: 1 },
        total: { p50: 22.5 * HOUR, p90: 38.2 * HOUR, n: 4 },
      });

      const expected = (group: (timeline: (typeof TIMELINES)[number]) => string) =>
        [...new Set(TIMELINES.map(group))].sort().map((key) => {
          const timelines = TIMELINES.filter((timeline) => group(timeline) === key);
          const figures = (values: number[]) => ({ p50: percentile(values, 0.5), p90: percentile(values, 0.9), n: values.length });
          const step = (index: number) =>
            figures(timelines.flatMap(({ steps }) => (steps[index] === undefined ? [] : [steps[index] * HOUR])));
          return {
            key,
            collectedToSubmitted: step(0),
            submittedToAi: step(1),
            aiToDecision: step(2),
            decisionToAcknowledged: step(3),
            total: figures(timelines.map(({ steps }) => steps.reduce((sum, hours) => sum! + hours!, 0)! * HOUR)),
          };
        });
      expectNear(
        byPort.json().items,
        expected((timeline) => timeline.port).map(({ key, ...steps }) => ({ port: key, ...steps })),
      );
      const byMonth = await hq.turnaround({ query: { by: 'month', ...YEAR_2020 } });
      expectNear(
        byMonth.json().items,
        expected((timeline) => timeline.collectedAt.slice(0, 7)).map(({ key, ...steps }) => ({ month: key, ...steps })),
      );

      const slowest = byPort.json().slowest;
      expect(slowest).toHaveLength(TIMELINES.length);
      const firstIndex = seeds.length - TIMELINES.length;
      const wanted = TIMELINES.map(({ port, collectedAt, steps }, index) => ({
        specimenId: ids[firstIndex + index],
        port,
        collectedAt,
        totalSeconds: steps.reduce((sum, hours) => sum! + hours!, 0)! * HOUR,
        collectedToSubmitted: steps[0]! * HOUR,
        submittedToAi: steps[1] === undefined ? null : steps[1] * HOUR,
        aiToDecision: steps[2] === undefined ? null : steps[2] * HOUR,
        decisionToAcknowledged: steps[3] === undefined ? null : steps[3] * HOUR,
      }));
      // The three slowest have distinct totals (43, 27 and 18 hours); ties below them may come in either order.
      expect(slowest.slice(0, 3)).toEqual(wanted.toSorted((a, b) => b.totalSeconds - a.totalSeconds).slice(0, 3));
      expect(slowest[0]).toMatchObject({ totalSeconds: 43 * HOUR, aiToDecision: 30 * HOUR });

      const beilun = (await clients.get('staff.beilun')!.turnaround({ query: { by: 'port', ...YEAR_2020 } })).json();
      expect(beilun.items.map((item) => item.port)).toEqual(['CNNGB-BL']);
      expect(beilun.slowest.every((slow) => slow.port === 'CNNGB-BL')).toBe(true);
    });

    it('follows a timeline as it is written: the request completing, the alert acknowledged', async () => {
      const db = t.database.db;
      const collectedAt = '2019-06-03T00:00:00.000Z';
      const [id] = await seedSpecimens(db, [
        { ...timelineSeed({ port: 'CNNGB-BL', collectedAt, steps: [2, 1, 3], aiFromRequest: false }), alert: { status: 'open' } },
      ]);
      const year2019 = { from: '2019-01-01T00:00:00.000Z', to: '2019-12-31T23:59:59.999Z' };
      const slowest = async () => (await clients.get('expert.hq')!.turnaround({ query: { by: 'port', ...year2019 } })).json().slowest;
      expect(await slowest()).toMatchObject([
        { specimenId: id, submittedToAi: 1 * HOUR, decisionToAcknowledged: null, totalSeconds: 6 * HOUR },
      ]);

      // The identify job's request completes after the answer was stored: its time is the AI's answer from then on.
      await db
        .insertInto('identification_requests')
        .values({ specimen_id: id!, status: 'pending', enqueued_at: null, completed_at: null, error: null })
        .execute();
      await db
        .updateTable('identification_requests')
        .set({ status: 'done', completed_at: new Date(at(collectedAt, 4)) })
        .where('specimen_id', '=', id!)
        .execute();
      await db
        .updateTable('alerts')
        .set({ status: 'acknowledged', acknowledged_at: new Date(at(collectedAt, 10)) })
        .where('specimen_id', '=', id!)
        .execute();
      expect(await slowest()).toMatchObject([
        { specimenId: id, submittedToAi: 2 * HOUR, aiToDecision: 2 * HOUR, decisionToAcknowledged: 4 * HOUR, totalSeconds: 10 * HOUR },
      ]);
    });

    it('keeps the monthly counts and the turnaround buckets exact through updates, deletions and concurrent writes', async () => {
      const db = t.database.db;
      const rollup = new StatisticsRepository(db);
      const base = new StatisticsRepository(db, { rollups: false });
      const by: StatDimension[] = ['port', 'status', 'taxon', 'identifiedBy', 'month'];
      const yangshan = await db.selectFrom('ports').select(['id', 'unit_id']).where('code', '=', 'CNSHA-YS').executeTakeFirstOrThrow();
      await db.updateTable('specimens').set({ status: 'rejected' }).where('id', '=', ids[1]!).execute();
      await db
        .updateTable('specimens')
        .set({ port_id: yangshan.id, unit_id: yangshan.unit_id, count: 40 })
        .where('id', '=', ids[2]!)
        .execute();
      await db.updateTable('specimens').set({ collected_at: '2019-12-31T23:59:59.000Z' }).where('id', '=', ids[3]!).execute();
      const lonely = ids.find((_, index) => !seeds[index]!.ai && !seeds[index]!.request)!;
      await db.deleteFrom('specimen_images').where('specimen_id', '=', lonely).execute();
      await db.deleteFrom('specimens').where('id', '=', lonely).execute();
      expect(await rollup.counts({ all: true }, {}, by)).toEqual(await base.counts({ all: true }, {}, by));
      await expectSameTurnaround(db);
      await expectSameTotals(db);

      // Twenty writers at once on the same day, port and taxon: the same rollup row.
      await Promise.all(Array.from({ length: 20 }, () => seedSpecimens(db, [{ ...seeds[0]!, alert: undefined, createdAt: undefined }])));
      await Promise.all(
        ids.slice(4, 24).map((id, index) =>
          db
            .updateTable('specimens')
            .set({ status: index % 2 ? 'in_review' : 'confirmed' })
            .where('id', '=', id)
            .execute(),
        ),
      );
      expect(await rollup.counts({ all: true }, {}, by)).toEqual(await base.counts({ all: true }, {}, by));
      await expectSameTotals(db);
      const { rows } = await sql<{ n: string }>`select count(*) as n from specimen_monthly_counts where specimens < 0`.execute(db);
      expect(Number(rows[0]!.n)).toBe(0);

      // The timelines move too: a specimen's steps leave their buckets as its AI answer, decision and alert arrive.
      await Promise.all(
        ids.slice(4, 24).map((id, index) =>
          sql`update specimens set decided_at = ${new Date(Date.now() - index * 3_600_000)},
            ai_answered_at = ${index % 3 ? null : new Date()} where id = ${id}`.execute(db),
        ),
      );
      await expectSameTurnaround(db);
      const { rows: negative } = await sql<{ n: string }>`
        select count(*) as n from specimen_turnaround_buckets where specimens < 0`.execute(db);
      expect(Number(negative[0]!.n)).toBe(0);
    });
  });
}
