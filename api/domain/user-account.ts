import type { UnitRef } from './review.js';
import type { Role } from './vocabulary.js';

/** An account as its administrators see it; its password hash stays in the repository. */
export interface UserAccountRecord {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  unit: UnitRef & { path: string };
  disabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** What the audit log keeps of an account: what administrators set, never a password or its hash. */
export function auditViewOf(account: UserAccountRecord): Record<string, unknown> {
  return {
    username: account.username,
    displayName: account.displayName,
    role: account.role,
    unitId: account.unit.id,
    disabled: account.disabled,
  };
}
