import { Type, type Static } from 'typebox';
import { LIFE_STAGES, PRACTICE_DIFFICULTIES, VECTOR_GROUPS } from '../domain/vocabulary.js';
import { DateTime, errorResponses, FileResponses, Items, Nullable, Uuid } from './common.js';
import { endpoint } from './endpoint.js';
import { TaxonId } from './taxa.js';

/** The largest practice set. */
export const MAX_PRACTICE_SIZE = 50;

export const PracticeSessionRequest = Type.Object(
  {
    size: Type.Optional(
      Type.Integer({ minimum: 1, maximum: MAX_PRACTICE_SIZE, description: 'How many questions (required unless `assignmentId` is given)' }),
    ),
    groups: Type.Optional(
      Type.Array(Type.Enum(VECTOR_GROUPS), { maxItems: VECTOR_GROUPS.length, uniqueItems: true, description: 'Only these vector groups' }),
    ),
    taxa: Type.Optional(Type.Array(TaxonId, { maxItems: 20, uniqueItems: true, description: 'Only these taxa and everything below them' })),
    difficulty: Type.Optional(
      Type.Enum(PRACTICE_DIFFICULTIES, {
        description:
          '`gentle`: teaching examples first; `mixed` (default): some of everything; `hard`: look-alikes of the taxa the trainee ' +
          'confused first. Cards due for repetition come first in every difficulty',
      }),
    ),
    assignmentId: Type.Optional(
      Type.String({
        format: 'uuid',
        description: "A course assignment of kind `practice` of one of the trainee's courses: its size, groups and taxa replace the body's",
      }),
    ),
  },
  { title: 'PracticeSessionRequest', additionalProperties: false },
);

/** The expert's answer to a question: the confirmed taxon, the life stage and the confirming expert's notes. */
export const PracticeAnswerKey = Type.Object(
  { taxon: TaxonId, lifeStage: Nullable(Type.Enum(LIFE_STAGES)), notes: Nullable(Type.String()) },
  { title: 'PracticeAnswerKey' },
);

export const PracticeQuestion = Type.Object(
  {
    id: Uuid,
    imageUrl: Type.String({ description: 'The photo, without metadata; its address names the question only' }),
    given: Type.Optional(TaxonId),
    correct: Type.Optional(Type.Boolean()),
    answeredAt: Type.Optional(DateTime),
    answer: Type.Optional(PracticeAnswerKey),
  },
  {
    title: 'PracticeQuestion',
    description: 'Unanswered: its id and photo only. Answered: also what the trainee gave and the answer',
  },
);

export const PracticeSessionCreated = Type.Object(
  { id: Uuid, questions: Type.Array(Type.Object({ id: Uuid, imageUrl: Type.String() })) },
  { title: 'PracticeSessionCreated' },
);

const PracticeScore = {
  size: Type.Integer({ minimum: 1 }),
  answered: Type.Integer({ minimum: 0 }),
  correct: Type.Integer({ minimum: 0 }),
};

export const PracticeSessionSummary = Type.Object(
  {
    id: Uuid,
    ...PracticeScore,
    difficulty: Type.Enum(PRACTICE_DIFFICULTIES),
    groups: Type.Array(Type.Enum(VECTOR_GROUPS)),
    taxa: Type.Array(TaxonId),
    assignmentId: Nullable(Uuid),
    createdAt: DateTime,
    finishedAt: Nullable(DateTime),
  },
  { title: 'PracticeSessionSummary' },
);

export const PracticeSession = Type.Object(
  { ...PracticeSessionSummary.properties, questions: Type.Array(PracticeQuestion) },
  { title: 'PracticeSession' },
);

export const PracticeAnswerRequest = Type.Object({ taxon: TaxonId }, { title: 'PracticeAnswerRequest', additionalProperties: false });

export const PracticeAnswerResult = Type.Object(
  { correct: Type.Boolean(), answer: PracticeAnswerKey, sessionFinished: Type.Boolean() },
  { title: 'PracticeAnswerResult' },
);

const Accuracy = Type.Number({ minimum: 0, maximum: 1, description: 'correct / answered' });

export const PracticeTaxonProgress = Type.Object(
  {
    taxon: TaxonId,
    answered: Type.Integer({ minimum: 0 }),
    correct: Type.Integer({ minimum: 0 }),
    accuracy: Accuracy,
    box: Type.Integer({ minimum: 1, description: 'Leitner box: 1 after a wrong answer, one up after each right one' }),
    dueAt: DateTime,
  },
  { title: 'PracticeTaxonProgress' },
);

export const PracticeConfusion = Type.Object(
  {
    week: Type.String({ format: 'date', description: 'The Monday (UTC) of the week the answers were given' }),
    taxon: TaxonId,
    takenFor: TaxonId,
    count: Type.Integer({ minimum: 1 }),
  },
  { title: 'PracticeConfusion' },
);

export const PracticeProgress = Type.Object(
  {
    totals: Type.Object({
      sessions: Type.Integer({ minimum: 0 }),
      finishedSessions: Type.Integer({ minimum: 0 }),
      answered: Type.Integer({ minimum: 0 }),
      correct: Type.Integer({ minimum: 0 }),
      accuracy: Nullable(Accuracy),
    }),
    taxa: Type.Array(PracticeTaxonProgress, { description: 'Per taxon, the soonest due first' }),
    confusions: Type.Array(PracticeConfusion, { description: 'Wrong answers per week, oldest week first' }),
  },
  { title: 'PracticeProgress' },
);

const IdParams = Type.Object({ id: Uuid });

export const practiceEndpoints = {
  startPracticeSession: endpoint({
    method: 'POST',
    url: '/api/v1/practice/sessions',
    schema: {
      operationId: 'startPracticeSession',
      tags: ['practice'],
      summary: 'Start a practice set (trainees): questions drawn from confirmed specimens in scope',
      description:
        'The questions carry a photo address only — no taxon, no specimen or image id. 422 `not_enough_specimens` (details: ' +
        '`available`) when fewer specimens match than asked for; 422 `unknown_taxon`; 404 for an assignment not the ' +
        "trainee's, 422 `not_a_practice_assignment` for a class assignment.",
      body: PracticeSessionRequest,
      response: { 201: PracticeSessionCreated, ...errorResponses(400, 401, 403, 404, 422) },
    },
  }),
  listPracticeSessions: endpoint({
    method: 'GET',
    url: '/api/v1/practice/sessions',
    schema: {
      operationId: 'listPracticeSessions',
      tags: ['practice'],
      summary: "The trainee's practice sets with their scores, newest first (the last 100)",
      response: { 200: Items(PracticeSessionSummary), ...errorResponses(401, 403) },
    },
  }),
  getPracticeSession: endpoint({
    method: 'GET',
    url: '/api/v1/practice/sessions/:id',
    schema: {
      operationId: 'getPracticeSession',
      tags: ['practice'],
      summary: 'A practice set of the trainee, its answered questions with their answers',
      params: IdParams,
      response: { 200: PracticeSession, ...errorResponses(400, 401, 403, 404) },
    },
  }),
  answerPracticeQuestion: endpoint({
    method: 'POST',
    url: '/api/v1/practice/questions/:id/answer',
    schema: {
      operationId: 'answerPracticeQuestion',
      tags: ['practice'],
      summary: "Answer a question once: whether it was right, and the expert's answer and notes",
      description: "409 `already_answered` for a second answer; 422 `unknown_taxon`. Moves the taxon's spaced-repetition card.",
      params: IdParams,
      body: PracticeAnswerRequest,
      response: { 200: PracticeAnswerResult, ...errorResponses(400, 401, 403, 404, 409, 422) },
    },
  }),
  practiceQuestionImage: endpoint({
    method: 'GET',
    url: '/api/v1/practice/questions/:id/image',
    schema: {
      operationId: 'practiceQuestionImage',
      tags: ['practice'],
      summary: "A question's photo: re-encoded JPEG without metadata, not cached",
      params: IdParams,
      response: { 200: FileResponses[200], ...errorResponses(400, 401, 403, 404) },
    },
  }),
  practiceProgress: endpoint({
    method: 'GET',
    url: '/api/v1/practice/progress',
    schema: {
      operationId: 'practiceProgress',
      tags: ['practice'],
      summary: "The trainee's scores, accuracy per taxon with its repetition card, and confusions per week",
      response: { 200: PracticeProgress, ...errorResponses(401, 403) },
    },
  }),
};

export type PracticeSessionRequest = Static<typeof PracticeSessionRequest>;
export type PracticeSessionCreated = Static<typeof PracticeSessionCreated>;
export type PracticeSessionSummary = Static<typeof PracticeSessionSummary>;
export type PracticeSession = Static<typeof PracticeSession>;
export type PracticeQuestion = Static<typeof PracticeQuestion>;
export type PracticeAnswerKey = Static<typeof PracticeAnswerKey>;
export type PracticeAnswerResult = Static<typeof PracticeAnswerResult>;
export type PracticeProgress = Static<typeof PracticeProgress>;
export type PracticeTaxonProgress = Static<typeof PracticeTaxonProgress>;
export type PracticeConfusion = Static<typeof PracticeConfusion>;
