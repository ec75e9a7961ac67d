import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { endpoints } from '../contract/index.js';
import { actorOf } from '../http/authentication.js';
import { presentRoomQuiz } from '../presenters/quizzes.js';
import type { QuizService } from '../services/quiz.service.js';

/** Class quizzes (ADR 0029): a class's questions and answers, and a question's photo. The live part runs on `/rtc`. */
export const quizzesRoutes: FastifyPluginAsyncTypebox<{ quizzes: QuizService }> = async (app, { quizzes }) => {
  app.addHook('onRequest', app.authenticate);

  app.route({
    ...endpoints.listRoomQuizzes,
    handler: async (request) => {
      const { quizzes: asked, answers, everyone } = await quizzes.history(actorOf(request), request.params.id);
      return {
        items: asked.map(({ quiz, counts }) =>
          presentRoomQuiz(
            quiz,
            counts,
            answers.filter((answer) => answer.quizId === quiz.id),
            everyone,
          ),
        ),
      };
    },
  });

  app.route({
    ...endpoints.getQuizImage,
    handler: async (request, reply) => {
      const photo = await quizzes.photo(actorOf(request), request.params.id, request.params.quizId);
      // The same bytes for the question's lifetime; private: only the class may see them.
      return reply.header('content-type', 'image/jpeg').header('cache-control', 'private, max-age=3600').send(photo);
    },
  });
};
