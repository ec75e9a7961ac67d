import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { endpoints, type UploadLimits } from '../contract/index.js';
import { actorOf } from '../http/authentication.js';
import { sendPageJson, type SpecimenJsonCache } from '../http/specimen-json-cache.js';
import type { UploadReader } from '../http/specimen-upload.js';
import { presentImage, presentSpecimen } from '../presenters/index.js';
import type { SpecimenService } from '../services/specimen.service.js';
import type { SurveillanceFilterResolver } from '../services/surveillance-filters.js';

export interface SpecimensRoutesOptions {
  specimens: SpecimenService;
  uploads: UploadReader;
  surveillanceFilters: SurveillanceFilterResolver;
  uploadLimits: UploadLimits;
  /** Where the list keeps specimens' answers between requests (ADR 0040); without one, every page is built whole. */
  answerCache?: SpecimenJsonCache;
}

export const specimensRoutes: FastifyPluginAsyncTypebox<SpecimensRoutesOptions> = async (
  app,
  { specimens, uploads, surveillanceFilters, uploadLimits, answerCache },
) => {
  app.addHook('onRequest', app.authenticate);

  app.route({ ...endpoints.getUploadLimits, handler: () => uploadLimits });

  app.route({
    ...endpoints.checkImageQuality,
    handler: async (request) => {
      actorOf(request);
      return uploads.withImages(request, (images) => specimens.checkQuality(images));
    },
  });

  app.route({
    ...endpoints.createSpecimen,
    handler: async (request, reply) => {
      const actor = actorOf(request);
      const { specimen, created } = await uploads.withSpecimen(request, ({ metadata, images }) =>
        specimens.create(actor, metadata, images),
      );
      return reply.status(created ? 201 : 200).send(presentSpecimen(specimen));
    },
  });

  app.route({
    ...endpoints.listSpecimens,
    handler: async (request, reply) => {
      const actor = actorOf(request);
      const { mine, sort, limit, offset, ...filters } = request.query;
      const filter = { ...(await surveillanceFilters.resolve(filters)), createdBy: mine ? actor.id : undefined };
      const page = { limit, offset };
      if (answerCache) {
        const revised = await specimens.listRevisions(actor, filter, page, sort);
        const json = await answerCache.pageJson({ ...revised, ...page }, (ids) => specimens.getMany(actor, ids));
        if (json) return sendPageJson(reply, json);
      }
      const { items, total } = await specimens.list(actor, filter, page, sort);
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
