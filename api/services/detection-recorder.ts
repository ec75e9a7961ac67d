import type { Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import { alertReasons } from '../domain/alert.js';
import { lineagePath, type TaxonRecord } from '../domain/taxon.js';
import type { IdentificationSource, LifeStage, Sex } from '../domain/vocabulary.js';
import type { AlertRepository } from '../repositories/alert.repository.js';
import { recordAudit } from '../repositories/audit.repository.js';
import type { DetectionRepository } from '../repositories/detection.repository.js';
import type { SpecimenUnderReview } from '../repositories/review-workflow.repository.js';

/** Where an opened alert's deliveries are written: one per channel that hears of the specimen's unit. */
export interface AlertDeliveryOutbox {
  createFor(trx: Transaction<Database>, alertId: string, specimenUnitId: string): Promise<string[]>;
}

export interface RecordedDetection {
  detectionId: string | null;
  alertId: string | null;
  /** Deliveries of the alert, to hand to the queue once the transaction has committed. */
  deliveryIds: string[];
}

/**
 * A confirmed identification becomes a record: a detection of the taxon (nothing for "not a vector"), and, when it is
 * the first of its taxon at the port, in the district or nationally, or a watch-list taxon, an alert for the unit above
 * and a delivery per alert channel — all in the confirming transaction, so none exists without the others.
 */
export class DetectionRecorder {
  constructor(
    private readonly detections: DetectionRepository,
    private readonly alerts: AlertRepository,
    private readonly deliveries: AlertDeliveryOutbox,
  ) {}

  async record(
    trx: Transaction<Database>,
    specimen: SpecimenUnderReview,
    taxon: TaxonRecord,
    confirmation: { identifiedBy: IdentificationSource; by: string | null; lifeStage: LifeStage | null; sex: Sex | null },
  ): Promise<RecordedDetection> {
    if (taxon.group === 'not_vector') return { detectionId: null, alertId: null, deliveryIds: [] };
    await this.detections.lockFirstRecords(trx, taxon.group);
    const firstLevels = await this.detections.firstLevels(trx, lineagePath(taxon.lineage), {
      portId: specimen.portId,
      unitPath: specimen.unitPath,
    });
    const detectionId = await this.detections.create(trx, {
      specimenId: specimen.id,
      taxonId: taxon.id,
      portId: specimen.portId,
      unitId: specimen.unitId,
      siteType: specimen.siteType,
      collectedAt: specimen.collectedAt,
      count: specimen.count,
      lifeStage: confirmation.lifeStage,
      sex: confirmation.sex,
      identifiedBy: confirmation.identifiedBy,
      firstLevels,
      watchList: taxon.watchList,
    });
    const detection = { taxon: taxon.id, identifiedBy: confirmation.identifiedBy, firstLevels, watchList: taxon.watchList };
    await recordAudit(trx, {
      userId: confirmation.by,
      action: 'detection.created',
      entityType: 'detection',
      entityId: detectionId,
      before: null,
      after: { specimenId: specimen.id, ...detection },
    });
    const reasons = alertReasons(taxon.watchList, firstLevels);
    if (reasons.length === 0) return { detectionId, alertId: null, deliveryIds: [] };
    const alertId = await this.alerts.create(trx, {
      detectionId,
      specimenId: specimen.id,
      taxonId: taxon.id,
      portId: specimen.portId,
      unitId: specimen.unitId,
      // Headquarters' own specimens answer to headquarters.
      responsibleUnitId: specimen.parentUnitId ?? specimen.unitId,
      reasons,
    });
    await recordAudit(trx, {
      userId: confirmation.by,
      action: 'alert.opened',
      entityType: 'alert',
      entityId: alertId,
      before: null,
      after: { detectionId, reasons },
    });
    return { detectionId, alertId, deliveryIds: await this.deliveries.createFor(trx, alertId, specimen.unitId) };
  }
}
