import { Type, type Static } from 'typebox';
import {
  IDENTIFICATION_LEVELS,
  IDENTIFICATION_SOURCES,
  IDENTIFICATION_STATUSES,
  LIFE_STAGES,
  VECTOR_GROUPS,
} from '../domain/vocabulary.js';
import { DateTime, errorResponses, Nullable, PersonRef, Uuid } from './common.js';
import { endpoint } from './endpoint.js';
import { ImageQualityVerdict } from './uploads.js';

const NullableString = Nullable(Type.String());
const Probability = Type.Number({ minimum: 0, maximum: 1 });

export const TaxonProbability = Type.Object({ taxon: Type.String(), p: Probability }, { title: 'TaxonProbability' });

const LevelAnswer = Type.Object(
  { taxon: Type.String(), confidence: Probability },
  { title: 'LevelAnswer', description: 'The most likely taxon at one level and its calibrated joint probability' },
);

export const LevelAnswers = Type.Object(
  { group: LevelAnswer, genus: Nullable(LevelAnswer), species: Nullable(LevelAnswer) },
  {
    title: 'LevelAnswers',
    description:
      'The AI answer at every level, committed or not: the group label; within it the most likely genus; within that genus the ' +
      'most likely species. Null where the models name no such level.',
  },
);

const CommittedLevel = Nullable(Type.Enum(IDENTIFICATION_LEVELS), {
  description:
    'The most specific level whose confidence reached its threshold: `taxon` is at this level (`none` when rejected). ' +
    'Null for answers stored before levels were recorded whose taxon the taxonomy does not know.',
});

const aiAnswerFields = {
  group: Type.String({ description: 'mosquito, tick, rodent, flea, cockroach, fly or not_vector' }),
  lifeStage: NullableString,
  taxon: Type.String({ description: 'Scientific name of the most specific confident label, or "unknown" when rejected' }),
  confidence: Type.Number({ minimum: 0, maximum: 1, description: 'Calibrated probability of `taxon`' }),
  rejected: Type.Boolean(),
  committedLevel: CommittedLevel,
  levels: Nullable(LevelAnswers, { description: 'Null for answers stored before levels were recorded' }),
  topK: Type.Array(TaxonProbability),
  model: Type.String({ description: '`name@version` of the most specific model consulted' }),
  models: Type.Array(Type.String()),
};

/** One AI answer: for a whole specimen (its images combined) or for one image alone. */
export const AiAnswer = Type.Object(aiAnswerFields, { title: 'AiAnswer' });

/** Where the time of one identification went, in milliseconds. */
export const IdentificationTimings = Type.Object(
  {
    queueMs: Type.Number(),
    preprocessMs: Type.Number(),
    inferenceMs: Type.Number(),
    batchImages: Type.Integer(),
  },
  { title: 'IdentificationTimings' },
);

/** The answer of `POST /api/v1/identify`: the combined answer, one answer (or error) per image, models and timings. */
export const IdentifyResult = Type.Object(
  {
    ...aiAnswerFields,
    timings: IdentificationTimings,
    images: Type.Array(
      Type.Union([Type.Object({ index: Type.Integer(), ...aiAnswerFields }), Type.Object({ index: Type.Integer(), error: Type.String() })]),
    ),
    quality: Type.Array(ImageQualityVerdict, {
      description:
        "The quality gate's verdict on each image, in upload order (problems are warnings: in `refuse` mode the call answers 422)",
    }),
  },
  { title: 'IdentifyResult' },
);

export const ImageAnswer = Type.Union(
  [Type.Object({ imageId: Uuid, ...aiAnswerFields }), Type.Object({ imageId: Uuid, error: Type.String() })],
  { title: 'ImageAnswer' },
);

export const SpecimenIdentification = Type.Object(
  {
    status: Type.Enum(IDENTIFICATION_STATUSES),
    requestedAt: DateTime,
    completedAt: Nullable(DateTime),
    error: NullableString,
    group: NullableString,
    lifeStage: NullableString,
    taxon: NullableString,
    confidence: Nullable(Type.Number()),
    rejected: Nullable(Type.Boolean()),
    committedLevel: CommittedLevel,
    levels: Nullable(LevelAnswers),
    topK: Type.Array(TaxonProbability),
    model: NullableString,
    models: Type.Array(Type.String()),
    timings: Nullable(IdentificationTimings),
    images: Type.Array(ImageAnswer),
  },
  {
    title: 'SpecimenIdentification',
    description:
      'The automatic identification: `pending` until a worker has run the models, then `done` (or `failed` when no image could be read)',
  },
);

export const IdentificationHistoryEntry = Type.Object(
  {
    id: Uuid,
    source: Type.Enum(IDENTIFICATION_SOURCES),
    group: Type.String(),
    lifeStage: NullableString,
    taxon: Type.String(),
    confidence: Nullable(Probability),
    rejected: Type.Boolean(),
    committedLevel: Nullable(Type.Enum(IDENTIFICATION_LEVELS), { description: 'AI: the level `taxon` is at; null for experts' }),
    model: Nullable(Type.String(), { description: 'AI: `name@version` of the most specific model consulted' }),
    author: Nullable(PersonRef, { description: 'Expert: who identified it' }),
    roomId: Nullable(Uuid, { description: 'Expert: the consultation it was made in' }),
    notes: NullableString,
    createdAt: DateTime,
  },
  { title: 'IdentificationHistoryEntry', description: "One identification of the specimen: an automatic (AI) answer or an expert's" },
);

/** What an expert records about a specimen (in a consultation). */
export const ExpertIdentificationBody = Type.Object(
  {
    group: Type.Enum(VECTOR_GROUPS),
    taxon: Type.String({ minLength: 1, maxLength: 200, description: 'A taxon id of the taxonomy (scientific name), in `group`' }),
    lifeStage: Type.Optional(Nullable(Type.Enum(LIFE_STAGES))),
    confidence: Type.Optional(Nullable(Probability)),
    notes: Type.Optional(Nullable(Type.String({ maxLength: 5000 }))),
  },
  { title: 'ExpertIdentification', additionalProperties: false },
);

export const identificationEndpoints = {
  identifyImages: endpoint({
    method: 'POST',
    url: '/api/v1/identify',
    schema: {
      operationId: 'identifyImages',
      tags: ['identification'],
      summary: 'Identify photographs of one specimen without storing anything',
      description:
        'multipart/form-data with one or more `images` files, all of the same specimen. Answers with the combined identification, ' +
        'one answer per image (or its error), the model versions and timings. 503 with `Retry-After` when inference is at capacity.',
      consumes: ['multipart/form-data'],
      response: { 200: IdentifyResult, ...errorResponses(400, 401, 413, 415, 422, 503) },
    },
    multipart: {
      fields: Type.Object({}),
      files: { name: 'images', description: 'Photographs of one specimen (JPEG, PNG, WebP, TIFF, HEIF)' },
    },
  }),
};

export type TaxonProbability = Static<typeof TaxonProbability>;
export type LevelAnswers = Static<typeof LevelAnswers>;
export type AiAnswer = Static<typeof AiAnswer>;
export type IdentificationTimings = Static<typeof IdentificationTimings>;
export type IdentifyResult = Static<typeof IdentifyResult>;
export type ImageAnswer = Static<typeof ImageAnswer>;
export type SpecimenIdentification = Static<typeof SpecimenIdentification>;
export type IdentificationHistoryEntry = Static<typeof IdentificationHistoryEntry>;
export type ExpertIdentificationBody = Static<typeof ExpertIdentificationBody>;
