// The enums the UI shows, by the name their labels have under `enums.` in the locale files.
import { useTranslation } from 'react-i18next';
import {
  ALERT_CHANNEL_KINDS,
  ALERT_REASONS,
  ALERT_STATUSES,
  ASSIGNMENT_KINDS,
  ASSIGNMENT_STATUSES,
  AUDIT_ENTITY_TYPES,
  CONFIDENCE_BANDS,
  DELIVERY_STATUSES,
  EXPORT_FORMATS,
  EXPORT_STATUSES,
  IDENTIFICATION_SOURCES,
  LIFE_STAGES,
  PORT_TYPES,
  REVIEW_DECISIONS,
  ROLES,
  SEXES,
  SITE_TYPES,
  SPECIMEN_SORTS,
  SPECIMEN_STATUSES,
  TAXON_RANKS,
  TRAP_METHODS,
  TRIAGE_QUEUES,
  TRIAGE_REASON_CODES,
  UNIT_LEVELS,
  VECTOR_GROUPS,
} from '@contract';

export const ENUMS = {
  role: ROLES,
  unitLevel: UNIT_LEVELS,
  portType: PORT_TYPES,
  siteType: SITE_TYPES,
  trapMethod: TRAP_METHODS,
  lifeStage: LIFE_STAGES,
  sex: SEXES,
  status: SPECIMEN_STATUSES,
  group: VECTOR_GROUPS,
  rank: TAXON_RANKS,
  triageQueue: TRIAGE_QUEUES,
  triageReason: TRIAGE_REASON_CODES,
  reviewDecision: REVIEW_DECISIONS,
  alertStatus: ALERT_STATUSES,
  alertReason: ALERT_REASONS,
  channelKind: ALERT_CHANNEL_KINDS,
  deliveryStatus: DELIVERY_STATUSES,
  auditEntityType: AUDIT_ENTITY_TYPES,
  confidenceBand: CONFIDENCE_BANDS,
  identifiedBy: IDENTIFICATION_SOURCES,
  specimenSort: SPECIMEN_SORTS,
  exportFormat: EXPORT_FORMATS,
  exportStatus: EXPORT_STATUSES,
  assignmentKind: ASSIGNMENT_KINDS,
  assignmentStatus: ASSIGNMENT_STATUSES,
} as const;

export type EnumKind = keyof typeof ENUMS;
export type EnumValue<K extends EnumKind> = (typeof ENUMS)[K][number];

/** Labels enum values in the current language; a value this build does not know (from a newer server) shows as itself. */
export function useEnumLabel(): <K extends EnumKind>(kind: K, value: EnumValue<K>) => string {
  const { t } = useTranslation();
  return (kind, value) => t(`enums.${kind}.${value}`, { defaultValue: value });
}
