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
});

/** Standard error responses a route may give, for the OpenAPI document. */
export const errorResponses = (...statuses: number[]) => Object.fromEntries(statuses.map((status) => [status, ErrorSchema]));
