import type { Transaction } from 'kysely';
import type { LabBody, LabPatch } from '../contract/index.js';
import type { Database } from '../db/schema.js';
import { isUnitPathInScope, permissions, scopeOf, type Actor, type Scope } from '../domain/access.js';
import { notFound, unprocessable } from '../domain/errors.js';
import { recordAudit } from '../repositories/audit.repository.js';
import type { LabDetailRecord, LabDirectoryRepository } from '../repositories/lab-directory.repository.js';
import type { LabRepository } from '../repositories/lab.repository.js';
import type { OrganisationRepository } from '../repositories/organisation.repository.js';
import type { Transactions } from '../repositories/transactions.js';
import type { UserRepository, UserWithUnit } from '../repositories/user.repository.js';
import { requireOrganisationAdministrator, unknownUnit } from './organisation.service.js';

/**
 * Laboratories as administrators set them up (ADR 0025): added to a unit, renamed, taken out of service and back, and
 * given managers — experts or administrators whose own scope holds the lab's unit, since a manager sees every
 * appointment booked at the lab (ADR 0020). Every change is audited in its transaction.
 */
export class LabAdministrationService {
  constructor(
    private readonly transactions: Transactions,
    private readonly directory: LabDirectoryRepository,
    private readonly labs: LabRepository,
    private readonly organisation: OrganisationRepository,
    private readonly users: UserRepository,
  ) {}

  list(actor: Actor): Promise<LabDetailRecord[]> {
    return this.directory.listInScope(requireOrganisationAdministrator(actor));
  }

  async create(actor: Actor, body: LabBody): Promise<LabDetailRecord> {
    const scope = requireOrganisationAdministrator(actor);
    return this.transactions.run(async (trx) => {
      if (!(await this.organisation.findUnitInScope(body.unitId, scope, trx))) throw unknownUnit(body.unitId);
      const address = body.address ?? null;
      const id = await this.labs.create({ unitId: body.unitId, nameZh: body.nameZh, nameEn: body.nameEn, address }, trx);
      const created = await this.found(trx, id, scope);
      await recordAudit(trx, {
        userId: actor.id,
        action: 'lab.created',
        entityType: 'lab',
        entityId: id,
        before: null,
        after: labAuditView(created),
      });
      return created;
    });
  }

  async update(actor: Actor, id: string, patch: LabPatch): Promise<LabDetailRecord> {
    const scope = requireOrganisationAdministrator(actor);
    return this.transactions.run(async (trx) => {
      const before = await this.locked(trx, id, scope);
      await this.directory.update(trx, id, patch);
      const after = await this.found(trx, id, scope);
      await recordAudit(trx, {
        userId: actor.id,
        action: 'lab.updated',
        entityType: 'lab',
        entityId: id,
        before: labAuditView(before),
        after: labAuditView(after),
      });
      return after;
    });
  }

  async addManager(actor: Actor, labId: string, userId: string): Promise<LabDetailRecord> {
    const scope = requireOrganisationAdministrator(actor);
    const person = await this.personInScope(userId, scope);
    if (person.user.disabled) throw unprocessable('user_disabled', 'A disabled account cannot manage a laboratory', { userId });
    if (!permissions.manageLabs(person.user.role))
      throw unprocessable('not_a_lab_manager_role', 'Only experts and administrators manage laboratories', { role: person.user.role });
    return this.changeManagers(actor, labId, scope, 'lab.manager_added', async (trx, lab) => {
      const managerScope = scopeOf({ role: person.user.role, unit: person.unit, grantedUnitPaths: person.grantedUnitPaths });
      if (!isUnitPathInScope(managerScope, lab.unit.path))
        throw unprocessable('lab_out_of_manager_scope', 'A lab’s manager sees its appointments: the lab’s unit must be in their scope', {
          userId,
          labUnitId: lab.unit.id,
        });
      if (isManager(lab, userId)) return false;
      await this.labs.addManager(labId, userId, trx);
      return true;
    });
  }

  async removeManager(actor: Actor, labId: string, userId: string): Promise<LabDetailRecord> {
    const scope = requireOrganisationAdministrator(actor);
    await this.personInScope(userId, scope);
    return this.changeManagers(actor, labId, scope, 'lab.manager_removed', async (trx, lab) => {
      if (!isManager(lab, userId)) return false;
      await this.directory.removeManager(trx, labId, userId);
      return true;
    });
  }

  /**
   * Runs `change` on the locked lab; when it reports a change, records the managers before and after. Asking for what
   * already holds (adding a manager twice) changes nothing and records nothing.
   */
  private changeManagers(
    actor: Actor,
    labId: string,
    scope: Scope,
    action: string,
    change: (trx: Transaction<Database>, lab: LabDetailRecord) => Promise<boolean>,
  ): Promise<LabDetailRecord> {
    return this.transactions.run(async (trx) => {
      const before = await this.locked(trx, labId, scope);
      if (!(await change(trx, before))) return before;
      const after = await this.found(trx, labId, scope);
      await recordAudit(trx, {
        userId: actor.id,
        action,
        entityType: 'lab',
        entityId: labId,
        before: { managerIds: managerIdsOf(before) },
        after: { managerIds: managerIdsOf(after) },
      });
      return after;
    });
  }

  /** The person, if their unit is in the caller's scope; 404 otherwise, as for an unknown id (ADR 0002). */
  private async personInScope(userId: string, scope: Scope): Promise<UserWithUnit> {
    const person = await this.users.findWithUnit(userId);
    if (!person || !isUnitPathInScope(scope, person.unit.path)) throw notFound('User');
    return person;
  }

  private async locked(trx: Transaction<Database>, id: string, scope: Scope): Promise<LabDetailRecord> {
    const lab = await this.directory.lockInScope(trx, id, scope);
    if (!lab) throw notFound('Lab');
    return lab;
  }

  private async found(trx: Transaction<Database>, id: string, scope: Scope): Promise<LabDetailRecord> {
    const lab = await this.directory.findInScope(id, scope, trx);
    if (!lab) throw new Error(`lab ${id} vanished inside the transaction that changes it`);
    return lab;
  }
}

const isManager = (lab: LabDetailRecord, userId: string) => lab.managers.some((manager) => manager.id === userId);

const managerIdsOf = (lab: LabDetailRecord) => lab.managers.map((manager) => manager.id).sort();

function labAuditView(lab: LabDetailRecord): Record<string, unknown> {
  return { unitId: lab.unit.id, nameZh: lab.nameZh, nameEn: lab.nameEn, address: lab.address, active: lab.active };
}
