import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorOf } from '../http/authentication.js';
import { forbidden } from '../http/errors.js';
import { errorResponses, nullable } from '../http/schemas.js';
import type { ModelRegistryService } from '../services/model-registry.service.js';
import { SHADOW_CONFUSION_LIMIT, SHADOW_DISAGREEMENT_LIMIT, type ShadowComparisonService } from '../services/shadow-comparison.service.js';

export interface ModelsRoutesOptions {
  registry: ModelRegistryService;
  comparison: ShadowComparisonService;
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
const fraction = (description: string) => Type.Number({ minimum: 0, maximum: 1, description });
const ComparedAnswerSchema = Type.Object({ group: Type.String(), taxon: Type.String(), confidence: nullable(Type.Number({ minimum: 0, maximum: 1 })), rejected: Type.Boolean() });
const ShadowComparisonSchema = Type.Object({
  shadowModelKey: Type.String({ description: 'The shadow run\'s `model_key`: every version it consulted, `name@version` sorted and comma-joined' }),
  primaryModelKeys: Type.Array(Type.String(), { description: 'The `model_key`s of the primary answers it is compared with' }),
  specimens: Type.Integer({ minimum: 1, description: 'Specimens in scope with both a primary and this shadow answer' }),
  agreement: Type.Object(
    { taxon: fraction('Share of those specimens where both give the same taxon'), group: fraction('Share where both give the same group') },
    { description: 'Fractions, 0 to 1' },
  ),
  rejected: Type.Object({ primary: Type.Integer({ minimum: 0 }), shadow: Type.Integer({ minimum: 0 }) }, { description: 'Answers rejected as unknown' }),
  meanConfidence: Type.Object({ primary: nullable(Type.Number()), shadow: nullable(Type.Number()) }),
  disagreements: Type.Array(Type.Object({ specimenId: Type.String({ format: 'uuid' }), primary: ComparedAnswerSchema, shadow: ComparedAnswerSchema }), {
    description: `Specimens where group or taxon differ, newest shadow answer first, at most ${SHADOW_DISAGREEMENT_LIMIT}`,
  }),
  confusion: Type.Array(Type.Object({ primaryTaxon: Type.String(), shadowTaxon: Type.String(), count: Type.Integer({ minimum: 1 }) }), {
    description: `(primary taxon, shadow taxon) pairs that differ, most frequent first, at most ${SHADOW_CONFUSION_LIMIT}`,
  }),
});
const ShadowComparisonQuery = Type.Object(
  {
    shadowModel: Type.Optional(
      Type.String({ pattern: '^[a-z0-9-]+@[A-Za-z0-9._-]+$', maxLength: 130, description: '`name@version`: only shadow runs that consulted this version (default: every shadow model key)' }),
    ),
    since: Type.Optional(Type.String({ format: 'date-time', description: 'Only shadow answers recorded at or after this instant' })),
  },
  { additionalProperties: false },
);
const ModelParams = Type.Object({ name: Type.String({ pattern: '^[a-z0-9][a-z0-9-]*$', maxLength: 64 }), version: Type.String({ pattern: '^[A-Za-z0-9._-]+$', maxLength: 64 }) });

/** The model registry: what is on disk, verified, and which version serves (admins change it). */
export const modelsRoutes: FastifyPluginAsyncTypebox<ModelsRoutesOptions> = async (app, { registry, comparison }) => {
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

  // A static path: registered before the `/:name/...` routes, and find-my-way prefers static segments anyway.
  app.get(
    '/api/v1/models/shadow/comparison',
    {
      schema: {
        tags: ['models'],
        summary: 'Shadow answers compared with the primary answers on the same specimens, one item per shadow model key (experts and administrators)',
        description:
          'Every shadow AI answer on a specimen in the caller\'s scope is paired with the primary AI answer of the same run (the latest primary ' +
          'recorded at or before it). Agreement is the share of those specimens where both answers give the same taxon (or group).',
        querystring: ShadowComparisonQuery,
        response: { 200: Type.Object({ items: Type.Array(ShadowComparisonSchema) }), ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const { shadowModel, since } = request.query;
      return { items: await comparison.compare(actorOf(request), { shadowModel, since: since === undefined ? undefined : new Date(since) }) };
    },
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
