import { Type } from 'typebox';
import { LIFE_STAGES, SEXES, SITE_TYPES, SPECIMEN_STATUSES, TRAP_METHODS } from '../domain/specimen.js';

export const ErrorSchema = Type.Object(
  { error: Type.String(), message: Type.String(), details: Type.Optional(Type.Unknown()) },
  { description: 'Every 4xx/5xx answer has this shape' },
);

export const UserSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  username: Type.String(),
  displayName: Type.String(),
  role: Type.Enum(['admin', 'expert', 'staff', 'trainee']),
  unit: Type.Object({
    id: Type.String({ format: 'uuid' }),
    code: Type.String(),
    level: Type.Enum(['headquarters', 'district', 'port']),
    nameZh: Type.String(),
    nameEn: Type.String(),
  }),
});

export const PortSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  code: Type.String(),
  nameZh: Type.String(),
  nameEn: Type.String(),
  type: Type.Enum(['sea', 'air', 'land']),
  longitude: Type.Number(),
  latitude: Type.Number(),
  unitId: Type.String({ format: 'uuid' }),
});

const nullableString = Type.Union([Type.String(), Type.Null()]);

export const ImageSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  sha256: Type.String(),
  width: Type.Integer(),
  height: Type.Integer(),
  format: Type.String(),
  bytes: Type.Integer(),
  originalFilename: nullableString,
  originalUrl: Type.String(),
  thumbnailUrl: Type.String(),
});

/** The answer of `POST /api/v1/specimens/:id/images`: the images it added, in order. */
export const AddedImagesSchema = Type.Object({ images: Type.Array(ImageSchema) });

const TaxonProbabilitySchema = Type.Object({ taxon: Type.String(), p: Type.Number({ minimum: 0, maximum: 1 }) });

const aiAnswerFields = {
  group: Type.String({ description: 'mosquito, tick, rodent, flea, cockroach, fly or not_vector' }),
  lifeStage: nullableString,
  taxon: Type.String({ description: 'Scientific name of the most specific confident label, or "unknown" when rejected' }),
  confidence: Type.Number({ minimum: 0, maximum: 1, description: 'Calibrated probability of `taxon`' }),
  rejected: Type.Boolean(),
  topK: Type.Array(TaxonProbabilitySchema),
  model: Type.String({ description: '`name@version` of the most specific model consulted' }),
  models: Type.Array(Type.String()),
};

/** The answer of `POST /api/v1/identify` and the result fields of a specimen's identification. */
export const IdentifyResultSchema = Type.Object({
  ...aiAnswerFields,
  timings: Type.Object({ queueMs: Type.Number(), preprocessMs: Type.Number(), inferenceMs: Type.Number(), batchImages: Type.Integer() }),
  images: Type.Array(
    Type.Union([
      Type.Object({ index: Type.Integer(), ...aiAnswerFields }),
      Type.Object({ index: Type.Integer(), error: Type.String() }),
    ]),
  ),
});

export const nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

export const SpecimenIdentificationSchema = Type.Object(
  {
    status: Type.Enum(['pending', 'done', 'failed']),
    requestedAt: Type.String({ format: 'date-time' }),
    completedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    error: nullableString,
    group: nullableString,
    lifeStage: nullableString,
    taxon: nullableString,
    confidence: nullable(Type.Number()),
    rejected: nullable(Type.Boolean()),
    topK: Type.Array(TaxonProbabilitySchema),
    model: nullableString,
    models: Type.Array(Type.String()),
    timings: nullable(Type.Object({ queueMs: Type.Number(), preprocessMs: Type.Number(), inferenceMs: Type.Number(), batchImages: Type.Integer() })),
    images: Type.Array(
      Type.Union([
        Type.Object({ imageId: Type.String({ format: 'uuid' }), ...aiAnswerFields }),
        Type.Object({ imageId: Type.String({ format: 'uuid' }), error: Type.String() }),
      ]),
    ),
  },
  { description: 'The automatic identification: `pending` until a worker has run the models, then `done` (or `failed` when no image could be read)' },
);

export const IdentificationHistoryEntrySchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    source: Type.Enum(['ai', 'expert']),
    group: Type.String(),
    lifeStage: nullableString,
    taxon: Type.String(),
    confidence: nullable(Type.Number({ minimum: 0, maximum: 1 })),
    rejected: Type.Boolean(),
    model: Type.Union([Type.String({ description: 'AI: `name@version` of the most specific model consulted' }), Type.Null()]),
    author: Type.Union([Type.Object({ id: Type.String({ format: 'uuid' }), username: Type.String(), displayName: Type.String() }), Type.Null()], { description: 'Expert: who identified it' }),
    roomId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()], { description: 'Expert: the consultation it was made in' }),
    notes: nullableString,
    createdAt: Type.String({ format: 'date-time' }),
  },
  { description: 'One identification of the specimen: an automatic (AI) answer or an expert\'s' },
);

export const SpecimenSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  unitId: Type.String({ format: 'uuid' }),
  port: Type.Object({ id: Type.String(), code: Type.String(), nameZh: Type.String(), nameEn: Type.String(), type: Type.String() }),
  siteType: Type.Enum(SITE_TYPES),
  locationDetail: nullableString,
  trapMethod: Type.Union([Type.Enum(TRAP_METHODS), Type.Null()]),
  collectedAt: Type.String({ format: 'date-time' }),
  collector: nullableString,
  count: Type.Integer(),
  lifeStage: Type.Union([Type.Enum(LIFE_STAGES), Type.Null()]),
  sex: Type.Union([Type.Enum(SEXES), Type.Null()]),
  notes: nullableString,
  status: Type.Enum(SPECIMEN_STATUSES),
  createdBy: Type.Object({ id: Type.String(), username: Type.String(), displayName: Type.String() }),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  images: Type.Array(ImageSchema),
  identification: Type.Union([SpecimenIdentificationSchema, Type.Null()]),
  identifications: Type.Array(IdentificationHistoryEntrySchema, { description: 'Identification history, newest first: AI answers and expert identifications' }),
});

/** Standard error responses a route may give, for the OpenAPI document. */
export const errorResponses = (...statuses: number[]) => Object.fromEntries(statuses.map((status) => [status, ErrorSchema]));
