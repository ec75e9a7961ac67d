import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { endpoints } from '../contract/index.js';
import { actorOf } from '../http/authentication.js';
import { sendStoredFile } from '../http/send-stored-file.js';
import { presentSnapshot, presentSnapshotDetail } from '../presenters/datasets.js';
import type { DatasetSnapshotService } from '../services/dataset-snapshot.service.js';

/** Dataset snapshots of confirmed specimens (ADR 0031): taken, listed, shown and downloaded by administrators. */
export const datasetsRoutes: FastifyPluginAsyncTypebox<{ snapshots: DatasetSnapshotService }> = async (app, { snapshots }) => {
  app.addHook('onRequest', app.authenticate);

  app.route({
    ...endpoints.createDatasetSnapshot,
    handler: async (request, reply) =>
      reply.status(201).send(presentSnapshotDetail(await snapshots.create(actorOf(request), request.body))),
  });

  app.route({
    ...endpoints.listDatasetSnapshots,
    handler: async (request) => ({ items: (await snapshots.list(actorOf(request))).map(presentSnapshot) }),
  });

  app.route({
    ...endpoints.getDatasetSnapshot,
    handler: async (request) => presentSnapshotDetail(await snapshots.get(actorOf(request), request.params.id)),
  });

  app.route({
    ...endpoints.datasetSnapshotManifest,
    handler: async (request, reply) =>
      sendStoredFile(request, reply, await snapshots.manifest(actorOf(request), request.params.id), 'Snapshot manifest'),
  });
};
