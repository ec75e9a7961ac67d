import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { SITE_TYPES, SPECIMEN_STATUSES, SpecimenPatchSchema } from '../domain/specimen.js';
import { actorOf } from '../http/authentication.js';
import { badRequest } from '../http/errors.js';
import { presentImage, presentSpecimen } from '../http/presenters.js';
import { AddedImagesSchema, errorResponses, SpecimenSchema } from '../http/schemas.js';
import { readAddedImagesUpload, readSpecimenUpload, type UploadLimits } from '../http/specimen-upload.js';
import type { SpecimenService } from '../services/specimen.service.js';

export interface SpecimensRoutesOptions {
  specimens: SpecimenService;
  uploadLimits: UploadLimits;
}

const SpecimenId = Type.Object({ id: Type.String({ format: 'uuid' }) });

export const specimensRoutes: FastifyPluginAsyncTypebox<SpecimensRoutesOptions> = async (app, { specimens, uploadLimits }) => {
  app.addHook('preHandler', app.authenticate);

  app.post(
    '/api/v1/specimens',
    {
      schema: {
        tags: ['specimens'],
        summary: 'Submit a specimen with its photographs',
        description:
          'multipart/form-data: a `metadata` field holding JSON (`portCode`, `siteType`, `collectedAt`, and optionally `locationDetail`, ' +
          '`trapMethod`, `collector`, `count`, `lifeStage`, `sex`, `notes`) and one or more `images` files (JPEG, PNG, WebP, TIFF, HEIF).',
        consumes: ['multipart/form-data'],
        response: { 201: SpecimenSchema, ...errorResponses(400, 401, 403, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const { metadata, images } = await readSpecimenUpload(request, uploadLimits);
      const specimen = await specimens.create(actor, metadata, images);
      return reply.status(201).send(presentSpecimen(specimen));
    },
  );

  app.get(
    '/api/v1/specimens',
    {
      schema: {
        tags: ['specimens'],
        summary: 'Specimens in the caller\'s scope, newest first',
        querystring: Type.Object(
          {
            portCode: Type.Optional(Type.String({ maxLength: 64 })),
            status: Type.Optional(Type.Enum(SPECIMEN_STATUSES)),
            siteType: Type.Optional(Type.Enum(SITE_TYPES)),
            from: Type.Optional(Type.String({ format: 'date-time', description: 'collectedAt ≥ from' })),
            to: Type.Optional(Type.String({ format: 'date-time', description: 'collectedAt ≤ to' })),
            mine: Type.Optional(Type.Boolean({ description: 'Only specimens the caller submitted' })),
            limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
            offset: Type.Integer({ minimum: 0, default: 0 }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ items: Type.Array(SpecimenSchema), total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer() }),
          ...errorResponses(400, 401),
        },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const { portCode, status, siteType, from, to, mine, limit, offset } = request.query;
      const collectedFrom = from ? new Date(from) : undefined;
      const collectedTo = to ? new Date(to) : undefined;
      if (collectedFrom && collectedTo && collectedFrom > collectedTo) throw badRequest('invalid_date_range', '"from" is after "to"');
      const { items, total } = await specimens.list(
        actor,
        { portCode, status, siteType, collectedFrom, collectedTo, createdBy: mine ? actor.id : undefined },
        { limit, offset },
      );
      return { items: items.map(presentSpecimen), total, limit, offset };
    },
  );

  app.get(
    '/api/v1/specimens/:id',
    {
      schema: { tags: ['specimens'], summary: 'One specimen', params: SpecimenId, response: { 200: SpecimenSchema, ...errorResponses(400, 401, 404) } },
    },
    async (request) => presentSpecimen(await specimens.get(actorOf(request), request.params.id)),
  );

  app.patch(
    '/api/v1/specimens/:id',
    {
      schema: {
        tags: ['specimens'],
        summary: 'Correct a specimen\'s metadata (status: experts and administrators)',
        params: SpecimenId,
        body: SpecimenPatchSchema,
        response: { 200: SpecimenSchema, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => presentSpecimen(await specimens.update(actorOf(request), request.params.id, request.body)),
  );

  app.post(
    '/api/v1/specimens/:id/images',
    {
      schema: {
        tags: ['specimens'],
        summary: 'Add photographs to a specimen; answers the new images only, in the shape of the specimen\'s `images`',
        description:
          'multipart/form-data: one or more `images` files (JPEG, PNG, WebP, TIFF, HEIF; checked and stored as at submission), and optionally ' +
          '`origin` (`upload` — the default —, `camera-still`: a frame of a live room\'s camera or microscope, `annotated-still`: a room\'s still ' +
          'with its drawings) and `roomId` (the consultation about this specimen it came from; 422 `unknown_room` otherwise). Both are kept in the audit log. Staff, experts and administrators who ' +
          'see the specimen may add; a specimen outside the caller\'s scope answers 404 like a missing one. The new images go after the ' +
          'existing ones; the whole specimen, pushed as `specimen.updated`, is at `GET /api/v1/specimens/:id`. Added images are not sent to ' +
          'automatic identification.',
        consumes: ['multipart/form-data'],
        params: SpecimenId,
        response: { 201: AddedImagesSchema, ...errorResponses(400, 401, 403, 404, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const { provenance, images } = await readAddedImagesUpload(request, uploadLimits);
      const { added } = await specimens.addImages(actor, request.params.id, images, provenance);
      return reply.status(201).send({ images: added.map(presentImage) });
    },
  );
};
