import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { endpoints } from '../contract/index.js';
import { actorOf } from '../http/authentication.js';
import { presentPort } from '../presenters/index.js';
import { presentLabDetail, presentUnitNode } from '../presenters/organisation.js';
import type { LabAdministrationService } from '../services/lab-administration.service.js';
import type { OrganisationService } from '../services/organisation.service.js';

/** The organisation (ADR 0025): its units and ports for everyone in scope; changes to them and to labs for administrators. */
export const organisationRoutes: FastifyPluginAsyncTypebox<{ organisation: OrganisationService; labs: LabAdministrationService }> = async (
  app,
  { organisation, labs },
) => {
  app.addHook('onRequest', app.authenticate);

  app.route({
    ...endpoints.listPorts,
    handler: async (request) => ({ items: (await organisation.ports(actorOf(request))).map(presentPort) }),
  });

  app.route({
    ...endpoints.createPort,
    handler: async (request, reply) => reply.status(201).send(presentPort(await organisation.createPort(actorOf(request), request.body))),
  });

  app.route({
    ...endpoints.updatePort,
    handler: async (request) => presentPort(await organisation.updatePort(actorOf(request), request.params.id, request.body)),
  });

  app.route({
    ...endpoints.listUnits,
    handler: async (request) => ({ items: (await organisation.unitTree(actorOf(request))).map(presentUnitNode) }),
  });

  app.route({
    ...endpoints.createUnit,
    handler: async (request, reply) =>
      reply.status(201).send(presentUnitNode(await organisation.createUnit(actorOf(request), request.body))),
  });

  app.route({
    ...endpoints.updateUnit,
    handler: async (request) => presentUnitNode(await organisation.renameUnit(actorOf(request), request.params.id, request.body)),
  });

  app.route({
    ...endpoints.listLabDetails,
    handler: async (request) => ({ items: (await labs.list(actorOf(request))).map(presentLabDetail) }),
  });

  app.route({
    ...endpoints.createLab,
    handler: async (request, reply) => reply.status(201).send(presentLabDetail(await labs.create(actorOf(request), request.body))),
  });

  app.route({
    ...endpoints.updateLab,
    handler: async (request) => presentLabDetail(await labs.update(actorOf(request), request.params.id, request.body)),
  });

  app.route({
    ...endpoints.addLabManager,
    handler: async (request) => presentLabDetail(await labs.addManager(actorOf(request), request.params.id, request.params.userId)),
  });

  app.route({
    ...endpoints.removeLabManager,
    handler: async (request) => presentLabDetail(await labs.removeManager(actorOf(request), request.params.id, request.params.userId)),
  });
};
