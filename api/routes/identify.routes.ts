import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { actorOf } from '../http/authentication.js';
import { unprocessable } from '../http/errors.js';
import { errorResponses, IdentifyResultSchema } from '../http/schemas.js';
import { readImagesUpload, type UploadLimits } from '../http/specimen-upload.js';
import type { IdentificationService } from '../services/identification.service.js';

export interface IdentifyRoutesOptions {
  identification: IdentificationService;
  uploadLimits: UploadLimits;
}

export const identifyRoutes: FastifyPluginAsyncTypebox<IdentifyRoutesOptions> = async (app, { identification, uploadLimits }) => {
  app.addHook('preHandler', app.authenticate);

  app.post(
    '/api/v1/identify',
    {
      schema: {
        tags: ['identification'],
        summary: 'Identify photographs of one specimen without storing anything',
        description:
          'multipart/form-data with one or more `images` files, all of the same specimen. Answers with the combined identification, ' +
          'one answer per image (or its error), the model versions and timings. 503 with `Retry-After` when inference is at capacity.',
        consumes: ['multipart/form-data'],
        response: { 200: IdentifyResultSchema, ...errorResponses(400, 401, 413, 415, 422, 503) },
      },
    },
    async (request) => {
      actorOf(request);
      const images = await readImagesUpload(request, uploadLimits);
      const outcome = await identification.identifyUploads(images.map((image) => image.buffer));
      if ('error' in outcome) throw unprocessable('unreadable_images', `No image could be read: ${outcome.error}`);
      return {
        ...outcome.identification,
        timings: outcome.timings,
        images: outcome.images.map((image) => ('error' in image ? image : { index: image.index, ...image.identification })),
      };
    },
  );
};
