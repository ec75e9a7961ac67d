import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { endpoints } from '../contract/index.js';
import { actorOf } from '../http/authentication.js';
import type { ModelRegistryService } from '../services/model-registry.service.js';
import type { RetrainService } from '../services/retrain.service.js';
import type { ShadowComparisonService } from '../services/shadow-comparison.service.js';

export interface ModelsRoutesOptions {
  registry: ModelRegistryService;
  retraining: RetrainService;
  comparison: ShadowComparisonService;
}

/** The model registry: what is on disk, verified, and which version serves (admins change it). */
export const modelsRoutes: FastifyPluginAsyncTypebox<ModelsRoutesOptions> = async (app, { registry, retraining, comparison }) => {
  app.addHook('onRequest', app.authenticate);
  const present = (items: Awaited<ReturnType<ModelRegistryService['list']>>) => ({
    items: items.map(({ directory: _directory, ...model }) => model),
  });

  app.route({ ...endpoints.listModels, handler: async () => present(await registry.list()) });

  // A static path: registered before the `/:name/...` routes, and find-my-way prefers static segments anyway.
  app.route({
    ...endpoints.getShadowComparison,
    handler: async (request) => {
      const { shadowModel, since } = request.query;
      return {
        items: await comparison.compare(actorOf(request), { shadowModel, since: since === undefined ? undefined : new Date(since) }),
      };
    },
  });

  app.route({
    ...endpoints.listRetrainJobs,
    handler: async (request) => ({ items: (await retraining.list(actorOf(request))).map(presentRetrainJob) }),
  });

  app.route({
    ...endpoints.getRetrainJob,
    handler: async (request) => presentRetrainJob(await retraining.get(actorOf(request), request.params.id)),
  });

  app.route({
    ...endpoints.retrainModel,
    handler: async (request, reply) => {
      const job = await retraining.request(actorOf(request), request.params.name, request.body);
      return reply.code(202).send(presentRetrainJob(job));
    },
  });

  app.route({
    ...endpoints.activateModel,
    handler: async (request) => present(await registry.activate(actorOf(request), request.params.name, request.params.version)),
  });

  app.route({
    ...endpoints.startShadowModel,
    handler: async (request) => present(await registry.setShadow(actorOf(request), request.params.name, request.params.version)),
  });

  app.route({
    ...endpoints.stopShadowModel,
    handler: async (request) => present(await registry.setShadow(actorOf(request), request.params.name, null)),
  });
};

function presentRetrainJob({ createdAt, startedAt, finishedAt, ...job }: Awaited<ReturnType<RetrainService['get']>>) {
  return {
    ...job,
    createdAt: createdAt.toISOString(),
    startedAt: startedAt?.toISOString() ?? null,
    finishedAt: finishedAt?.toISOString() ?? null,
  };
}
