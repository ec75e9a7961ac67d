import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { BackgroundLane } from '../services/background-lane.js';

/**
 * Counts every request from its arrival until it is answered or its connection closes, whichever comes first, as
 * work the background lane gives way to.
 */
export function answeringKeepsBackgroundBack(app: FastifyInstance, lane: BackgroundLane): void {
  const ends = new WeakMap<FastifyRequest, () => void>();
  app.addHook('onRequest', async (request, reply) => {
    const end = lane.requestStarted();
    ends.set(request, end);
    reply.raw.once('close', end);
  });
  app.addHook('onResponse', async (request) => ends.get(request)?.());
}
