import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { endpoints } from '../contract/index.js';
import { actorOf } from '../http/authentication.js';
import { presentPort, presentUnit } from '../presenters/index.js';
import type { OrganisationService } from '../services/organisation.service.js';

export const portsRoutes: FastifyPluginAsyncTypebox<{ organisation: OrganisationService }> = async (app, { organisation }) => {
  app.route({
    ...endpoints.listPorts,
    onRequest: app.authenticate,
    handler: async (request) => ({ items: (await organisation.ports(actorOf(request))).map(presentPort) }),
  });
  app.route({
    ...endpoints.listUnits,
    onRequest: app.authenticate,
    handler: async (request) => ({ items: (await organisation.units(actorOf(request))).map(presentUnit) }),
  });
};
