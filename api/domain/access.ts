import type { Role, UnitLevel } from './vocabulary.js';

/** The signed-in person every service call acts for. */
export interface Actor {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  unit: { id: string; code: string; level: UnitLevel; nameZh: string; nameEn: string; path: string };
  /** Extra subtrees granted to this person (an expert consulting for another district). */
  grantedUnitPaths: string[];
}

/**
 * Which organisation units a person may see: their own unit's subtree plus granted subtrees;
 * administrators see everything. Every repository query that reads or writes unit-owned data
 * takes a `Scope` — there is no unscoped path from a route to the data.
 */
export type Scope = { readonly all: true } | { readonly all: false; readonly unitPaths: readonly string[] };

/** The person a scope is worked out for: the signed-in actor, or someone else (a lab's prospective manager). */
export type ScopeHolder = Pick<Actor, 'role' | 'grantedUnitPaths'> & { unit: Pick<Actor['unit'], 'path'> };

export function scopeOf(person: ScopeHolder): Scope {
  if (person.role === 'admin') return { all: true };
  return { all: false, unitPaths: [person.unit.path, ...person.grantedUnitPaths] };
}

/**
 * Whose accounts an administrator manages: the people of their own unit's subtree, whatever they may see. Headquarters'
 * administrators manage everyone; a district's, their district.
 */
export function administeredScopeOf(actor: Actor): Scope {
  return { all: false, unitPaths: [actor.unit.path] };
}

export function isUnitPathInScope(scope: Scope, unitPath: string): boolean {
  return scope.all || scope.unitPaths.some((prefix) => unitPath.startsWith(prefix));
}

export const permissions = {
  submitSpecimens: (role: Role) => role !== 'trainee',
  editSpecimens: (role: Role) => role !== 'trainee',
  changeSpecimenStatus: (role: Role) => role === 'expert' || role === 'admin',
  /** Review decisions count towards two-expert agreement: experts take them, not administrators. */
  reviewSpecimens: (role: Role) => role === 'expert',
  /** A responsible person at an alert's unit: acknowledges, confirms or dismisses it. */
  actOnAlerts: (role: Role) => role === 'expert' || role === 'admin',
  /** Exports take data out of VectorDesk: people who work with it, not trainees. */
  exportSpecimens: (role: Role) => role !== 'trainee',
  /** Finding colleagues by name (to enrol them in a class, say) is for people who work here, not trainees. */
  lookUpPeople: (role: Role) => role !== 'trainee',
  /** Creating accounts, disabling them, resetting passwords, changing roles and units. */
  administerAccounts: (role: Role) => role === 'admin',
  /** Units, ports and laboratories, and who manages each laboratory, are set by administrators. */
  administerOrganisation: (role: Role) => role === 'admin',
  /** Who changed what, when: the record of administration is read by administrators. */
  readAuditTrail: (role: Role) => role === 'admin',
  /** Dataset snapshots copy every unit's confirmed photos into training data: administrators take and read them. */
  administerDatasets: (role: Role) => role === 'admin',
  /** Who may be listed as a laboratory's manager: people who judge specimens or run the service. */
  manageLabs: (role: Role) => role === 'expert' || role === 'admin',
};

/** A verified session token (ADR 0017): whom it signs in, the revocable session it names, and when it expires. */
export interface SignedInSession {
  actor: Actor;
  sessionId: string;
  expiresAt: Date;
}
