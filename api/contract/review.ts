import { Type, type Static } from 'typebox';
import {
  DETECTION_LEVELS,
  IDENTIFICATION_SOURCES,
  LIFE_STAGES,
  REVIEW_DECISIONS,
  REVIEW_QUEUES,
  SEXES,
  SITE_TYPES,
} from '../domain/vocabulary.js';
import { DateTime, errorResponses, Items, Nullable, Page, pageQuery, Uuid } from './common.js';
import { endpoint } from './endpoint.js';
import { PortRef, Specimen } from './specimens.js';
import { surveillanceFilters } from './surveillance.js';

export const ReviewBody = Type.Object(
  {
    decision: Type.Enum(REVIEW_DECISIONS),
    taxon: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        description:
          'A taxon id (scientific name). `correct`: required; `confirm`: the AI answer confirmed (the default; another is refused)',
      }),
    ),
    lifeStage: Type.Optional(Type.Enum(LIFE_STAGES, { description: 'Life stage seen (default: the specimen’s, else the AI’s)' })),
    sex: Type.Optional(Type.Enum(SEXES)),
    notes: Type.Optional(Type.String({ maxLength: 5000, description: '`need-more-photos`: what photographs are needed' })),
  },
  { title: 'ReviewBody', additionalProperties: false },
);

export const Detection = Type.Object(
  {
    id: Uuid,
    specimenId: Uuid,
    taxon: Type.String(),
    port: PortRef,
    unitId: Uuid,
    siteType: Type.Enum(SITE_TYPES),
    collectedAt: DateTime,
    count: Type.Integer(),
    lifeStage: Nullable(Type.Enum(LIFE_STAGES)),
    sex: Nullable(Type.Enum(SEXES)),
    identifiedBy: Type.Enum(IDENTIFICATION_SOURCES, { description: '`ai`: accepted by triage; `expert`: confirmed by review' }),
    firstLevels: Type.Array(Type.Enum(DETECTION_LEVELS), { description: 'Where it was the first record of its taxon' }),
    watchList: Type.Boolean(),
    createdAt: DateTime,
  },
  { title: 'Detection', description: 'A confirmed record: what was found, where and when' },
);

export const ReviewOutcome = Type.Object(
  {
    outcome: Type.Enum(['confirmed', 'awaiting_second_opinion', 'escalated', 'needs_photos'], {
      description: 'What the decision did: settled it, waits for a second expert, moved it up a level, or asked for photos',
    }),
    specimen: Specimen,
    detection: Nullable(Detection),
    alertId: Nullable(Uuid, { description: 'The alert a first or watch-list detection opened' }),
  },
  { title: 'ReviewOutcome' },
);

export const ReviewQueueQuery = Type.Object(
  { queue: Type.Optional(Type.Enum(REVIEW_QUEUES)), ...pageQuery(100, 20) },
  { additionalProperties: false },
);

export const SimilarSpecimen = Type.Object(
  {
    specimenId: Uuid,
    taxon: Type.String(),
    port: PortRef,
    collectedAt: DateTime,
    thumbnailUrl: Type.String(),
    originalUrl: Type.String(),
  },
  { title: 'SimilarSpecimen', description: 'A confirmed specimen of one of the AI’s candidate taxa, with a photograph' },
);

/** The surveillance filters, applied to the detection's specimen (its taxon, port, dates, how it was identified). */
export const DetectionListQuery = Type.Object({ ...surveillanceFilters, ...pageQuery(200, 50) }, { additionalProperties: false });

const SpecimenIdParams = Type.Object({ id: Uuid });

export const reviewEndpoints = {
  reviewQueue: endpoint({
    method: 'GET',
    url: '/api/v1/review/queue',
    schema: {
      operationId: 'reviewQueue',
      tags: ['review'],
      summary: 'Specimens the caller may decide on (experts): critical first, then oldest',
      description:
        "Specimens in review whose review unit lies in the caller's scope, without those the caller already decided on in the current round.",
      querystring: ReviewQueueQuery,
      response: { 200: Page(Specimen), ...errorResponses(400, 401, 403) },
    },
  }),
  reviewSpecimen: endpoint({
    method: 'POST',
    url: '/api/v1/specimens/:id/reviews',
    schema: {
      operationId: 'reviewSpecimen',
      tags: ['review'],
      summary: 'Confirm or correct the identification of a specimen in review, or ask for more photos (experts)',
      description:
        'Critical specimens need two different experts naming the same taxon; experts naming different taxa move the decision to the unit ' +
        'above. Agreement confirms the specimen and creates a detection; a first or watch-list detection opens an alert. 409 `not_in_review` ' +
        'when the specimen is not waiting for a decision, 409 `already_reviewed` for a second decision by the same expert in a round, ' +
        '422 `unknown_taxon` for a taxon the taxonomy does not know.',
      params: SpecimenIdParams,
      body: ReviewBody,
      response: { 201: ReviewOutcome, ...errorResponses(400, 401, 403, 404, 409, 422) },
    },
  }),
  similarSpecimens: endpoint({
    method: 'GET',
    url: '/api/v1/specimens/:id/similar',
    schema: {
      operationId: 'similarSpecimens',
      tags: ['review'],
      summary: "Confirmed specimens in the caller's scope of the AI's candidate taxa, most likely taxon first, each with a photograph",
      params: SpecimenIdParams,
      response: { 200: Items(SimilarSpecimen), ...errorResponses(400, 401, 404) },
    },
  }),
  listDetections: endpoint({
    method: 'GET',
    url: '/api/v1/detections',
    schema: {
      operationId: 'listDetections',
      tags: ['review'],
      summary: "Detections (confirmed records) in the caller's scope, newest first",
      querystring: DetectionListQuery,
      response: { 200: Page(Detection), ...errorResponses(400, 401) },
    },
  }),
};

export type ReviewBody = Static<typeof ReviewBody>;
export type Detection = Static<typeof Detection>;
export type ReviewOutcome = Static<typeof ReviewOutcome>;
export type ReviewQueueQuery = Static<typeof ReviewQueueQuery>;
export type SimilarSpecimen = Static<typeof SimilarSpecimen>;
export type DetectionListQuery = Static<typeof DetectionListQuery>;
