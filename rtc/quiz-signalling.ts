import type { Namespace } from 'socket.io';
import { canAnswerQuiz, canRunQuiz, PermissionDenied, type PermissionSubject } from './permissions.js';
import type { RtcClientToServerEvents, RtcServerToClientEvents } from './protocol.js';
import type {
  AnswerQuizRequest,
  LaunchQuizRequest,
  QuizAnswerReceipt,
  QuizQuestion,
  QuizResult,
  QuizSnapshot,
  QuizTally,
} from './quiz-protocol.js';
import { RequestRefused } from './request-refused.js';
import type { Room } from './room.js';

/** Who asks: the room and the person as admission vouched for them (the very ticket it issued, so the API may know it again). */
export interface QuizSeat {
  roomId: string;
  userId: string;
  role: PermissionSubject['role'];
}

/**
 * Where class quizzes are decided and kept: the API's database (ADR 0029). It refuses with {@link RequestRefused}
 * (an unknown specimen, an answer already given, a question closed …); what it accepts, the signalling tells the room.
 */
export interface QuizMaster {
  launch(seat: QuizSeat, request: LaunchQuizRequest): Promise<QuizQuestion>;
  answer(seat: QuizSeat, request: AnswerQuizRequest): Promise<QuizAnswerReceipt>;
  reveal(seat: QuizSeat, quizId: string): Promise<QuizResult>;
  /** The answers to a question so far, per option in the options' order. */
  tally(roomId: string, quizId: string): Promise<Omit<QuizTally, 'present'>>;
  /** The room's open question, or the last one revealed, as this person sees it (without the presenter's tally). */
  current(seat: QuizSeat): Promise<Omit<QuizSnapshot, 'tally'> | null>;
}

type RtcNamespace = Namespace<RtcClientToServerEvents, RtcServerToClientEvents>;

export const roomChannel = (roomId: string) => `room:${roomId}`;
/** The sockets of a room's hosts: the live tally goes to them only. */
export const hostChannel = (roomId: string) => `room:${roomId}:hosts`;

/**
 * The live side of class quizzes: checks who may launch, answer and reveal (rtc/permissions.ts), hands the request to
 * the {@link QuizMaster}, and tells the room — the question to everyone, the tally to the hosts after each answer (and
 * each arrival or departure while a question is open), the result to everyone.
 */
export class ClassQuizzes {
  /** The open question of each live room of this process, for the tally on arrivals and departures. */
  private readonly openQuestions = new Map<string, string>();
  /** Tallies being counted, by question: a request that lands meanwhile asks for one more count after it. */
  private readonly counting = new Map<string, { again: boolean }>();

  constructor(
    private readonly namespace: RtcNamespace,
    private readonly master: QuizMaster,
    private readonly log?: { warn(details: object, message: string): void },
  ) {}

  /** Follows a room that opened: who is present counts in its tally. */
  watch(room: Room): void {
    const presenceChanged = () => {
      const quizId = this.openQuestions.get(room.id);
      if (quizId) this.recount(room, quizId);
    };
    room.on('peer-joined', presenceChanged);
    room.on('peer-left', presenceChanged);
    room.once('closed', () => this.openQuestions.delete(room.id));
  }

  async launch(room: Room, seat: QuizSeat, request: LaunchQuizRequest): Promise<QuizQuestion> {
    this.mayRun(room, 'launch a question');
    assertAllowed(canRunQuiz({ kind: room.kind, role: seat.role }), 'only the presenter launches questions');
    const question = await this.master.launch(seat, request);
    this.openQuestions.set(room.id, question.quizId);
    this.namespace.to(roomChannel(room.id)).emit('quizLaunched', question);
    this.recount(room, question.quizId);
    return question;
  }

  async answer(room: Room, seat: QuizSeat, request: AnswerQuizRequest): Promise<QuizAnswerReceipt> {
    this.mayRun(room, 'answer a question');
    assertAllowed(canAnswerQuiz({ kind: room.kind, role: seat.role }), "the class's trainees answer its questions");
    const receipt = await this.master.answer(seat, request);
    this.recount(room, receipt.quizId);
    return receipt;
  }

  async reveal(room: Room, seat: QuizSeat, quizId: string): Promise<QuizResult> {
    this.mayRun(room, 'reveal a question');
    assertAllowed(canRunQuiz({ kind: room.kind, role: seat.role }), 'only the presenter reveals the answer');
    const result = await this.master.reveal(seat, quizId);
    if (this.openQuestions.get(room.id) === quizId) this.openQuestions.delete(room.id);
    this.namespace.to(roomChannel(room.id)).emit('quizRevealed', result);
    return result;
  }

  /** The join answer's question: the open one (with the tally for a host) or the last revealed; null in a consultation. */
  async snapshot(room: Room, seat: QuizSeat): Promise<QuizSnapshot | null> {
    if (room.kind !== 'class') return null;
    const current = await this.master.current(seat);
    if (!current) return null;
    const open = current.result === null;
    if (open) this.openQuestions.set(room.id, current.question.quizId);
    const tally = open && canRunQuiz({ kind: room.kind, role: seat.role }) ? await this.tallyOf(room, current.question.quizId) : null;
    return { ...current, tally };
  }

  private mayRun(room: Room, what: string): void {
    if (room.kind !== 'class') throw new RequestRefused('not_a_class', `quizzes are run in classes: you cannot ${what} in a consultation`);
  }

  private async tallyOf(room: Room, quizId: string): Promise<QuizTally> {
    const counted = await this.master.tally(room.id, quizId);
    const trainees = new Set(
      [...room.peers.values()].filter((peer) => peer.identity.role === 'trainee').map((peer) => peer.identity.userId),
    );
    return { ...counted, present: trainees.size };
  }

  /**
   * Sends the hosts a fresh tally. Counts of one question never overlap: an answer that lands while one is being
   * counted asks for another count after it, so the last tally the hosts get counts every answer stored.
   */
  private recount(room: Room, quizId: string): void {
    const running = this.counting.get(quizId);
    if (running) {
      running.again = true;
      return;
    }
    const state = { again: false };
    this.counting.set(quizId, state);
    void (async () => {
      try {
        do {
          state.again = false;
          const tally = await this.tallyOf(room, quizId);
          this.namespace.to(hostChannel(room.id)).emit('quizTally', tally);
        } while (state.again);
      } catch (error) {
        this.log?.warn({ err: error, room: room.id, quizId }, 'could not count the answers to a question');
      } finally {
        this.counting.delete(quizId);
      }
    })();
  }
}

function assertAllowed(allowed: boolean, message: string): void {
  if (!allowed) throw new PermissionDenied(message);
}
