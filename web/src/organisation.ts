// The organisation tree as the admin console shows it, and the port form's fields as the contract takes them.
import { CHILD_UNIT_LEVEL, LATITUDE_RANGE, LONGITUDE_RANGE, type LabDetail, type Port, type PortType, type UnitNode } from '@contract';

export interface UnitBranch {
  unit: UnitNode;
  children: UnitBranch[];
}

const byCode = (a: UnitNode, b: UnitNode) => a.code.localeCompare(b.code);

/**
 * The listed units as a tree, siblings by code. Its roots are the units whose parent is not listed: headquarters for
 * administrators, the user's own unit (and any granted one) for everyone else.
 */
export function unitTreeOf(units: readonly UnitNode[]): UnitBranch[] {
  const listed = new Set(units.map((unit) => unit.id));
  const childrenOf = new Map<string | null, UnitNode[]>();
  for (const unit of units) {
    const parent = unit.parentId !== null && listed.has(unit.parentId) ? unit.parentId : null;
    childrenOf.set(parent, [...(childrenOf.get(parent) ?? []), unit]);
  }
  const branchOf = (unit: UnitNode): UnitBranch => ({ unit, children: (childrenOf.get(unit.id) ?? []).toSorted(byCode).map(branchOf) });
  return (childrenOf.get(null) ?? []).toSorted(byCode).map(branchOf);
}

/** The labs of each unit, by unit id. */
export function labsByUnit(labs: readonly LabDetail[]): ReadonlyMap<string, LabDetail[]> {
  const grouped = new Map<string, LabDetail[]>();
  for (const lab of labs) grouped.set(lab.unitId, [...(grouped.get(lab.unitId) ?? []), lab]);
  return grouped;
}

/** Whether units may be added under this one (not under a port-level unit). */
export const takesChildUnits = (unit: Pick<UnitNode, 'level'>) => CHILD_UNIT_LEVEL[unit.level] !== null;

/** Codes are capitals: what is typed is taken in capitals. */
export const codeOf = (typed: string) => typed.trim().toUpperCase();

/** The port form as typed: the position as text until it is sent. */
export interface PortDraft {
  code: string;
  nameZh: string;
  nameEn: string;
  type: PortType;
  longitude: string;
  latitude: string;
}

export const EMPTY_PORT_DRAFT: PortDraft = { code: '', nameZh: '', nameEn: '', type: 'sea', longitude: '', latitude: '' };

export function portDraftOf(port: Port): PortDraft {
  const { code, nameZh, nameEn, type } = port;
  return { code, nameZh, nameEn, type, longitude: String(port.longitude), latitude: String(port.latitude) };
}

export type PositionCheck = { kind: 'ok'; longitude: number; latitude: number } | { kind: 'off-globe' };

const within = (value: number, range: { minimum: number; maximum: number }) => value >= range.minimum && value <= range.maximum;
const numberOf = (typed: string) => (typed.trim() === '' ? Number.NaN : Number(typed));

/** The draft's position as numbers, if both are numbers on the globe (the server refuses any other). */
export function positionOf(draft: Pick<PortDraft, 'longitude' | 'latitude'>): PositionCheck {
  const longitude = numberOf(draft.longitude);
  const latitude = numberOf(draft.latitude);
  if (!within(longitude, LONGITUDE_RANGE) || !within(latitude, LATITUDE_RANGE)) return { kind: 'off-globe' };
  return { kind: 'ok', longitude, latitude };
}
