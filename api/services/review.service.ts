import type { Transaction } from 'kysely';
import type { ReviewBody } from '../contract/index.js';
import type { Database } from '../db/schema.js';
import { isUnitPathInScope, permissions, scopeOf, type Actor, type Scope } from '../domain/access.js';
import { AppError, conflict, forbidden, notFound, unprocessable } from '../domain/errors.js';
import type { DomainEventBus } from '../domain/events.js';
import { reviewOutcome, type RoundDecision } from '../domain/review.js';
import type { SpecimenRecord } from '../domain/specimen.js';
import { mostUrgent, type TriageReason } from '../domain/triage.js';
import type { ReviewQueue } from '../domain/vocabulary.js';
import type { AlertRepository } from '../repositories/alert.repository.js';
import { recordAudit } from '../repositories/audit.repository.js';
import type { DetectionRepository } from '../repositories/detection.repository.js';
import type { IdentificationRepository } from '../repositories/identification.repository.js';
import type { ReviewWorkflowRepository, SpecimenUnderReview, UnitOnPath } from '../repositories/review-workflow.repository.js';
import type { SpecimenRepository } from '../repositories/specimen.repository.js';
import type { SurveillanceFilter } from '../repositories/surveillance-filter.js';
import { findTaxon } from '../repositories/taxon-rows.js';
import type { Transactions } from '../repositories/transactions.js';
import type { DetectionRecorder, RecordedDetection } from './detection-recorder.js';
import type { TriageService } from './triage.service.js';

/** Hands an alert's deliveries to the job queue once the transaction that wrote them has committed. */
export interface AlertDeliveryDispatch {
  enqueue(deliveryIds: string[]): Promise<void>;
}

export type ReviewOutcomeKind = 'confirmed' | 'awaiting_second_opinion' | 'escalated' | 'needs_photos';

export interface ReviewResult {
  outcome: ReviewOutcomeKind;
  specimen: SpecimenRecord;
  detectionId: string | null;
  alertId: string | null;
}

/** Similar specimens shown next to one under review. */
const SIMILAR_LIMIT = 12;

/**
 * Expert review: the queue of specimens an expert may decide on, and the decisions themselves — confirm, correct, ask for
 * photos — with two-expert agreement for critical specimens, escalation to the unit above on disagreement, and the
 * detection and alert agreement creates. Each decision is one transaction; its live push and deliveries follow the commit.
 */
export class ReviewService {
  constructor(
    private readonly transactions: Transactions,
    private readonly specimens: SpecimenRepository,
    private readonly workflow: ReviewWorkflowRepository,
    private readonly identifications: IdentificationRepository,
    private readonly detections: DetectionRepository,
    private readonly alerts: AlertRepository,
    private readonly triage: TriageService,
    private readonly recorder: DetectionRecorder,
    private readonly dispatch: AlertDeliveryDispatch,
    private readonly bus: DomainEventBus,
  ) {}

  async queue(actor: Actor, queue: ReviewQueue | undefined, page: { limit: number; offset: number }) {
    requireReviewer(actor);
    const scope = scopeOf(actor);
    const { ids, total } = await this.workflow.queue(scope, actor.id, queue, page);
    return { items: await this.specimens.findManyInScope(ids, scope), total };
  }

  async review(actor: Actor, specimenId: string, body: ReviewBody): Promise<ReviewResult> {
    requireReviewer(actor);
    const scope = scopeOf(actor);
    const visible = await this.specimens.findInScope(specimenId, scope);
    if (!visible) throw notFound('Specimen');
    const taxonId = namedTaxon(visible, body);
    const result = await this.transactions.run((trx) => this.decide(trx, actor, scope, specimenId, body, taxonId));
    const specimen = await this.specimens.findInScope(specimenId, scope);
    if (!specimen) throw new Error(`specimen ${specimenId} vanished right after a review`);
    this.bus.emit('specimen.updated', specimen);
    if (result.recorded.alertId) {
      const notice = await this.alerts.notice(result.recorded.alertId);
      if (notice) this.bus.emit('alert.changed', notice);
    }
    await this.dispatch.enqueue(result.recorded.deliveryIds);
    return { outcome: result.outcome, specimen, detectionId: result.recorded.detectionId, alertId: result.recorded.alertId };
  }

  listDetections(actor: Actor, filter: SurveillanceFilter, page: { limit: number; offset: number }) {
    return this.detections.listInScope(scopeOf(actor), filter, page);
  }

  /** The detection a decision created (read right after the decision, so not scoped again). */
  detection(id: string) {
    return this.detections.findById(id);
  }

  /** Confirmed specimens of the AI's candidate taxa, most likely first, each with its first photograph. */
  async similar(actor: Actor, specimenId: string) {
    const scope = scopeOf(actor);
    const specimen = await this.specimens.findInScope(specimenId, scope);
    if (!specimen) throw notFound('Specimen');
    const candidates = specimen.identification?.result?.topK.map((candidate) => candidate.taxon) ?? [];
    return this.detections.similar(scope, candidates, specimenId, SIMILAR_LIMIT);
  }

  private async decide(
    trx: Transaction<Database>,
    actor: Actor,
    scope: Scope,
    specimenId: string,
    body: ReviewBody,
    taxonId: string | undefined,
  ): Promise<{ outcome: ReviewOutcomeKind; recorded: RecordedDetection }> {
    const taxon = taxonId === undefined ? undefined : await findTaxon(trx, taxonId);
    if (taxonId !== undefined && !taxon) throw unprocessable('unknown_taxon', `The taxonomy has no taxon "${taxonId}"`, { taxon: taxonId });
    const specimen = await this.workflow.lock(trx, specimenId);
    if (!specimen) throw notFound('Specimen');
    if (specimen.status !== 'in_review' || !specimen.reviewUnit)
      throw conflict('not_in_review', `The specimen is ${specimen.status.replace('_', ' ')}, not waiting for a decision`, {
        status: specimen.status,
      });
    if (!isUnitPathInScope(scope, specimen.reviewUnit.path))
      throw new AppError(403, 'review_elsewhere', `The decision now lies with ${specimen.reviewUnit.nameEn}`, {
        reviewUnitId: specimen.reviewUnit.id,
      });
    const earlier = await this.workflow.roundDecisions(trx, specimenId, specimen.round);
    if (earlier.some((decision) => decision.reviewerId === actor.id))
      throw conflict('already_reviewed', 'You have already decided on this specimen; another expert must give the next decision');

    const lifeStage = body.lifeStage ?? specimen.lifeStage;
    const sex = body.sex ?? specimen.sex;
    const identificationId = taxon
      ? await this.identifications.insertExpert(trx, specimenId, actor.id, null, {
          group: taxon.group,
          taxon: taxon.id,
          lifeStage,
          confidence: null,
          notes: body.notes ?? null,
        })
      : null;
    await this.workflow.insertReview(trx, {
      specimenId,
      reviewerId: actor.id,
      reviewUnitId: specimen.reviewUnit.id,
      round: specimen.round,
      decision: body.decision,
      taxonId: taxon?.id ?? null,
      lifeStage: taxon ? lifeStage : null,
      sex: taxon ? sex : null,
      notes: body.notes ?? null,
      identificationId,
    });

    const reasons = taxon
      ? mergeReasons(specimen.triageReasons, await this.triage.decisionReasons(trx, specimen, taxon))
      : specimen.triageReasons;
    const queue = mostUrgent(reasons);
    const latest: RoundDecision = { reviewerId: actor.id, decision: body.decision, taxon: taxon?.id ?? null };
    const outcome = reviewOutcome(queue === 'critical', earlier, latest);
    const state = { triageQueue: queue, triageReasons: reasons, round: specimen.round, reviewUnitId: specimen.reviewUnit.id };
    let result: { outcome: ReviewOutcomeKind; recorded: RecordedDetection } = {
      outcome: 'awaiting_second_opinion',
      recorded: { detectionId: null, alertId: null, deliveryIds: [] },
    };
    switch (outcome.kind) {
      case 'needs_photos':
        await this.workflow.update(trx, specimenId, { ...state, status: 'needs_photos', round: specimen.round + 1 });
        result = { ...result, outcome: 'needs_photos' };
        break;
      case 'awaiting_second_opinion':
        await this.workflow.update(trx, specimenId, { ...state, status: 'in_review' });
        break;
      case 'disagreement': {
        const escalated = mergeReasons(reasons, [
          {
            code: 'experts_disagree',
            queue: 'critical',
            detail: `experts at ${specimen.reviewUnit.nameEn} named ${outcome.taxa.join(', ')}`,
          },
        ]);
        const reviewUnitId = escalationUnit([
          specimen.reviewUnit,
          { id: actor.unit.id, path: actor.unit.path },
          ...earlier.filter((decision) => decision.taxon !== null).map((decision) => decision.reviewerUnit),
        ]);
        await this.workflow.update(trx, specimenId, { ...state, status: 'in_review', triageReasons: escalated, reviewUnitId });
        await recordAudit(trx, {
          userId: actor.id,
          action: 'specimen.escalated',
          entityType: 'specimen',
          entityId: specimenId,
          before: { reviewUnitId: specimen.reviewUnit.id },
          after: { reviewUnitId, taxa: outcome.taxa },
        });
        result = { ...result, outcome: 'escalated' };
        break;
      }
      case 'agreed': {
        const recorded = await this.recorder.record(trx, specimen, taxon!, { identifiedBy: 'expert', by: actor.id, lifeStage, sex });
        await this.workflow.update(trx, specimenId, { ...state, status: 'confirmed', reviewUnitId: null, lifeStage, sex });
        result = { outcome: 'confirmed', recorded };
        break;
      }
    }
    await recordAudit(trx, {
      userId: actor.id,
      action: 'specimen.reviewed',
      entityType: 'specimen',
      entityId: specimenId,
      before: reviewSnapshot(specimen),
      after: { decision: body.decision, taxon: taxon?.id ?? null, outcome: result.outcome, queue, notes: body.notes ?? null },
    });
    return result;
  }
}

/** The taxon id a decision names (checked against the taxonomy in the decision's transaction); undefined for `need-more-photos`. */
function namedTaxon(specimen: SpecimenRecord, body: ReviewBody): string | undefined {
  if (body.decision === 'need-more-photos') {
    if (!body.notes?.trim()) throw unprocessable('notes_required', 'Say which photographs are needed (notes)');
    if (body.taxon) throw unprocessable('taxon_not_expected', 'Asking for more photographs names no taxon');
    return undefined;
  }
  const aiAnswer = specimen.identification?.result;
  const aiTaxon = aiAnswer && !aiAnswer.rejected ? aiAnswer.taxon : undefined;
  if (body.decision === 'confirm' && body.taxon && body.taxon !== aiTaxon)
    throw unprocessable('confirm_mismatch', `Confirm names the AI's answer (${aiTaxon ?? 'none'}); use "correct" to name another taxon`, {
      aiTaxon: aiTaxon ?? null,
    });
  const taxonId = body.decision === 'confirm' ? aiTaxon : body.taxon;
  if (!taxonId)
    throw unprocessable(
      'taxon_required',
      body.decision === 'confirm' ? 'There is no AI answer to confirm; use "correct" with a taxon' : 'A correction names a taxon',
    );
  return taxonId;
}

/**
 * Where a disagreement goes: above the highest of the disagreeing experts' units and the unit it was reviewed at (the
 * experts who disagreed cannot settle it among themselves); headquarters keeps what reaches it.
 */
function escalationUnit(units: readonly UnitOnPath[]): string {
  const highest = units.reduce((top, unit) => (unit.path.length < top.path.length ? unit : top));
  const parentId = highest.path.split('/').filter(Boolean).at(-2);
  return parentId ?? highest.id;
}

function requireReviewer(actor: Actor): void {
  if (!permissions.reviewSpecimens(actor.role)) throw forbidden('Only experts review specimens');
}

/** Reasons already given stay; new ones are added once per code. */
function mergeReasons(reasons: readonly TriageReason[], added: readonly TriageReason[]): TriageReason[] {
  const codes = new Set(reasons.map((reason) => reason.code));
  return [...reasons, ...added.filter((reason) => !codes.has(reason.code))];
}

function reviewSnapshot(specimen: SpecimenUnderReview) {
  return { status: specimen.status, queue: specimen.triageQueue, reviewUnitId: specimen.reviewUnit?.id ?? null, round: specimen.round };
}
