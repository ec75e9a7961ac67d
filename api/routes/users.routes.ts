import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { endpoints } from '../contract/index.js';
import { actorOf } from '../http/authentication.js';
import { presentUserAccount } from '../presenters/users.js';
import type { PeopleService } from '../services/people.service.js';
import type { UserAdministrationService } from '../services/user-administration.service.js';

/** The user lookup (people in the caller's scope by name or username) and the administration of accounts. */
export const usersRoutes: FastifyPluginAsyncTypebox<{ people: PeopleService; accounts: UserAdministrationService }> = async (
  app,
  { people, accounts },
) => {
  app.addHook('onRequest', app.authenticate);

  app.route({
    ...endpoints.lookupUsers,
    handler: async (request) => {
      const { q, role, limit } = request.query;
      return { items: await people.lookup(actorOf(request), { text: q ?? '', role, limit }) };
    },
  });

  app.route({
    ...endpoints.listUserAccounts,
    handler: async (request) => {
      const { items, total } = await accounts.list(actorOf(request), request.query);
      return { items: items.map(presentUserAccount), total, limit: request.query.limit, offset: request.query.offset };
    },
  });

  app.route({
    ...endpoints.createUser,
    handler: async (request, reply) => reply.status(201).send(presentUserAccount(await accounts.create(actorOf(request), request.body))),
  });

  app.route({
    ...endpoints.updateUser,
    handler: async (request) => presentUserAccount(await accounts.update(actorOf(request), request.params.id, request.body)),
  });
};
