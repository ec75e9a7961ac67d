import { QUIZ_OPTIONS, RTC_ERROR_CODES, type RtcErrorCode } from '../../rtc/protocol.js';
import type { QuizMaster, QuizSeat as RtcQuizSeat } from '../../rtc/quiz-signalling.js';
import { RequestRefused } from '../../rtc/request-refused.js';
import type { Actor } from '../domain/access.js';
import { AppError } from '../domain/errors.js';
import { presentQuizQuestion, presentQuizResult } from '../presenters/quizzes.js';
import type { QuizSeat, QuizService } from '../services/quiz.service.js';

/**
 * Class quizzes for the `/rtc` signalling (ADR 0029): rtc/'s questions answered by the QuizService. rtc/ hands back
 * the ticket admission issued as the seat, so the person it was issued to is remembered with it; the service's
 * refusals become the protocol's codes (`already_answered`, `quiz_closed` …).
 */
export class DatabaseQuizMaster implements QuizMaster {
  private readonly actors = new WeakMap<RtcQuizSeat, Actor>();

  constructor(private readonly quizzes: QuizService) {}

  /** Admission let `actor` in with this ticket. */
  seated(ticket: RtcQuizSeat, actor: Actor): void {
    this.actors.set(ticket, actor);
  }

  launch: QuizMaster['launch'] = (seat, request) =>
    refusals(async () =>
      presentQuizQuestion(await this.quizzes.launch(this.seatOf(seat), { ...request, options: request.options ?? QUIZ_OPTIONS.default })),
    );

  answer: QuizMaster['answer'] = (seat, { quizId, taxonId }) =>
    refusals(async () => {
      const receipt = await this.quizzes.answer(this.seatOf(seat), quizId, taxonId);
      return { ...receipt, answeredAt: receipt.answeredAt.toISOString() };
    });

  reveal: QuizMaster['reveal'] = (seat, quizId) =>
    refusals(async () => {
      const { quiz, counts } = await this.quizzes.reveal(this.seatOf(seat), quizId);
      return presentQuizResult(quiz, counts);
    });

  tally: QuizMaster['tally'] = async (roomId, quizId) => {
    const { counts } = await this.quizzes.tally(roomId, quizId);
    return { quizId, counts: counts.counts, answered: counts.answered };
  };

  current: QuizMaster['current'] = async (seat) => {
    const view = await this.quizzes.current(seat.userId, seat.roomId);
    if (!view) return null;
    const { quiz, yourAnswer, result } = view;
    return {
      question: presentQuizQuestion(quiz),
      yourAnswer,
      result: quiz.revealedAt && result ? presentQuizResult({ ...quiz, revealedAt: quiz.revealedAt }, result) : null,
    };
  };

  private seatOf(seat: RtcQuizSeat): QuizSeat {
    const actor = this.actors.get(seat);
    if (!actor) throw new Error(`no admitted person for ${seat.userId} in room ${seat.roomId}`);
    return { actor, roomId: seat.roomId, role: seat.role };
  }
}

/** The service's refusals as the protocol's: its own code where the protocol has it, else by the HTTP status. */
async function refusals<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof AppError) || error.statusCode >= 500) throw error;
    throw new RequestRefused(protocolCodeOf(error), error.message);
  }
}

function protocolCodeOf(error: AppError): RtcErrorCode {
  if ((RTC_ERROR_CODES as readonly string[]).includes(error.code)) return error.code as RtcErrorCode;
  return error.statusCode === 403 ? 'forbidden' : error.statusCode === 404 ? 'not_found' : 'bad_request';
}
