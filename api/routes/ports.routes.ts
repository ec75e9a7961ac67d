import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { endpoints } from '../contract/index.js';
import { actorOf } from '../http/authentication.js';
import { presentPort } from '../presenters/index.js';
import type { OrganisationService } from '../services/organisation.service.js';

export const portsRoutes: FastifyPluginAsyncTypebox<{ organisation: OrganisationService }> = async (app, { organisation }) => {
  app.route({
    ...endpoints.listPorts,
    onRequest: app.authenticate,
    handler: async (request) => ({ items: (await organisation.ports(actorOf(request))).map(presentPort) }),
  });
};
