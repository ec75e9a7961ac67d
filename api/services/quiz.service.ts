import { scopeOf, type Actor } from '../domain/access.js';
import { conflict, forbidden, notFound, unprocessable } from '../domain/errors.js';
import { countsInOrder, optionOrder, type QuizAnswerRecord, type QuizCounts, type QuizRecord } from '../domain/quiz.js';
import type { RoomRecord } from '../domain/room.js';
import type { RoomRole } from '../domain/vocabulary.js';
import { recordAudit } from '../repositories/audit.repository.js';
import type { LookAlikeRepository } from '../repositories/look-alike.repository.js';
import type { QuizRepository } from '../repositories/quiz.repository.js';
import type { SpecimenRepository } from '../repositories/specimen.repository.js';
import { anonymousPhoto } from '../storage/anonymous-photo.js';
import type { DecodeBudget } from '../storage/decode-budget.js';
import type { ImageStore } from '../storage/image-store.js';
import type { RoomService } from './room.service.js';

export interface QuizLaunch {
  specimenId: string;
  imageId?: string | undefined;
  seconds: number;
  /** How many taxa to choose from, the right one included. */
  options: number;
}

/** A person in a live class, as the room's admission decided (ADR 0009): who, in which room, as what. */
export interface QuizSeat {
  actor: Actor;
  roomId: string;
  role: RoomRole;
}

/** The room's current question as one person sees it. */
export interface QuizView {
  quiz: QuizRecord;
  yourAnswer: string | null;
  /** The counts once revealed; null while it is open. */
  result: QuizCounts | null;
}

/** A room's questions as the caller may see them: everything for its experts and administrators, else their own answers. */
export interface QuizHistory {
  quizzes: { quiz: QuizRecord; counts: QuizCounts }[];
  answers: QuizAnswerRecord[];
  /** Whether the answers are everyone's (the class's experts and administrators) or the caller's own. */
  everyone: boolean;
}

/**
 * Class quizzes (ADR 0029): the host launches a question about a confirmed specimen in their scope, the class's
 * trainees answer it once before it closes, the host reveals the right answer. Live requests arrive through the room's
 * signalling (its admission decided the seat); the record and the question photo through HTTP.
 */
export class QuizService {
  constructor(
    private readonly rooms: RoomService,
    private readonly quizzes: QuizRepository,
    private readonly specimens: SpecimenRepository,
    private readonly lookAlikes: LookAlikeRepository,
    private readonly photos: { store: ImageStore; decodes: DecodeBudget },
  ) {}

  async launch({ actor, roomId, role }: QuizSeat, request: QuizLaunch): Promise<QuizRecord> {
    const room = await this.liveClass(actor, roomId);
    if (role !== 'host') throw forbidden("Only the class's presenter launches questions");
    const specimen = await this.specimens.findInScope(request.specimenId, scopeOf(actor));
    if (!specimen) throw notFound('Specimen');
    if (specimen.status !== 'confirmed') throw unprocessable('not_confirmed', 'Questions are asked about confirmed specimens only');
    const lesson = await this.quizzes.lessonOf(specimen.id);
    if (!lesson) throw unprocessable('not_confirmed', 'This specimen has no confirmed identification to ask about');
    if (lesson.hidden) throw unprocessable('specimen_hidden', 'This specimen is hidden from teaching');
    const image =
      request.imageId === undefined ? specimen.images[0] : specimen.images.find((candidate) => candidate.id === request.imageId);
    if (!image) throw notFound('Photo of this specimen');
    const lookAlikes = (await this.lookAlikes.lookAlikesOf([lesson.taxonId], request.options - 1)).get(lesson.taxonId) ?? [];
    if (lookAlikes.length === 0)
      throw unprocessable('no_look_alikes', `Nothing is known to look like ${lesson.taxonId} to offer beside it`);
    const id = crypto.randomUUID();
    const options = optionOrder(id, [lesson.taxonId, ...lookAlikes.map((lookAlike) => lookAlike.taxonId)]);
    const launched = await this.quizzes.launch(
      {
        id,
        roomId: room.id,
        specimenId: specimen.id,
        imageId: image.id,
        ...lesson,
        options,
        launchedBy: actor.id,
        seconds: request.seconds,
      },
      (trx) =>
        recordAudit(trx, {
          userId: actor.id,
          action: 'room.quiz-launch',
          entityType: 'room',
          entityId: room.id,
          before: null,
          after: { quizId: id, specimenId: specimen.id, imageId: image.id, seconds: request.seconds, options },
        }),
    );
    if (!launched) throw conflict('quiz_open', 'A question is open in this class: reveal it before launching the next');
    return this.existing(room.id, id);
  }

  /** A trainee's one answer, while the question is open; the answer as stored. */
  async answer(
    { actor, roomId, role }: QuizSeat,
    quizId: string,
    taxonId: string,
  ): Promise<{ quizId: string; taxonId: string; answeredAt: Date }> {
    if (role !== 'trainee') throw forbidden("The class's trainees answer its questions");
    const quiz = await this.quizzes.find(roomId, quizId);
    if (!quiz) throw notFound('Question');
    if (!quiz.options.some((option) => option.taxonId === taxonId))
      throw unprocessable('not_an_option', `${taxonId} is not one of this question's options`);
    const outcome = await this.quizzes.answer(quiz.id, actor.id, taxonId, taxonId === quiz.answer.taxonId);
    if (!outcome.stored) {
      throw outcome.reason === 'already_answered'
        ? conflict('already_answered', 'You have answered this question already')
        : conflict('quiz_closed', 'This question has closed');
    }
    return { quizId: quiz.id, taxonId, answeredAt: outcome.answeredAt };
  }

  async reveal(
    { actor, roomId, role }: QuizSeat,
    quizId: string,
  ): Promise<{ quiz: QuizRecord & { revealedAt: Date }; counts: QuizCounts }> {
    if (role !== 'host') throw forbidden('Only the presenter reveals the answer');
    const quiz = await this.quizzes.find(roomId, quizId);
    if (!quiz) throw notFound('Question');
    const revealedAt = await this.quizzes.reveal(quiz.id, (trx) =>
      recordAudit(trx, {
        userId: actor.id,
        action: 'room.quiz-reveal',
        entityType: 'room',
        entityId: roomId,
        before: { quizId, revealedAt: null },
        after: { quizId },
      }),
    );
    if (!revealedAt) throw conflict('already_revealed', 'This question has been revealed already');
    return { quiz: { ...quiz, revealedAt }, counts: await this.counts(quiz) };
  }

  async tally(roomId: string, quizId: string): Promise<{ quiz: QuizRecord; counts: QuizCounts }> {
    const quiz = await this.existing(roomId, quizId);
    return { quiz, counts: await this.counts(quiz) };
  }

  /** The room's open question, or the last one revealed, with the person's own answer. */
  async current(userId: string, roomId: string): Promise<QuizView | null> {
    const quiz = await this.quizzes.current(roomId);
    if (!quiz) return null;
    const [yours, result] = await Promise.all([
      this.quizzes.answerOf(quiz.id, userId),
      quiz.revealedAt ? this.counts(quiz) : Promise.resolve(null),
    ]);
    return { quiz, yourAnswer: yours?.taxonId ?? null, result };
  }

  async history(actor: Actor, roomId: string): Promise<QuizHistory> {
    const room = await this.rooms.visibleRoom(actor, roomId);
    const access = await this.rooms.accessOf(actor, room);
    const everyone = access.role === 'host' || actor.role === 'expert' || actor.role === 'admin';
    const quizzes = await this.quizzes.list(room.id);
    const answers = await this.quizzes.answers(
      quizzes.map((quiz) => quiz.id),
      everyone ? undefined : actor.id,
    );
    return { quizzes: await Promise.all(quizzes.map(async (quiz) => ({ quiz, counts: await this.counts(quiz) }))), answers, everyone };
  }

  /** The question's photo without metadata (anonymousPhoto), for the class's host and enrolled trainees. */
  async photo(actor: Actor, roomId: string, quizId: string): Promise<Buffer> {
    const room = await this.rooms.visibleRoom(actor, roomId);
    const access = await this.rooms.accessOf(actor, room);
    if (access.role !== 'host' && access.role !== 'trainee')
      throw forbidden("A question's photo is for the class's presenter and trainees");
    const quiz = await this.quizzes.find(room.id, quizId);
    if (!quiz) throw notFound('Question');
    const specimen = await this.specimens.findInScope(quiz.specimenId, { all: true });
    const image = specimen?.images.find((candidate) => candidate.id === quiz.imageId);
    if (!image) throw notFound('Question photo');
    return anonymousPhoto(this.photos.store, this.photos.decodes, image);
  }

  private async counts(quiz: QuizRecord): Promise<QuizCounts> {
    return countsInOrder(quiz.options, await this.quizzes.counts(quiz.id));
  }

  private async existing(roomId: string, quizId: string): Promise<QuizRecord> {
    const quiz = await this.quizzes.find(roomId, quizId);
    if (!quiz) throw notFound('Question');
    return quiz;
  }

  /** The class, seen by the actor, not ended; a consultation is refused with its own code. */
  private async liveClass(actor: Actor, roomId: string): Promise<RoomRecord> {
    const room = await this.rooms.visibleRoom(actor, roomId);
    if (room.kind !== 'class') throw unprocessable('not_a_class', 'Quizzes are run in classes, not in consultations');
    if (room.endedAt) throw conflict('room_ended', 'This class has ended');
    return room;
  }
}
