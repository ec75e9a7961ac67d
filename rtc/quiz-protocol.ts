/**
 * Class quizzes on `/rtc` (ADR 0029): the shapes of the question trainees see, the presenter's live tally and the
 * revealed result. Part of the `/rtc` protocol (protocol.ts declares the requests and notifications that carry them).
 *
 * What trainees receive before the reveal names the options only: never the right answer, the specimen or its image.
 */
import { Type, type Static } from 'typebox';

const TaxonId = Type.String({ minLength: 1, maxLength: 200 });
const QuizId = Type.String({ minLength: 1, maxLength: 64 });
const Count = Type.Integer({ minimum: 0 });

/** Longest and shortest time a question may stay open, and how many options it may offer. */
export const QUIZ_SECONDS = { minimum: 5, maximum: 600 } as const;
export const QUIZ_OPTIONS = { minimum: 2, maximum: 8, default: 4 } as const;

export const QuizOption = Type.Object({ taxonId: TaxonId, nameZh: Type.String(), nameEn: Type.String() }, { title: 'QuizOption' });
export type QuizOption = Static<typeof QuizOption>;

/** A launched question as everyone in the class sees it: the photo, the options in the order shown, the time left. */
export const QuizQuestion = Type.Object(
  {
    quizId: QuizId,
    imageUrl: Type.String({ description: 'The photo without metadata, for the class host and its enrolled trainees' }),
    options: Type.Array(QuizOption, { minItems: QUIZ_OPTIONS.minimum, maxItems: QUIZ_OPTIONS.maximum }),
    launchedAt: Type.String({ format: 'date-time' }),
    closesAt: Type.String({ format: 'date-time' }),
    remainingMs: Type.Integer({
      minimum: 0,
      description: "Time left when the server sent this: count down from it, whatever the client's clock",
    }),
  },
  { title: 'QuizQuestion' },
);
export type QuizQuestion = Static<typeof QuizQuestion>;

export const QuizCount = Type.Object({ taxonId: TaxonId, count: Count });
export type QuizCount = Static<typeof QuizCount>;

/** The presenter's live view of an open question: answers per option (in the options' order), how many answered, who is here. */
export const QuizTally = Type.Object(
  {
    quizId: QuizId,
    counts: Type.Array(QuizCount),
    answered: Count,
    present: Type.Integer({ minimum: 0, description: 'Trainees in the room now' }),
  },
  { title: 'QuizTally' },
);
export type QuizTally = Static<typeof QuizTally>;

/** The revealed question: the right answer with the expert's notes, the answers per option and how many were right. */
export const QuizResult = Type.Object(
  {
    quizId: QuizId,
    answer: Type.Object({
      taxonId: TaxonId,
      nameZh: Type.String(),
      nameEn: Type.String(),
      lifeStage: Type.Union([Type.String(), Type.Null()]),
      notes: Type.Union([Type.String(), Type.Null()]),
    }),
    counts: Type.Array(QuizCount),
    answered: Count,
    correct: Count,
    revealedAt: Type.String({ format: 'date-time' }),
  },
  { title: 'QuizResult' },
);
export type QuizResult = Static<typeof QuizResult>;

/**
 * The room's current question in the join answer: the open one, or the last one revealed. A trainee finds their own
 * answer in it after a reconnection; the presenter finds the tally while it is open.
 */
export const QuizSnapshot = Type.Object(
  {
    question: QuizQuestion,
    yourAnswer: Type.Union([TaxonId, Type.Null()], { description: "The joining trainee's answer, if they gave one" }),
    result: Type.Union([QuizResult, Type.Null()], { description: 'Set once revealed' }),
    tally: Type.Union([QuizTally, Type.Null()], { description: 'The presenter only, while the question is open' }),
  },
  { title: 'QuizSnapshot' },
);
export type QuizSnapshot = Static<typeof QuizSnapshot>;

export const LaunchQuizRequest = Type.Object({
  specimenId: Type.String({ format: 'uuid' }),
  imageId: Type.Optional(Type.String({ format: 'uuid', description: "One of the specimen's photos (default: its first)" })),
  seconds: Type.Integer(QUIZ_SECONDS),
  options: Type.Optional(Type.Integer({ ...QUIZ_OPTIONS, description: 'How many taxa to choose from, the right one among look-alikes' })),
});
export type LaunchQuizRequest = Static<typeof LaunchQuizRequest>;

export const AnswerQuizRequest = Type.Object({ quizId: QuizId, taxonId: TaxonId });
export type AnswerQuizRequest = Static<typeof AnswerQuizRequest>;

/** What a trainee's accepted answer acknowledges: their choice, as stored. */
export const QuizAnswerReceipt = Type.Object({ quizId: QuizId, taxonId: TaxonId, answeredAt: Type.String({ format: 'date-time' }) });
export type QuizAnswerReceipt = Static<typeof QuizAnswerReceipt>;

/** Why a quiz request was refused (besides `bad_request` and `forbidden`): stable codes the client tells apart. */
export const QUIZ_ERROR_CODES = [
  'not_a_class',
  'not_found',
  'not_confirmed',
  'specimen_hidden',
  'no_look_alikes',
  'quiz_open',
  'quiz_closed',
  'already_answered',
  'already_revealed',
  'not_an_option',
] as const;
export type QuizErrorCode = (typeof QUIZ_ERROR_CODES)[number];
