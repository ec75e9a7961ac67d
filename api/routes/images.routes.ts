import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorOf } from '../http/authentication.js';
import { errorResponses } from '../http/schemas.js';
import { sendStoredFile } from '../http/send-stored-file.js';
import type { SpecimenService } from '../services/specimen.service.js';

export const imagesRoutes: FastifyPluginAsyncTypebox<{ specimens: SpecimenService }> = async (app, { specimens }) => {
  app.get(
    '/api/v1/images/:id/:variant',
    {
      preHandler: app.authenticate,
      schema: {
        tags: ['specimens'],
        summary: 'An image of a specimen: the untouched original or a 320 px WebP thumbnail (EXIF orientation applied)',
        params: Type.Object({ id: Type.String({ format: 'uuid' }), variant: Type.Enum(['original', 'thumbnail']) }),
        response: { 200: Type.Unknown({ description: 'The image bytes' }), 304: Type.Null({ description: 'Unchanged (If-None-Match)' }), ...errorResponses(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const file = await specimens.imageFile(actorOf(request), request.params.id, request.params.variant);
      // Content-addressed: the bytes behind an image id never change.
      reply.header('cache-control', 'private, max-age=31536000, immutable');
      return sendStoredFile(request, reply, file, 'Image file');
    },
  );
};
