import { Type, type Static } from 'typebox';
import { QuizCount, QuizOption } from '../../rtc/protocol.js';
import { DateTime, errorResponses, Items, Nullable, PersonRef, Uuid } from './common.js';
import { endpoint } from './endpoint.js';

/** One trainee's answer to a class question. */
export const RoomQuizAnswer = Type.Object(
  {
    user: PersonRef,
    taxonId: Type.String(),
    correct: Nullable(Type.Boolean(), { description: 'null for a trainee until the question is revealed' }),
    answeredAt: DateTime,
  },
  { title: 'RoomQuizAnswer' },
);

/**
 * A question launched in a class (ADR 0029). The class's experts and administrators see the specimen, everyone's
 * answers and the counts; anybody else their own answers, and the right answer and counts once revealed.
 */
export const RoomQuiz = Type.Object(
  {
    id: Uuid,
    launchedBy: PersonRef,
    launchedAt: DateTime,
    closesAt: DateTime,
    revealedAt: Nullable(DateTime),
    options: Type.Array(QuizOption, { description: 'In the order trainees saw them' }),
    specimenId: Nullable(Uuid, { description: "The question's specimen: for the class's experts and administrators only" }),
    answer: Nullable(
      Type.Object({
        taxonId: Type.String(),
        nameZh: Type.String(),
        nameEn: Type.String(),
        lifeStage: Nullable(Type.String()),
        notes: Nullable(Type.String()),
      }),
      { description: 'The right answer, once revealed' },
    ),
    counts: Nullable(
      Type.Object({ perOption: Type.Array(QuizCount), answered: Type.Integer({ minimum: 0 }), correct: Type.Integer({ minimum: 0 }) }),
      { description: 'How the class answered: for its experts and administrators, for everyone once revealed' },
    ),
    answers: Type.Array(RoomQuizAnswer, { description: "Everyone's answers, or the caller's own" }),
  },
  { title: 'RoomQuiz' },
);

const QuizParams = Type.Object({ id: Uuid, quizId: Uuid });

export const quizEndpoints = {
  listRoomQuizzes: endpoint({
    method: 'GET',
    url: '/api/v1/rooms/:id/quizzes',
    schema: {
      operationId: 'listRoomQuizzes',
      tags: ['rooms'],
      summary: "A class's questions, oldest first, with the answers the caller may see",
      params: Type.Object({ id: Uuid }),
      response: { 200: Items(RoomQuiz), ...errorResponses(400, 401, 404) },
    },
  }),
  getQuizImage: endpoint({
    method: 'GET',
    url: '/api/v1/rooms/:id/quizzes/:quizId/image',
    schema: {
      operationId: 'getQuizImage',
      tags: ['rooms'],
      summary: "A class question's photo (JPEG, re-encoded without any metadata), for the class's presenter and enrolled trainees",
      params: QuizParams,
      response: { 200: Type.Unknown({ description: 'image/jpeg' }), ...errorResponses(400, 401, 403, 404) },
    },
  }),
};

export type RoomQuizAnswer = Static<typeof RoomQuizAnswer>;
export type RoomQuiz = Static<typeof RoomQuiz>;
