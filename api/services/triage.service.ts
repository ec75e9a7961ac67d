import type { Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import type { Actor } from '../domain/access.js';
import { forbidden, notFound } from '../domain/errors.js';
import { lineagePath, type TaxonRecord } from '../domain/taxon.js';
import { triage, type Triage, type TriageFacts, type TriageReason } from '../domain/triage.js';
import { LIFE_STAGES, type LifeStage, type TriageCondition } from '../domain/vocabulary.js';
import { recordAudit } from '../repositories/audit.repository.js';
import type { DetectionRepository } from '../repositories/detection.repository.js';
import type { AiRun } from '../repositories/identification.repository.js';
import type { ReviewWorkflowRepository, SpecimenUnderReview } from '../repositories/review-workflow.repository.js';
import { findTaxon } from '../repositories/taxon-rows.js';
import type { TriageRepository, TriageRuleChanges, TriageRuleRecord } from '../repositories/triage.repository.js';
import type { DetectionRecorder } from './detection-recorder.js';
import type { IdentifiedSpecimenTriage } from './identification.service.js';

/** What the answer of a rejected or failed identification lacks for `auto`: a taxon the records can name. */
const NO_TAXON_REASON: TriageReason = { code: 'rejected', queue: 'review', detail: 'the answer names no taxon of the taxonomy' };

/**
 * Routes each identified specimen to `auto`, `review` or `critical` by the triage rules (data, `triage_rules`), inside
 * the transaction that stores its identification; an `auto` specimen is confirmed as the AI named it. Also tells a
 * review decision whether the taxon it names makes the specimen critical.
 */
export class TriageService implements IdentifiedSpecimenTriage {
  constructor(
    private readonly rulesRepository: TriageRepository,
    private readonly workflow: ReviewWorkflowRepository,
    private readonly detections: DetectionRepository,
    private readonly recorder: DetectionRecorder,
  ) {}

  async identified(trx: Transaction<Database>, specimenId: string, run: AiRun): Promise<void> {
    const specimen = await this.untriaged(trx, specimenId);
    if (!specimen) return;
    const { answer } = run;
    const taxon = answer.rejected ? undefined : await findTaxon(trx, answer.taxon);
    const facts: TriageFacts = {
      taxon: answer.taxon,
      confidence: answer.confidence,
      rejected: answer.rejected,
      identificationFailed: false,
      shadowTaxon: run.shadow ? run.shadow.answer.taxon : null,
      refinerGroupDisagree: refinerGroupDisagreement(run, taxon),
      ...(await this.placeFacts(trx, specimen, taxon)),
    };
    const lifeStage = specimen.lifeStage ?? asLifeStage(answer.lifeStage);
    await this.apply(trx, specimen, triage(facts, await this.rulesRepository.rules(trx)), taxon, lifeStage);
  }

  async failed(trx: Transaction<Database>, specimenId: string, error: string): Promise<void> {
    const specimen = await this.untriaged(trx, specimenId);
    if (!specimen) return;
    const facts: TriageFacts = {
      taxon: null,
      confidence: null,
      rejected: false,
      identificationFailed: true,
      shadowTaxon: null,
      refinerGroupDisagree: null,
      watchListed: false,
      firstAtPort: false,
      firstInDistrict: false,
      firstNationally: false,
    };
    const result = triage(facts, await this.rulesRepository.rules(trx));
    await this.apply(trx, specimen, {
      ...result,
      reasons: result.reasons.map((reason) => ({ ...reason, detail: `${reason.detail}: ${error}` })),
    });
  }

  /** The reasons a decision naming `taxon` adds (a watch-list taxon, a first record), by the same rules. */
  async decisionReasons(trx: Transaction<Database>, specimen: SpecimenUnderReview, taxon: TaxonRecord): Promise<TriageReason[]> {
    const facts: TriageFacts = {
      taxon: taxon.id,
      confidence: null,
      rejected: false,
      identificationFailed: false,
      shadowTaxon: null,
      refinerGroupDisagree: null,
      ...(await this.placeFacts(trx, specimen, taxon)),
    };
    return triage(facts, await this.rulesRepository.rules(trx)).reasons;
  }

  rules(actor: Actor): Promise<TriageRuleRecord[]> {
    if (actor.role !== 'admin' && actor.role !== 'expert') throw forbidden('Only experts and administrators see the triage rules');
    return this.rulesRepository.rules();
  }

  async updateRule(actor: Actor, code: TriageCondition, changes: TriageRuleChanges): Promise<TriageRuleRecord> {
    if (actor.role !== 'admin') throw forbidden('Only administrators change the triage rules');
    const rule = await this.rulesRepository.updateRule(code, changes, actor.id);
    if (!rule) throw notFound(`Triage rule ${code}`);
    return rule;
  }

  private async untriaged(trx: Transaction<Database>, specimenId: string): Promise<SpecimenUnderReview | undefined> {
    const specimen = await this.workflow.lock(trx, specimenId);
    return specimen && specimen.triageQueue === null && specimen.status === 'submitted' ? specimen : undefined;
  }

  private async placeFacts(trx: Transaction<Database>, specimen: SpecimenUnderReview, taxon: TaxonRecord | undefined) {
    const vector = taxon !== undefined && taxon.group !== 'not_vector';
    const first = vector
      ? await this.detections.firstLevels(trx, lineagePath(taxon.lineage), { portId: specimen.portId, unitPath: specimen.unitPath })
      : [];
    return {
      watchListed: vector && taxon.watchList,
      firstAtPort: first.includes('port'),
      firstInDistrict: first.includes('district'),
      firstNationally: first.includes('national'),
    };
  }

  private async apply(
    trx: Transaction<Database>,
    specimen: SpecimenUnderReview,
    result: Triage,
    taxon?: TaxonRecord,
    lifeStage: LifeStage | null = specimen.lifeStage,
  ): Promise<void> {
    const routed = result.queue === 'auto' && !taxon ? { queue: 'review' as const, reasons: [NO_TAXON_REASON] } : result;
    const auto = routed.queue === 'auto' && taxon;
    if (auto) await this.recorder.record(trx, specimen, taxon, { identifiedBy: 'ai', by: null, lifeStage, sex: specimen.sex });
    await this.workflow.update(trx, specimen.id, {
      status: auto ? 'confirmed' : 'in_review',
      triageQueue: routed.queue,
      triageReasons: routed.reasons,
      reviewUnitId: auto ? null : specimen.unitId,
      round: specimen.round,
      triagedAt: new Date(),
      ...(auto ? { lifeStage } : {}),
    });
    await recordAudit(trx, {
      userId: null,
      action: 'specimen.triaged',
      entityType: 'specimen',
      entityId: specimen.id,
      before: { status: specimen.status },
      after: { status: auto ? 'confirmed' : 'in_review', queue: routed.queue, reasons: routed.reasons.map((reason) => reason.code) },
    });
  }
}

/**
 * The species model named nothing it was sure of inside the group the group model named (the answer backed off to the
 * group's own taxon), or the specimen's photographs were put in different groups.
 */
function refinerGroupDisagreement(run: AiRun, taxon: TaxonRecord | undefined): string | null {
  const groups = new Set(run.images.flatMap((image) => ('error' in image || image.rejected ? [] : [image.group])));
  if (groups.size > 1) return `the photographs were identified as different groups: ${[...groups].join(', ')}`;
  if (run.answer.models.length > 1 && taxon && taxon.parentId === null && taxon.group !== 'not_vector')
    return `${run.answer.model} found no ${taxon.id} it was sure of`;
  return null;
}

function asLifeStage(value: string | null): LifeStage | null {
  return LIFE_STAGES.find((stage) => stage === value) ?? null;
}
