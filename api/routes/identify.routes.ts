import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { endpoints } from '../contract/index.js';
import { unprocessable } from '../domain/errors.js';
import { actorOf } from '../http/authentication.js';
import type { UploadReader } from '../http/specimen-upload.js';
import type { IdentificationService } from '../services/identification.service.js';

export interface IdentifyRoutesOptions {
  identification: IdentificationService;
  uploads: UploadReader;
}

export const identifyRoutes: FastifyPluginAsyncTypebox<IdentifyRoutesOptions> = async (app, { identification, uploads }) => {
  app.addHook('onRequest', app.authenticate);

  app.route({
    ...endpoints.identifyImages,
    handler: async (request) => {
      actorOf(request);
      const { outcome, quality } = await uploads.withImages(request, (images) => identification.identifyUploads(images));
      if ('error' in outcome) throw unprocessable('unreadable_images', `No image could be read: ${outcome.error}`);
      return {
        ...outcome.identification,
        timings: outcome.timings,
        images: outcome.images.map((image) => ('error' in image ? image : { index: image.index, ...image.identification })),
        quality,
      };
    },
  });
};
