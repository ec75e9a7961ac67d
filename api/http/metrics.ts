import type {} from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import fastifyPlugin from 'fastify-plugin';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { DomainEventBus } from '../domain/events.js';

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Registry;
  }
}

/**
 * Prometheus metrics at `/metrics`. Each app owns its registry (no global state), so several
 * apps can live in one process — as they do in tests.
 */
export const metrics = fastifyPlugin(async (app: FastifyInstance, { events }: { events: DomainEventBus }) => {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'vectordesk_' });
  const requestDuration = new Histogram({
    name: 'vectordesk_http_request_duration_seconds',
    help: 'HTTP request duration by route and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const specimensSubmitted = new Counter({
    name: 'vectordesk_specimens_submitted_total',
    help: 'Specimens submitted, by port',
    labelNames: ['port'] as const,
    registers: [registry],
  });
  events.on('specimen.created', (specimen) => specimensSubmitted.inc({ port: specimen.port.code }));

  app.decorate('metrics', registry);
  app.addHook('onResponse', async (request, reply) => {
    // Unmatched URLs share one label so scanners cannot blow up the series count.
    const route = request.routeOptions.url ?? 'unmatched';
    requestDuration.observe({ method: request.method, route, status_code: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) =>
    reply.type(registry.contentType).send(await registry.metrics()),
  );
});
