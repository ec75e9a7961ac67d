import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorOf } from '../http/authentication.js';
import { forbidden } from '../http/errors.js';
import { errorResponses, nullable } from '../http/schemas.js';
import type { ModelRegistryService } from '../services/model-registry.service.js';

export interface ModelsRoutesOptions {
  registry: ModelRegistryService;
}

const ModelSchema = Type.Object({
  name: Type.String(),
  version: Type.String(),
  ref: Type.String({ description: '`name@version`' }),
  verified: Type.Boolean({ description: 'The card is valid and model.onnx matches its sha256' }),
  error: nullable(Type.String()),
  task: nullable(Type.Enum(['group', 'species'])),
  parentLabel: nullable(Type.String()),
  sha256: nullable(Type.String()),
  onnxBytes: nullable(Type.Integer()),
  metrics: nullable(
    Type.Object(
      { top1: Type.Optional(Type.Number()), top3: Type.Optional(Type.Number()), ece: Type.Optional(Type.Number()), rejectionAuroc: Type.Optional(nullable(Type.Number())) },
      { description: 'Held-out test metrics from the model card' },
    ),
  ),
  active: Type.Boolean(),
  shadow: Type.Boolean(),
});
const ModelListSchema = Type.Object({ items: Type.Array(ModelSchema) });
const ModelParams = Type.Object({ name: Type.String({ pattern: '^[a-z0-9][a-z0-9-]*$', maxLength: 64 }), version: Type.String({ pattern: '^[A-Za-z0-9._-]+$', maxLength: 64 }) });

/** The model registry: what is on disk, verified, and which version serves (admins change it). */
export const modelsRoutes: FastifyPluginAsyncTypebox<ModelsRoutesOptions> = async (app, { registry }) => {
  app.addHook('preHandler', app.authenticate);
  const requireAdmin = (request: Parameters<typeof actorOf>[0]) => {
    if (actorOf(request).role !== 'admin') throw forbidden('Only administrators can change which model versions serve');
  };
  const present = (items: Awaited<ReturnType<ModelRegistryService['list']>>) => ({ items: items.map(({ directory: _directory, ...model }) => model) });

  app.get(
    '/api/v1/models',
    { schema: { tags: ['models'], summary: 'Model packages found, verified, with their card metrics and which version is active', response: { 200: ModelListSchema, ...errorResponses(401) } } },
    async () => present(await registry.list()),
  );

  app.post(
    '/api/v1/models/:name/:version/activate',
    {
      schema: {
        tags: ['models'],
        summary: 'Serve this version from the next batch on (no request fails during the swap); all processes follow within seconds',
        params: ModelParams,
        response: { 200: ModelListSchema, ...errorResponses(400, 401, 403, 404, 422, 503) },
      },
    },
    async (request) => {
      requireAdmin(request);
      return present(await registry.activate(request.params.name, request.params.version));
    },
  );

  app.post(
    '/api/v1/models/:name/:version/shadow',
    {
      schema: {
        tags: ['models'],
        summary: 'Also run this version on every input and record its answers for comparison, without affecting results',
        params: ModelParams,
        response: { 200: ModelListSchema, ...errorResponses(400, 401, 403, 404, 422, 503) },
      },
    },
    async (request) => {
      requireAdmin(request);
      return present(await registry.setShadow(request.params.name, request.params.version));
    },
  );

  app.delete(
    '/api/v1/models/:name/shadow',
    {
      schema: {
        tags: ['models'],
        summary: 'Stop running a shadow version of this model',
        params: Type.Object({ name: ModelParams.properties.name }),
        response: { 200: ModelListSchema, ...errorResponses(400, 401, 403, 503) },
      },
    },
    async (request) => {
      requireAdmin(request);
      return present(await registry.setShadow(request.params.name, null));
    },
  );
};
