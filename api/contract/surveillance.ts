import { Type, type Static } from 'typebox';
import {
  CONFIDENCE_BANDS,
  IDENTIFICATION_SOURCES,
  SITE_TYPES,
  SPECIMEN_STATUSES,
  STAT_DIMENSIONS,
  TRAP_METHODS,
  TRIAGE_QUEUES,
  TURNAROUND_DIMENSIONS,
  TURNAROUND_STEPS,
  VECTOR_GROUPS,
} from '../domain/vocabulary.js';
import { errorResponses, Items, Nullable, Uuid } from './common.js';
import { endpoint } from './endpoint.js';

/**
 * The filters of every surveillance query — the specimen and detection lists, statistics, turnaround and exports —
 * always within the caller's scope. A specimen's taxon is its detection's when confirmed, else its latest primary
 * identification's (AI or expert); `taxon` matches that taxon and everything below it.
 */
export const surveillanceFilters = {
  taxon: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'A taxon id: this taxon and everything below it' })),
  group: Type.Optional(Type.Enum(VECTOR_GROUPS, { description: 'Vector group of its current identification' })),
  portCode: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Code of the port it was trapped at' })),
  district: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Code of a district unit: its ports' })),
  siteType: Type.Optional(Type.Enum(SITE_TYPES)),
  trapMethod: Type.Optional(Type.Enum(TRAP_METHODS)),
  status: Type.Optional(Type.Enum(SPECIMEN_STATUSES)),
  from: Type.Optional(Type.String({ format: 'date-time', description: 'collectedAt ≥ from' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'collectedAt ≤ to' })),
  confidence: Type.Optional(Type.Enum(CONFIDENCE_BANDS, { description: "Band of the AI's confidence: high ≥ 0.9, medium ≥ 0.6, low" })),
  queue: Type.Optional(Type.Enum(TRIAGE_QUEUES, { description: 'The triage queue it was sent to' })),
  identifiedBy: Type.Optional(Type.Enum(IDENTIFICATION_SOURCES, { description: 'Who its current identification is from' })),
};

export const SurveillanceFilters = Type.Object(surveillanceFilters, { title: 'SurveillanceFilters', additionalProperties: false });

const byList = (dimensions: readonly string[], description: string) =>
  Type.String({
    pattern: `^(${dimensions.join('|')})(,(${dimensions.join('|')})){0,2}$`,
    description: `${description}: one to three of ${dimensions.join(', ')}, comma-separated`,
  });

export const StatCountsQuery = Type.Object(
  { by: byList(STAT_DIMENSIONS, 'What to count by'), ...surveillanceFilters },
  { additionalProperties: false },
);

/**
 * One cell of a count: the value of each `by` dimension (taxon id, group, port code, district code, site type,
 * `YYYY-MM` month, `YYYY-Www` ISO week, identifiedBy, status; null where the specimen has none) and the counts.
 */
export const StatCount = Type.Object(
  {
    taxon: Type.Optional(Nullable(Type.String())),
    group: Type.Optional(Nullable(Type.String())),
    port: Type.Optional(Type.String()),
    district: Type.Optional(Type.String()),
    siteType: Type.Optional(Type.String()),
    month: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}$' })),
    week: Type.Optional(Type.String({ pattern: '^\\d{4}-W\\d{2}$' })),
    identifiedBy: Type.Optional(Nullable(Type.String())),
    status: Type.Optional(Type.String()),
    count: Type.Integer({ minimum: 0, description: 'Specimens (records)' }),
    individuals: Type.Integer({ minimum: 0, description: 'Individuals (the sum of their counts)' }),
  },
  { title: 'StatCount' },
);

export const StatsOverview = Type.Object(
  {
    submittedToday: Type.Integer({ minimum: 0, description: 'Specimens submitted since midnight UTC' }),
    pendingReviews: Type.Integer({ minimum: 0, description: 'Specimens in review or waiting for photographs' }),
    openAlerts: Type.Integer({ minimum: 0 }),
    specimens: Type.Integer({ minimum: 0, description: 'Specimens matching the filters' }),
    identifiedByAi: Type.Integer({ minimum: 0, description: 'Detections accepted from the AI alone (matching the filters)' }),
    identifiedByExperts: Type.Integer({ minimum: 0, description: 'Detections confirmed or corrected by experts' }),
  },
  { title: 'StatsOverview' },
);

export const PositiveRate = Type.Object(
  {
    siteType: Type.Enum(SITE_TYPES),
    specimens: Type.Integer({ minimum: 0 }),
    positives: Type.Integer({ minimum: 0, description: 'Specimens whose current identification is a vector' }),
    rate: Type.Number({ minimum: 0, maximum: 1 }),
  },
  { title: 'PositiveRate' },
);

export const PortDensity = Type.Object(
  {
    port: Type.String({ description: 'Port code' }),
    longitude: Type.Number(),
    latitude: Type.Number(),
    specimens: Type.Integer({ minimum: 0 }),
    individuals: Type.Integer({ minimum: 0 }),
    detections: Type.Integer({ minimum: 0 }),
    months: Type.Integer({ minimum: 0, description: 'Months with at least one specimen' }),
    individualsPerMonth: Type.Number({ minimum: 0 }),
  },
  { title: 'PortDensity' },
);

/** Seconds a step took: median, 90th percentile and how many specimens had both ends of it. */
export const StepTimes = Type.Object(
  { p50: Nullable(Type.Number()), p90: Nullable(Type.Number()), n: Type.Integer({ minimum: 0 }) },
  { title: 'StepTimes' },
);

const turnaroundSteps = Object.fromEntries(TURNAROUND_STEPS.map((step) => [step, StepTimes])) as Record<
  (typeof TURNAROUND_STEPS)[number],
  typeof StepTimes
>;

export const TurnaroundQuery = Type.Object(
  { by: Type.Enum(TURNAROUND_DIMENSIONS), ...surveillanceFilters },
  { additionalProperties: false },
);

export const Turnaround = Type.Object(
  {
    items: Type.Array(
      Type.Object(
        { port: Type.Optional(Type.String()), month: Type.Optional(Type.String()), ...turnaroundSteps },
        { title: 'TurnaroundRow' },
      ),
    ),
    slowest: Type.Array(
      Type.Object(
        {
          specimenId: Uuid,
          port: Type.String(),
          collectedAt: Type.String({ format: 'date-time' }),
          totalSeconds: Type.Number(),
          collectedToSubmitted: Nullable(Type.Number()),
          submittedToAi: Nullable(Type.Number()),
          aiToDecision: Nullable(Type.Number()),
          decisionToAcknowledged: Nullable(Type.Number()),
        },
        { title: 'SlowCase' },
      ),
      { description: 'The slowest specimens (collection to the last step they reached), slowest first' },
    ),
  },
  {
    title: 'Turnaround',
    description:
      'Seconds from collection → submission → AI answer → expert decision → alert acknowledged, per port or month. ' +
      'A step counts only for specimens that reached both of its ends; `total` runs from collection to the last step reached.',
  },
);

export const surveillanceEndpoints = {
  statCounts: endpoint({
    method: 'GET',
    url: '/api/v1/stats/counts',
    schema: {
      operationId: 'statCounts',
      tags: ['statistics'],
      summary: "Specimen counts in the caller's scope, by up to three dimensions",
      querystring: StatCountsQuery,
      response: { 200: Items(StatCount), ...errorResponses(400, 401) },
    },
  }),
  statsOverview: endpoint({
    method: 'GET',
    url: '/api/v1/stats/overview',
    schema: {
      operationId: 'statsOverview',
      tags: ['statistics'],
      summary: "Today's submissions, pending reviews, open alerts and who identified the detections",
      querystring: SurveillanceFilters,
      response: { 200: StatsOverview, ...errorResponses(400, 401) },
    },
  }),
  positiveRates: endpoint({
    method: 'GET',
    url: '/api/v1/stats/positive-rate',
    schema: {
      operationId: 'positiveRates',
      tags: ['statistics'],
      summary: 'Share of specimens that are vectors, by site type',
      querystring: SurveillanceFilters,
      response: { 200: Items(PositiveRate), ...errorResponses(400, 401) },
    },
  }),
  portDensity: endpoint({
    method: 'GET',
    url: '/api/v1/stats/density',
    schema: {
      operationId: 'portDensity',
      tags: ['statistics'],
      summary: 'Specimens, individuals and detections per port, with its position',
      querystring: SurveillanceFilters,
      response: { 200: Items(PortDensity), ...errorResponses(400, 401) },
    },
  }),
  turnaround: endpoint({
    method: 'GET',
    url: '/api/v1/stats/turnaround',
    schema: {
      operationId: 'turnaround',
      tags: ['statistics'],
      summary: 'Time each step took (p50/p90) per port or month, and the slowest cases',
      querystring: TurnaroundQuery,
      response: { 200: Turnaround, ...errorResponses(400, 401) },
    },
  }),
};

export type SurveillanceFilters = Static<typeof SurveillanceFilters>;
export type StatCountsQuery = Static<typeof StatCountsQuery>;
export type StatCount = Static<typeof StatCount>;
export type StatsOverview = Static<typeof StatsOverview>;
export type PositiveRate = Static<typeof PositiveRate>;
export type PortDensity = Static<typeof PortDensity>;
export type StepTimes = Static<typeof StepTimes>;
export type TurnaroundQuery = Static<typeof TurnaroundQuery>;
export type Turnaround = Static<typeof Turnaround>;
