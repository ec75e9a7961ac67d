import type { UserAccount } from '../contract/index.js';
import type { UserAccountRecord } from '../domain/user-account.js';

export function presentUserAccount(account: UserAccountRecord): UserAccount {
  const { path: _path, ...unit } = account.unit;
  return {
    id: account.id,
    username: account.username,
    displayName: account.displayName,
    role: account.role,
    unitId: unit.id,
    unit,
    disabled: account.disabled,
    createdAt: account.createdAt.toISOString(),
    updatedAt: account.updatedAt.toISOString(),
  };
}
