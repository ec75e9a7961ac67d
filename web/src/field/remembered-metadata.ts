// The collection details a person usually keeps from one specimen to the next in the field — port, site type, trap
// method and location — remembered from their last submission that was sent or queued on this device.
import { SITE_TYPES, TRAP_METHODS, type SiteType, type SpecimenMetadata, type TrapMethod } from '@contract';
import { isRecord, readForUser, writeForUser } from './device-storage';

const NAME = 'lastMetadata';

export interface RememberedMetadata {
  portCode?: string;
  siteType?: SiteType;
  trapMethod?: TrapMethod | null;
  locationDetail?: string | null;
}

export function rememberMetadata(userId: string, metadata: SpecimenMetadata): void {
  const remembered: RememberedMetadata = {
    portCode: metadata.portCode,
    siteType: metadata.siteType,
    trapMethod: metadata.trapMethod ?? null,
    locationDetail: metadata.locationDetail ?? null,
  };
  writeForUser(NAME, userId, remembered);
}

/** The last remembered values that are still valid ones; an empty object on first use. */
export function rememberedMetadata(userId: string): RememberedMetadata {
  const stored = readForUser(NAME, userId);
  if (!isRecord(stored)) return {};
  const { portCode, siteType, trapMethod, locationDetail } = stored;
  return {
    ...(typeof portCode === 'string' ? { portCode } : {}),
    ...(isOneOf(SITE_TYPES, siteType) ? { siteType } : {}),
    ...(trapMethod === null || isOneOf(TRAP_METHODS, trapMethod) ? { trapMethod } : {}),
    ...(locationDetail === null || typeof locationDetail === 'string' ? { locationDetail } : {}),
  };
}

function isOneOf<T extends string>(values: readonly T[], value: unknown): value is T {
  return (values as readonly unknown[]).includes(value);
}
