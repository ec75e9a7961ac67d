import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { endpoints } from '../contract/index.js';
import { actorOf } from '../http/authentication.js';
import { presentSpecimen } from '../presenters/index.js';
import { presentDetection, presentSimilar, presentTriageRule } from '../presenters/review.js';
import type { ReviewService } from '../services/review.service.js';
import type { SurveillanceFilterResolver } from '../services/surveillance-filters.js';
import type { TriageService } from '../services/triage.service.js';

export interface ReviewRoutesOptions {
  review: ReviewService;
  triage: TriageService;
  surveillanceFilters: SurveillanceFilterResolver;
}

/** Expert review: the queue, decisions, reference specimens, detections, and the triage rules behind the queue. */
export const reviewRoutes: FastifyPluginAsyncTypebox<ReviewRoutesOptions> = async (app, { review, triage, surveillanceFilters }) => {
  app.addHook('onRequest', app.authenticate);

  app.route({
    ...endpoints.reviewQueue,
    handler: async (request) => {
      const { queue, limit, offset } = request.query;
      const { items, total } = await review.queue(actorOf(request), queue, { limit, offset });
      return { items: items.map(presentSpecimen), total, limit, offset };
    },
  });

  app.route({
    ...endpoints.reviewSpecimen,
    handler: async (request, reply) => {
      const result = await review.review(actorOf(request), request.params.id, request.body);
      const detection = result.detectionId ? await review.detection(result.detectionId) : undefined;
      return reply.status(201).send({
        outcome: result.outcome,
        specimen: presentSpecimen(result.specimen),
        detection: detection ? presentDetection(detection) : null,
        alertId: result.alertId,
      });
    },
  });

  app.route({
    ...endpoints.similarSpecimens,
    handler: async (request) => ({ items: (await review.similar(actorOf(request), request.params.id)).map(presentSimilar) }),
  });

  app.route({
    ...endpoints.listDetections,
    handler: async (request) => {
      const { limit, offset, ...filters } = request.query;
      const { items, total } = await review.listDetections(actorOf(request), await surveillanceFilters.resolve(filters), { limit, offset });
      return { items: items.map(presentDetection), total, limit, offset };
    },
  });

  app.route({
    ...endpoints.listTriageRules,
    handler: async (request) => ({ items: (await triage.rules(actorOf(request))).map(presentTriageRule) }),
  });

  app.route({
    ...endpoints.updateTriageRule,
    handler: async (request) => presentTriageRule(await triage.updateRule(actorOf(request), request.params.code, request.body)),
  });
};
