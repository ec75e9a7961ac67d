import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { endpoints } from '../contract/index.js';
import { actorOf } from '../http/authentication.js';
import type { PeopleService } from '../services/people.service.js';

/** The user lookup: people in the caller's scope by name or username. */
export const usersRoutes: FastifyPluginAsyncTypebox<{ people: PeopleService }> = async (app, { people }) => {
  app.addHook('onRequest', app.authenticate);

  app.route({
    ...endpoints.lookupUsers,
    handler: async (request) => {
      const { q, role, limit } = request.query;
      return { items: await people.lookup(actorOf(request), { text: q ?? '', role, limit }) };
    },
  });
};
