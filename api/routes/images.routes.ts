import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { endpoints } from '../contract/index.js';
import { actorOf } from '../http/authentication.js';
import { sendStoredFile } from '../http/send-stored-file.js';
import type { SpecimenService } from '../services/specimen.service.js';

export const imagesRoutes: FastifyPluginAsyncTypebox<{ specimens: SpecimenService }> = async (app, { specimens }) => {
  app.route({
    ...endpoints.getImage,
    onRequest: app.authenticate,
    handler: async (request, reply) => {
      const file = await specimens.imageFile(actorOf(request), request.params.id, request.params.variant);
      // Content-addressed: the bytes behind an image id never change.
      reply.header('cache-control', 'private, max-age=31536000, immutable');
      return sendStoredFile(request, reply, file, 'Image file');
    },
  });
};
