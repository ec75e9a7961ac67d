import type { Transaction } from 'kysely';
import type { Db } from '../db/database.js';
import type { Database } from '../db/schema.js';
import type { Scope } from '../domain/access.js';
import { unitInScope } from './scope-filter.js';
import type { PersonMatch } from './user.repository.js';

type Executor = Db | Transaction<Database>;

/** A laboratory as administrators manage it: in service or not, with its managers by name. */
export interface LabDetailRecord {
  id: string;
  unit: { id: string; path: string };
  nameZh: string;
  nameEn: string;
  address: string | null;
  active: boolean;
  managers: PersonMatch[];
}

/** What a lab's update changes; what is left out stays. */
export interface LabChanges {
  nameZh?: string | undefined;
  nameEn?: string | undefined;
  address?: string | null | undefined;
  active?: boolean | undefined;
}

/**
 * Laboratories as the organisation's administration sees them (ADR 0025): every lab of a scope, in service or not, and
 * who manages each. Booking reads labs through `LabRepository`, which finds only labs in service.
 */
export class LabDirectoryRepository {
  constructor(private readonly db: Db) {}

  async listInScope(scope: Scope): Promise<LabDetailRecord[]> {
    const labs = await selectLabs(this.db, scope).orderBy('labs.name_en').orderBy('labs.id').execute();
    return withManagers(this.db, labs);
  }

  async findInScope(id: string, scope: Scope, executor: Executor = this.db): Promise<LabDetailRecord | undefined> {
    const lab = await selectLabs(executor, scope).where('labs.id', '=', id).executeTakeFirst();
    return lab && (await withManagers(executor, [lab]))[0];
  }

  /** The lab, its row locked until the transaction ends: changes to one lab and its managers go one after the other. */
  async lockInScope(trx: Transaction<Database>, id: string, scope: Scope): Promise<LabDetailRecord | undefined> {
    const lab = await selectLabs(trx, scope).where('labs.id', '=', id).forUpdate('labs').executeTakeFirst();
    return lab && (await withManagers(trx, [lab]))[0];
  }

  async update(trx: Transaction<Database>, id: string, changes: LabChanges): Promise<void> {
    await trx
      .updateTable('labs')
      .set({
        ...(changes.nameZh === undefined ? {} : { name_zh: changes.nameZh }),
        ...(changes.nameEn === undefined ? {} : { name_en: changes.nameEn }),
        ...(changes.address === undefined ? {} : { address: changes.address }),
        ...(changes.active === undefined ? {} : { active: changes.active }),
      })
      .where('id', '=', id)
      .execute();
  }

  async removeManager(trx: Transaction<Database>, labId: string, userId: string): Promise<void> {
    await trx.deleteFrom('lab_managers').where('lab_id', '=', labId).where('user_id', '=', userId).execute();
  }
}

function selectLabs(executor: Executor, scope: Scope) {
  return executor
    .selectFrom('labs')
    .innerJoin('units', 'units.id', 'labs.unit_id')
    .select(['labs.id', 'labs.unit_id', 'units.path as unit_path', 'labs.name_zh', 'labs.name_en', 'labs.address', 'labs.active'])
    .where((eb) => unitInScope(eb, eb.ref('labs.unit_id'), scope));
}

type LabRow = Awaited<ReturnType<ReturnType<typeof selectLabs>['executeTakeFirstOrThrow']>>;

/** The labs' records with their managers, by display name. */
async function withManagers(executor: Executor, labs: LabRow[]): Promise<LabDetailRecord[]> {
  const labIds = labs.map((lab) => lab.id);
  const managers =
    labIds.length === 0
      ? []
      : await executor
          .selectFrom('lab_managers')
          .innerJoin('users', 'users.id', 'lab_managers.user_id')
          .select(['lab_managers.lab_id', 'users.id', 'users.username', 'users.display_name', 'users.role', 'users.unit_id'])
          .where('lab_managers.lab_id', 'in', labIds)
          .orderBy('users.display_name')
          .orderBy('users.username')
          .execute();
  return labs.map((lab) => ({
    id: lab.id,
    unit: { id: lab.unit_id, path: lab.unit_path },
    nameZh: lab.name_zh,
    nameEn: lab.name_en,
    address: lab.address,
    active: lab.active,
    managers: managers
      .filter((manager) => manager.lab_id === lab.id)
      .map((manager) => ({
        id: manager.id,
        username: manager.username,
        displayName: manager.display_name,
        role: manager.role,
        unitId: manager.unit_id,
      })),
  }));
}
