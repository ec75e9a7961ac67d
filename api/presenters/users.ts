import type { Unit, UserAccount } from '../contract/index.js';
import type { UnitRow } from '../db/schema.js';
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

export function presentUnit(unit: UnitRow): Unit {
  return { id: unit.id, code: unit.code, level: unit.level, nameZh: unit.name_zh, nameEn: unit.name_en };
}
