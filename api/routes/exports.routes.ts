import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { endpoints } from '../contract/index.js';
import { actorOf } from '../http/authentication.js';
import { sendStoredFile } from '../http/send-stored-file.js';
import { presentExport } from '../presenters/exports.js';
import type { ExportService } from '../services/export.service.js';

/** Exports of surveillance queries (ADR 0021): requested as jobs, followed and downloaded by their requester only. */
export const exportsRoutes: FastifyPluginAsyncTypebox<{ exports: ExportService }> = async (app, { exports }) => {
  app.addHook('onRequest', app.authenticate);

  app.route({
    ...endpoints.createExport,
    handler: async (request, reply) => reply.status(202).send({ id: await exports.request(actorOf(request), request.body) }),
  });

  app.route({
    ...endpoints.listExports,
    handler: async (request) => ({ items: (await exports.list(actorOf(request))).map(presentExport) }),
  });

  app.route({
    ...endpoints.getExport,
    handler: async (request) => presentExport(await exports.get(actorOf(request), request.params.id)),
  });

  app.route({
    ...endpoints.exportFile,
    handler: async (request, reply) =>
      sendStoredFile(request, reply, await exports.file(actorOf(request), request.params.id), 'Export file'),
  });
};
