import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { scopeOf } from '../domain/access.js';
import { actorOf } from '../http/authentication.js';
import { presentPort } from '../http/presenters.js';
import { errorResponses, PortSchema } from '../http/schemas.js';
import type { OrganisationRepository } from '../repositories/organisation.repository.js';

export const portsRoutes: FastifyPluginAsyncTypebox<{ organisation: OrganisationRepository }> = async (app, { organisation }) => {
  app.get(
    '/api/v1/ports',
    {
      preHandler: app.authenticate,
      schema: {
        tags: ['organisation'],
        summary: 'Ports in the caller\'s part of the organisation',
        response: { 200: Type.Object({ items: Type.Array(PortSchema) }), ...errorResponses(401) },
      },
    },
    async (request) => {
      const ports = await organisation.listPortsInScope(scopeOf(actorOf(request)));
      return { items: ports.map(presentPort) };
    },
  );
};
