// The enums the UI shows, by the name their labels have under `enums.` in the locale files.
import { useTranslation } from 'react-i18next';
import { LIFE_STAGES, PORT_TYPES, ROLES, SEXES, SITE_TYPES, SPECIMEN_STATUSES, TRAP_METHODS, VECTOR_GROUPS } from '@contract';

export const ENUMS = {
  role: ROLES,
  portType: PORT_TYPES,
  siteType: SITE_TYPES,
  trapMethod: TRAP_METHODS,
  lifeStage: LIFE_STAGES,
  sex: SEXES,
  status: SPECIMEN_STATUSES,
  group: VECTOR_GROUPS,
} as const;

export type EnumKind = keyof typeof ENUMS;
export type EnumValue<K extends EnumKind> = (typeof ENUMS)[K][number];

/** Labels enum values in the current language; a value this build does not know (from a newer server) shows as itself. */
export function useEnumLabel(): <K extends EnumKind>(kind: K, value: EnumValue<K>) => string {
  const { t } = useTranslation();
  return (kind, value) => t(`enums.${kind}.${value}`, { defaultValue: value });
}
