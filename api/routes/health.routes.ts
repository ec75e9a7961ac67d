import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { endpoints } from '../contract/index.js';
import type { ReadinessService } from '../services/readiness.service.js';

/** `/health`: the process answers. `/ready`: it can do its work (database, storage, job queue, models, workers). */
export const healthRoutes: FastifyPluginAsyncTypebox<{ readiness: ReadinessService }> = async (app, { readiness }) => {
  app.route({ ...endpoints.getHealth, handler: async () => ({ status: 'ok' as const }) });

  app.route({
    ...endpoints.getReadiness,
    handler: async (_request, reply) => {
      const checks = await readiness.checks();
      const ready = Object.values(checks).every((result) => result.ok);
      return ready ? { status: 'ready' as const, checks } : reply.status(503).send({ status: 'not_ready' as const, checks });
    },
  });
};
