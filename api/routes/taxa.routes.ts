import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { endpoints } from '../contract/index.js';
import { actorOf } from '../http/authentication.js';
import { presentTaxon } from '../presenters/taxa.js';
import type { TaxonService } from '../services/taxon.service.js';

/** The curated taxa: searched in both languages and by synonym; the watch list, edited by administrators. */
export const taxaRoutes: FastifyPluginAsyncTypebox<{ taxa: TaxonService }> = async (app, { taxa }) => {
  app.addHook('onRequest', app.authenticate);

  app.route({
    ...endpoints.searchTaxa,
    handler: async (request) => ({ items: (await taxa.search(request.query)).map(presentTaxon) }),
  });

  app.route({
    ...endpoints.getTaxon,
    handler: async (request) => presentTaxon(await taxa.get(request.params.id)),
  });

  app.route({
    ...endpoints.updateTaxon,
    handler: async (request) => presentTaxon(await taxa.setWatchList(actorOf(request), request.params.id, request.body.watchList)),
  });
};
