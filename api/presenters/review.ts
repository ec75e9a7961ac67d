import type { Detection, SimilarSpecimen, TriageRule } from '../contract/index.js';
import type { DetectionRecord } from '../domain/detection.js';
import { TRIAGE_RULE_DESCRIPTIONS } from '../domain/triage.js';
import type { TriageRuleRecord } from '../repositories/triage.repository.js';

export function presentTriageRule(rule: TriageRuleRecord): TriageRule {
  return { ...rule, description: TRIAGE_RULE_DESCRIPTIONS[rule.code], updatedAt: rule.updatedAt.toISOString() };
}

export function presentDetection(detection: DetectionRecord): Detection {
  return { ...detection, collectedAt: detection.collectedAt.toISOString(), createdAt: detection.createdAt.toISOString() };
}

export function presentSimilar(similar: {
  specimenId: string;
  taxon: string;
  collectedAt: Date;
  imageId: string;
  port: SimilarSpecimen['port'];
}): SimilarSpecimen {
  return {
    specimenId: similar.specimenId,
    taxon: similar.taxon,
    port: similar.port,
    collectedAt: similar.collectedAt.toISOString(),
    thumbnailUrl: `/api/v1/images/${similar.imageId}/thumbnail`,
    originalUrl: `/api/v1/images/${similar.imageId}/original`,
  };
}
