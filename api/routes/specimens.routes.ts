import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { endpoints } from '../contract/index.js';
import { badRequest } from '../domain/errors.js';
import { actorOf } from '../http/authentication.js';
import type { UploadReader } from '../http/specimen-upload.js';
import { presentImage, presentSpecimen } from '../presenters/index.js';
import type { SpecimenService } from '../services/specimen.service.js';

export interface SpecimensRoutesOptions {
  specimens: SpecimenService;
  uploads: UploadReader;
}

export const specimensRoutes: FastifyPluginAsyncTypebox<SpecimensRoutesOptions> = async (app, { specimens, uploads }) => {
  app.addHook('onRequest', app.authenticate);

  app.route({
    ...endpoints.createSpecimen,
    handler: async (request, reply) => {
      const actor = actorOf(request);
      const specimen = await uploads.withSpecimen(request, ({ metadata, images }) => specimens.create(actor, metadata, images));
      return reply.status(201).send(presentSpecimen(specimen));
    },
  });

  app.route({
    ...endpoints.listSpecimens,
    handler: async (request) => {
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
  });

  app.route({
    ...endpoints.getSpecimen,
    handler: async (request) => presentSpecimen(await specimens.get(actorOf(request), request.params.id)),
  });

  app.route({
    ...endpoints.updateSpecimen,
    handler: async (request) => presentSpecimen(await specimens.update(actorOf(request), request.params.id, request.body)),
  });

  app.route({
    ...endpoints.addSpecimenImages,
    handler: async (request, reply) => {
      const actor = actorOf(request);
      const { added } = await uploads.withAddedImages(request, ({ provenance, images }) =>
        specimens.addImages(actor, request.params.id, images, provenance),
      );
      return reply.status(201).send({ images: added.map(presentImage) });
    },
  });
};
