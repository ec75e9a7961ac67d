import type { PracticeSessionRequest } from '../contract/index.js';
import { scopeOf, type Actor } from '../domain/access.js';
import { badRequest, conflict, forbidden, notFound, unprocessable } from '../domain/errors.js';
import { drawQuestions } from '../domain/practice.js';
import { lineagePath } from '../domain/taxon.js';
import type { VectorGroup } from '../domain/vocabulary.js';
import type { LookAlikeRepository } from '../repositories/look-alike.repository.js';
import type {
  CardRecord,
  ConfusionRecord,
  PracticeProgressRepository,
  PracticeTotals,
} from '../repositories/practice-progress.repository.js';
import { answerKeysOf, type AnswerKey } from '../repositories/answer-keys.js';
import type { PracticeQuestionRecord, PracticeRepository, PracticeSessionRecord } from '../repositories/practice.repository.js';
import type { TaxonRepository } from '../repositories/taxon.repository.js';
import type { Transactions } from '../repositories/transactions.js';
import { anonymousPhoto } from '../storage/anonymous-photo.js';
import type { DecodeBudget } from '../storage/decode-budget.js';
import type { ImageStore } from '../storage/image-store.js';

/** How many look-alikes of each confused or due taxon weigh in on a `mixed` or `hard` set. */
const LOOK_ALIKES_PER_TAXON = 5;
/** How many of a trainee's sets the list shows. */
const LISTED_SESSIONS = 100;

export interface PracticeAnswer extends AnswerKey {
  correct: boolean;
  sessionFinished: boolean;
}

export interface PracticeProgressRecord {
  totals: PracticeTotals;
  cards: CardRecord[];
  confusions: ConfusionRecord[];
}

/**
 * Self-study practice (ADR 0028): a trainee draws a set of photos of confirmed specimens in their scope, answers each
 * once, and learns the expert's answer only then; each answer moves the taxon's spaced-repetition card in the same
 * transaction. Nothing a question shows before it is answered leads to its answer.
 */
export class PracticeService {
  constructor(
    private readonly transactions: Transactions,
    private readonly practice: PracticeRepository,
    private readonly progressOf: PracticeProgressRepository,
    private readonly taxa: TaxonRepository,
    private readonly lookAlikes: LookAlikeRepository,
    private readonly store: ImageStore,
    private readonly decodes: DecodeBudget,
    private readonly random: () => number = Math.random,
  ) {}

  /** Draws and stores a set; its id and its questions' ids in order. */
  async start(actor: Actor, request: PracticeSessionRequest): Promise<{ id: string; questionIds: string[] }> {
    requireTrainee(actor);
    const { size, groups, taxa, assignmentId } = await this.setOf(actor, request);
    const difficulty = request.difficulty ?? 'mixed';
    const lineages = await this.lineagesOf(taxa);
    const now = new Date();
    const record = await this.practice.traineeRecord(actor.id, now);
    const lookAlikeTaxa = difficulty === 'gentle' ? [] : await this.lookAlikesOf([...record.confusedTaxa, ...record.dueTaxa]);
    const candidates = await this.practice.candidates(scopeOf(actor), { groups, lineages }, [...record.dueTaxa, ...lookAlikeTaxa]);
    if (candidates.length < size)
      throw unprocessable(
        'not_enough_specimens',
        `Only ${candidates.length} confirmed specimens with a photo match this set; ask for fewer or choose more groups or taxa`,
        { requested: size, available: candidates.length },
      );
    const weights = { dueTaxa: new Set(record.dueTaxa), lookAlikeTaxa: new Set(lookAlikeTaxa) };
    const drawn = drawQuestions(candidates, weights, difficulty, size, this.random);
    return this.transactions.run(async (trx) => {
      // The answer as it stands now: a later correction of the specimen does not rescore this set.
      const keys = await answerKeysOf(
        trx,
        drawn.map((candidate) => candidate.specimenId),
      );
      const questions = drawn.map((candidate) => ({ ...candidate, ...keys.get(candidate.specimenId)! }));
      return this.practice.createSession(trx, { traineeId: actor.id, size, difficulty, groups, taxa, assignmentId }, questions);
    });
  }

  list(actor: Actor): Promise<PracticeSessionRecord[]> {
    requireTrainee(actor);
    return this.practice.listSessions(actor.id, LISTED_SESSIONS);
  }

  async get(actor: Actor, id: string): Promise<{ session: PracticeSessionRecord; questions: PracticeQuestionRecord[] }> {
    requireTrainee(actor);
    const session = await this.practice.findSession(id, actor.id);
    if (!session) throw notFound('Practice set');
    return { session, questions: await this.practice.questionsOf(id) };
  }

  /**
   * Takes the trainee's one answer to a question: scored against the answer stored with it, the taxon's card moved and
   * the set finished with its last answer, all in one transaction. A second answer is refused, however close in time.
   */
  async answer(actor: Actor, questionId: string, taxonId: string): Promise<PracticeAnswer> {
    requireTrainee(actor);
    if (!(await this.taxa.get(taxonId)))
      throw unprocessable('unknown_taxon', `The taxonomy has no taxon ${taxonId}; choose one with the taxon picker`, { taxon: taxonId });
    const now = new Date();
    const result = await this.transactions.run(async (trx) => {
      const taken = await this.practice.takeAnswer(trx, questionId, actor.id, taxonId);
      if (!taken) return undefined;
      await this.practice.moveCard(trx, actor.id, taken.taxonId, taken.correct, now);
      const sessionFinished = await this.practice.finishIfAnswered(trx, taken.sessionId);
      return { taxonId: taken.taxonId, lifeStage: taken.lifeStage, notes: taken.notes, correct: taken.correct, sessionFinished };
    });
    if (result) return result;
    if (await this.practice.isQuestionOf(questionId, actor.id))
      throw conflict('already_answered', 'This question has been answered; each question is answered once');
    throw notFound('Question');
  }

  /** The question's photo as an anonymous JPEG: upright, smaller, without any of the original's metadata. */
  async photo(actor: Actor, questionId: string): Promise<Buffer> {
    requireTrainee(actor);
    const photo = await this.practice.questionPhoto(questionId, actor.id);
    if (!photo) throw notFound('Question');
    return anonymousPhoto(this.store, this.decodes, photo);
  }

  async progress(actor: Actor): Promise<PracticeProgressRecord> {
    requireTrainee(actor);
    const [totals, cards, confusions] = await Promise.all([
      this.progressOf.totals(actor.id),
      this.progressOf.cards(actor.id),
      this.progressOf.confusions(actor.id),
    ]);
    return { totals, cards, confusions };
  }

  /** What the set is to hold: the request's, or the course assignment's when one is named. */
  private async setOf(
    actor: Actor,
    request: PracticeSessionRequest,
  ): Promise<{ size: number; groups: VectorGroup[]; taxa: string[]; assignmentId: string | null }> {
    if (!request.assignmentId) {
      if (request.size === undefined) throw badRequest('size_required', 'Say how many questions the set should have (size)');
      return { size: request.size, groups: request.groups ?? [], taxa: request.taxa ?? [], assignmentId: null };
    }
    const assignment = await this.practice.assignmentOfMember(request.assignmentId, actor.id);
    if (!assignment) throw notFound('Course assignment');
    if (assignment.kind !== 'practice' || assignment.size === null)
      throw unprocessable('not_a_practice_assignment', 'This assignment is a class to attend, not a practice set');
    return { size: assignment.size, groups: assignment.groups, taxa: assignment.taxa, assignmentId: request.assignmentId };
  }

  private async lineagesOf(taxonIds: readonly string[]): Promise<string[]> {
    const found = await Promise.all(taxonIds.map((id) => this.taxa.get(id)));
    const unknown = taxonIds.filter((_id, index) => !found[index]);
    if (unknown.length > 0) throw unprocessable('unknown_taxon', `The taxonomy has no taxon ${unknown.join(', ')}`, { taxa: unknown });
    return found.map((taxon) => lineagePath(taxon!.lineage));
  }

  private async lookAlikesOf(taxonIds: readonly string[]): Promise<string[]> {
    const unique = [...new Set(taxonIds)];
    const lookAlikes = await this.lookAlikes.lookAlikesOf(unique, LOOK_ALIKES_PER_TAXON);
    return [...new Set([...lookAlikes.values()].flat().map((lookAlike) => lookAlike.taxonId))];
  }
}

function requireTrainee(actor: Actor): void {
  if (actor.role !== 'trainee') throw forbidden('Practice sets are for trainees');
}
