import { Type, type Static, type TSchema } from 'typebox';
import {
  IMAGE_ORIGINS,
  LIFE_STAGES,
  PORT_TYPES,
  SEXES,
  SITE_TYPES,
  SPECIMEN_SORTS,
  SPECIMEN_STATUSES,
  TRAP_METHODS,
} from '../domain/vocabulary.js';
import { DateTime, errorResponses, FileResponses, Nullable, Page, pageQuery, PersonRef, Uuid } from './common.js';
import { endpoint } from './endpoint.js';
import { IdentificationHistoryEntry, SpecimenIdentification } from './identification.js';
import { ImageQualityFinding } from './uploads.js';
import { SpecimenReview } from './review-state.js';
import { surveillanceFilters } from './surveillance.js';
import { Triage } from './triage.js';

const freeText = (maxLength: number, description: string) => Nullable(Type.String({ maxLength }), { description });
const optionalNullable = <T extends TSchema>(schema: T) => Type.Optional(Nullable(schema));

/** Where a specimen was trapped, as a device's positioning (GPS) reported it: WGS 84 degrees. */
export const GeoPosition = Type.Object(
  {
    latitude: Type.Number({ minimum: -90, maximum: 90 }),
    longitude: Type.Number({ minimum: -180, maximum: 180 }),
    accuracyMetres: Type.Optional(
      Type.Number({ minimum: 0, maximum: 1_000_000, description: 'Radius of 95% confidence the device reported, in metres' }),
    ),
  },
  { title: 'GeoPosition', additionalProperties: false },
);

const editableFields = {
  siteType: Type.Enum(SITE_TYPES, { description: 'Where the specimen was trapped' }),
  locationDetail: Type.Optional(freeText(500, 'Conveyance or location detail: ship name, flight number, container number, area')),
  trapMethod: optionalNullable(Type.Enum(TRAP_METHODS, { description: 'How it was collected' })),
  collectedAt: Type.String({ format: 'date-time', description: 'When it was collected (ISO 8601 with offset)' }),
  collector: Type.Optional(freeText(200, 'Who collected it')),
  count: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000, description: 'Number of individuals' })),
  lifeStage: optionalNullable(Type.Enum(LIFE_STAGES, { description: 'Life stage' })),
  sex: optionalNullable(Type.Enum(SEXES, { description: 'Sex' })),
  notes: Type.Optional(freeText(5000, 'Free notes')),
  position: optionalNullable(GeoPosition),
};

/** The `metadata` part of a specimen upload (a JSON document in a multipart text field). */
export const SpecimenMetadata = Type.Object(
  {
    portCode: Type.String({ minLength: 1, maxLength: 64, description: 'Code of the port it was trapped at' }),
    ...editableFields,
    clientSubmissionId: Type.Optional(
      Type.String({
        format: 'uuid',
        description:
          'Made by the client when the person submits; sending it again (a retry after a lost answer, a queued submission ' +
          'sent when the device is back online) answers the specimen it created instead of a second one (ADR 0023)',
      }),
    ),
  },
  { title: 'SpecimenMetadata', additionalProperties: false },
);

export const SpecimenPatch = Type.Object(
  {
    ...Type.Partial(Type.Object(editableFields)).properties,
    status: Type.Optional(
      Type.Enum(SPECIMEN_STATUSES, {
        description:
          'Experts and administrators withdraw a specimen (`rejected`); every other status comes from triage and review (409 `status_by_review`)',
      }),
    ),
  },
  { title: 'SpecimenPatch', additionalProperties: false, minProperties: 1 },
);

export const SpecimenImage = Type.Object(
  {
    id: Uuid,
    sha256: Type.String(),
    width: Type.Integer(),
    height: Type.Integer(),
    format: Type.String(),
    bytes: Type.Integer(),
    originalFilename: Nullable(Type.String()),
    originalUrl: Type.String(),
    thumbnailUrl: Type.String(),
    qualityWarnings: Type.Array(ImageQualityFinding, {
      description: 'What the quality gate found wrong with the photo when it was accepted in `warn` mode; empty for a good photo',
    }),
  },
  { title: 'SpecimenImage' },
);

export const PortRef = Type.Object(
  { id: Uuid, code: Type.String(), nameZh: Type.String(), nameEn: Type.String(), type: Type.Enum(PORT_TYPES) },
  { title: 'PortRef' },
);

export const Specimen = Type.Object(
  {
    id: Uuid,
    unitId: Uuid,
    port: PortRef,
    siteType: Type.Enum(SITE_TYPES),
    locationDetail: Nullable(Type.String()),
    trapMethod: Nullable(Type.Enum(TRAP_METHODS)),
    collectedAt: DateTime,
    collector: Nullable(Type.String()),
    count: Type.Integer(),
    lifeStage: Nullable(Type.Enum(LIFE_STAGES)),
    sex: Nullable(Type.Enum(SEXES)),
    notes: Nullable(Type.String()),
    position: Nullable(GeoPosition),
    status: Type.Enum(SPECIMEN_STATUSES),
    createdBy: PersonRef,
    createdAt: DateTime,
    updatedAt: DateTime,
    images: Type.Array(SpecimenImage),
    identification: Nullable(SpecimenIdentification, { description: 'null only for specimens stored before identification existed' }),
    identifications: Type.Array(IdentificationHistoryEntry, {
      description: 'Identification history, newest first: AI answers and expert identifications',
    }),
    triage: Nullable(Triage, { description: 'null until its identification has been triaged' }),
    review: SpecimenReview,
    detectionId: Nullable(Uuid, { description: 'The detection its confirmation created' }),
  },
  { title: 'Specimen' },
);

export const SpecimenListQuery = Type.Object(
  {
    ...surveillanceFilters,
    mine: Type.Optional(Type.Boolean({ description: 'Only specimens the caller submitted' })),
    sort: Type.Optional(
      Type.Enum(SPECIMEN_SORTS, { default: '-createdAt', description: 'A field; `-` first for newest or highest first' }),
    ),
    ...pageQuery(200, 50),
  },
  { additionalProperties: false },
);

/** The answer of `POST /api/v1/specimens/:id/images`: the images it added, in order. */
export const AddedImages = Type.Object({ images: Type.Array(SpecimenImage) }, { title: 'AddedImages' });

const SpecimenIdParams = Type.Object({ id: Uuid });
const imageFiles = { name: 'images', description: 'Photographs (JPEG, PNG, WebP, TIFF, HEIF)' };

export const specimenEndpoints = {
  createSpecimen: endpoint({
    method: 'POST',
    url: '/api/v1/specimens',
    schema: {
      operationId: 'createSpecimen',
      tags: ['specimens'],
      summary: 'Submit a specimen with its photographs',
      description:
        'multipart/form-data: a `metadata` field holding JSON (`portCode`, `siteType`, `collectedAt`, and optionally `locationDetail`, ' +
        '`trapMethod`, `collector`, `count`, `lifeStage`, `sex`, `notes`, `position`, `clientSubmissionId`) and one or more `images` ' +
        'files (JPEG, PNG, WebP, TIFF, HEIF). 201: created. With a `clientSubmissionId` the caller sent before with the same metadata ' +
        'and images: 200 and that specimen as it is now, nothing created; with different metadata or images: 409 `submission_reused`. ' +
        "The ids are the submitter's own: another person's same id is another submission.",
      consumes: ['multipart/form-data'],
      response: { 200: Specimen, 201: Specimen, ...errorResponses(400, 401, 403, 409, 413, 415, 422) },
    },
    multipart: { fields: Type.Object({ metadata: SpecimenMetadata }), jsonFields: ['metadata'], files: imageFiles },
  }),
  listSpecimens: endpoint({
    method: 'GET',
    url: '/api/v1/specimens',
    schema: {
      operationId: 'listSpecimens',
      tags: ['specimens'],
      summary: "Specimens in the caller's scope, newest first",
      querystring: SpecimenListQuery,
      response: { 200: Page(Specimen), ...errorResponses(400, 401) },
    },
  }),
  getSpecimen: endpoint({
    method: 'GET',
    url: '/api/v1/specimens/:id',
    schema: {
      operationId: 'getSpecimen',
      tags: ['specimens'],
      summary: 'One specimen',
      params: SpecimenIdParams,
      response: { 200: Specimen, ...errorResponses(400, 401, 404) },
    },
  }),
  updateSpecimen: endpoint({
    method: 'PATCH',
    url: '/api/v1/specimens/:id',
    schema: {
      operationId: 'updateSpecimen',
      tags: ['specimens'],
      summary: "Correct a specimen's metadata, or withdraw it (experts and administrators)",
      params: SpecimenIdParams,
      body: SpecimenPatch,
      response: { 200: Specimen, ...errorResponses(400, 401, 403, 404, 409) },
    },
  }),
  addSpecimenImages: endpoint({
    method: 'POST',
    url: '/api/v1/specimens/:id/images',
    schema: {
      operationId: 'addSpecimenImages',
      tags: ['specimens'],
      summary: "Add photographs to a specimen; answers the new images only, in the shape of the specimen's `images`",
      description:
        'multipart/form-data: one or more `images` files (JPEG, PNG, WebP, TIFF, HEIF; checked and stored as at submission), and optionally ' +
        "`origin` (`upload` — the default —, `camera-still`: a frame of a live room's camera or microscope, `annotated-still`: a room's still " +
        'with its drawings) and `roomId` (the consultation about this specimen it came from; 422 `unknown_room` otherwise). Both are kept in the audit log. ' +
        "Staff, experts and administrators who see the specimen may add; a specimen outside the caller's scope answers 404 like a missing one. " +
        'The new images go after the existing ones; the whole specimen, pushed as `specimen.updated`, is at `GET /api/v1/specimens/:id`. ' +
        'Added images are not sent to automatic identification.',
      consumes: ['multipart/form-data'],
      params: SpecimenIdParams,
      response: { 201: AddedImages, ...errorResponses(400, 401, 403, 404, 413, 415, 422) },
    },
    multipart: {
      fields: Type.Object({
        origin: Type.Optional(Type.Enum(IMAGE_ORIGINS, { description: 'Where the images came from (default `upload`)' })),
        roomId: Type.Optional(Type.String({ format: 'uuid', description: 'The consultation about this specimen they were taken in' })),
      }),
      files: imageFiles,
    },
  }),
  getImage: endpoint({
    method: 'GET',
    url: '/api/v1/images/:id/:variant',
    schema: {
      operationId: 'getImage',
      tags: ['specimens'],
      summary: 'An image of a specimen: the untouched original or a 320 px WebP thumbnail (EXIF orientation applied)',
      params: Type.Object({ id: Uuid, variant: Type.Enum(['original', 'thumbnail']) }),
      response: { ...FileResponses, ...errorResponses(400, 401, 404, 416) },
    },
  }),
};

export type GeoPosition = Static<typeof GeoPosition>;
export type SpecimenMetadata = Static<typeof SpecimenMetadata>;
export type SpecimenPatch = Static<typeof SpecimenPatch>;
export type SpecimenImage = Static<typeof SpecimenImage>;
export type PortRef = Static<typeof PortRef>;
export type Specimen = Static<typeof Specimen>;
export type SpecimenListQuery = Static<typeof SpecimenListQuery>;
export type AddedImages = Static<typeof AddedImages>;
