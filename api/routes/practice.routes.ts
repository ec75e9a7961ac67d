import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { endpoints } from '../contract/index.js';
import { actorOf } from '../http/authentication.js';
import {
  practiceImageUrl,
  presentPracticeAnswer,
  presentPracticeProgress,
  presentPracticeSession,
  presentPracticeSessionSummary,
} from '../presenters/practice.js';
import type { PracticeService } from '../services/practice.service.js';

/** Trainees' self-study practice (ADR 0028): sets of photos to identify, one answer each, and their progress. */
export const practiceRoutes: FastifyPluginAsyncTypebox<{ practice: PracticeService }> = async (app, { practice }) => {
  app.addHook('onRequest', app.authenticate);

  app.route({
    ...endpoints.startPracticeSession,
    handler: async (request, reply) => {
      const { id, questionIds } = await practice.start(actorOf(request), request.body);
      return reply
        .status(201)
        .send({ id, questions: questionIds.map((questionId) => ({ id: questionId, imageUrl: practiceImageUrl(questionId) })) });
    },
  });

  app.route({
    ...endpoints.listPracticeSessions,
    handler: async (request) => ({ items: (await practice.list(actorOf(request))).map(presentPracticeSessionSummary) }),
  });

  app.route({
    ...endpoints.getPracticeSession,
    handler: async (request) => {
      const { session, questions } = await practice.get(actorOf(request), request.params.id);
      return presentPracticeSession(session, questions);
    },
  });

  app.route({
    ...endpoints.answerPracticeQuestion,
    handler: async (request) => presentPracticeAnswer(await practice.answer(actorOf(request), request.params.id, request.body.taxon)),
  });

  app.route({
    ...endpoints.practiceQuestionImage,
    handler: async (request, reply) => {
      const photo = await practice.photo(actorOf(request), request.params.id);
      // Made afresh on each request and kept by no cache: nothing about it outlives the question.
      return reply.header('cache-control', 'no-store').type('image/jpeg').send(photo);
    },
  });

  app.route({
    ...endpoints.practiceProgress,
    handler: async (request) => presentPracticeProgress(await practice.progress(actorOf(request))),
  });
};
