import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { endpoints } from '../contract/index.js';
import { actorOf } from '../http/authentication.js';
import { presentBankEntry, presentTeachingMark } from '../presenters/specimen-bank.js';
import type { SpecimenBankService } from '../services/specimen-bank.service.js';

/** The specimen bank: confirmed specimens by taxon with their look-alikes; experts' teaching marks. */
export const specimenBankRoutes: FastifyPluginAsyncTypebox<{ bank: SpecimenBankService }> = async (app, { bank }) => {
  app.addHook('onRequest', app.authenticate);

  app.route({
    ...endpoints.listBankTaxa,
    handler: async (request) => ({ items: await bank.listTaxa(actorOf(request), request.query) }),
  });

  app.route({
    ...endpoints.getBankEntry,
    handler: async (request) => {
      const { limit, offset } = request.query;
      return presentBankEntry(await bank.entry(actorOf(request), request.params.id, { limit, offset }), { limit, offset });
    },
  });

  app.route({
    ...endpoints.markBankSpecimen,
    handler: async (request) => presentTeachingMark(await bank.mark(actorOf(request), request.params.id, request.body)),
  });

  app.route({
    ...endpoints.clearBankSpecimenMark,
    handler: async (request, reply) => {
      await bank.clearMark(actorOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  });
};
