import type { PortBody, PortPatch, UnitBody, UnitPatch } from '../contract/index.js';
import type { PortRow, UnitRow } from '../db/schema.js';
import { administeredScopeOf, isUnitPathInScope, permissions, scopeOf, type Actor, type Scope } from '../domain/access.js';
import { conflict, forbidden, notFound, unprocessable } from '../domain/errors.js';
import { CHILD_UNIT_LEVEL } from '../domain/vocabulary.js';
import { recordAudit } from '../repositories/audit.repository.js';
import type { OrganisationRepository } from '../repositories/organisation.repository.js';
import type { Transactions } from '../repositories/transactions.js';

/** A unit of the tree, the ports it runs, and whether the caller administers it. */
export interface UnitWithPorts {
  unit: UnitRow;
  ports: PortRow[];
  administered: boolean;
}

/**
 * Refuses anyone but administrators a change to the organisation; answers the part of it they change: their own unit
 * and below (ADR 0024), though they see everything.
 */
export function requireOrganisationAdministrator(actor: Actor): Scope {
  if (!permissions.administerOrganisation(actor.role)) throw forbidden('Only administrators change the organisation');
  return administeredScopeOf(actor);
}

/** A body's reference to a unit that is unknown or outside the caller's scope (the two look the same, ADR 0002). */
export const unknownUnit = (unitId: string) => unprocessable('unknown_unit', `No unit of yours has the id ${unitId}`, { unitId });

/**
 * The organisation as a person sees it — the units and ports of their part of it — and as administrators change it
 * (ADR 0025): units are added under a parent and renamed, never moved; ports are added and edited. Every change is
 * audited in its transaction; changes to units move the access epoch (migration 0003), so cached actors see them.
 */
export class OrganisationService {
  constructor(
    private readonly transactions: Transactions,
    private readonly organisation: OrganisationRepository,
  ) {}

  ports(actor: Actor): Promise<PortRow[]> {
    return this.organisation.listPortsInScope(scopeOf(actor));
  }

  async unitTree(actor: Actor): Promise<UnitWithPorts[]> {
    const scope = scopeOf(actor);
    const administers = (unit: UnitRow) =>
      permissions.administerOrganisation(actor.role) && isUnitPathInScope(administeredScopeOf(actor), unit.path);
    const units = await this.organisation.listUnitsInScope(scope);
    const ports = await this.organisation.listPortsInScope(scope);
    return units.map((unit) => ({ unit, ports: ports.filter((port) => port.unit_id === unit.id), administered: administers(unit) }));
  }

  async createUnit(actor: Actor, body: UnitBody): Promise<UnitWithPorts> {
    const scope = requireOrganisationAdministrator(actor);
    return this.transactions.run(async (trx) => {
      const parent = await this.organisation.findUnitInScope(body.parentId, scope, trx);
      if (!parent) throw unknownUnit(body.parentId);
      const level = CHILD_UNIT_LEVEL[parent.level];
      if (!level)
        throw unprocessable('unit_has_no_children', `A ${parent.level}-level unit has no units under it`, {
          parentId: parent.id,
          level: parent.level,
        });
      const unit = await this.organisation.insertUnitUnlessCodeTaken(trx, { ...body, level }, parent.path);
      if (!unit) throw conflict('unit_code_taken', `Another unit has the code ${body.code}`, { code: body.code });
      await recordAudit(trx, {
        userId: actor.id,
        action: 'unit.created',
        entityType: 'unit',
        entityId: unit.id,
        before: null,
        after: unitAuditView(unit),
      });
      return { unit, ports: [], administered: true };
    });
  }

  async renameUnit(actor: Actor, id: string, patch: UnitPatch): Promise<UnitWithPorts> {
    const scope = requireOrganisationAdministrator(actor);
    const unit = await this.transactions.run(async (trx) => {
      const before = await this.organisation.lockUnitInScope(trx, id, scope);
      if (!before) throw notFound('Unit');
      const after = await this.organisation.renameUnit(trx, id, patch);
      await recordAudit(trx, {
        userId: actor.id,
        action: 'unit.renamed',
        entityType: 'unit',
        entityId: id,
        before: unitAuditView(before),
        after: unitAuditView(after),
      });
      return after;
    });
    return { unit, ports: await this.organisation.listPortsOfUnit(unit.id), administered: true };
  }

  async createPort(actor: Actor, body: PortBody): Promise<PortRow> {
    const scope = requireOrganisationAdministrator(actor);
    return this.transactions.run(async (trx) => {
      if (!(await this.organisation.findUnitInScope(body.unitId, scope, trx))) throw unknownUnit(body.unitId);
      const port = await this.organisation.insertPortUnlessCodeTaken(trx, body);
      if (!port) throw conflict('port_code_taken', `Another port has the code ${body.code}`, { code: body.code });
      await recordAudit(trx, {
        userId: actor.id,
        action: 'port.created',
        entityType: 'port',
        entityId: port.id,
        before: null,
        after: portAuditView(port),
      });
      return port;
    });
  }

  async updatePort(actor: Actor, id: string, patch: PortPatch): Promise<PortRow> {
    const scope = requireOrganisationAdministrator(actor);
    return this.transactions.run(async (trx) => {
      const before = await this.organisation.lockPortInScope(trx, id, scope);
      if (!before) throw notFound('Port');
      const after = await this.organisation.updatePort(trx, id, patch);
      await recordAudit(trx, {
        userId: actor.id,
        action: 'port.updated',
        entityType: 'port',
        entityId: id,
        before: portAuditView(before),
        after: portAuditView(after),
      });
      return after;
    });
  }
}

function unitAuditView(unit: UnitRow): Record<string, unknown> {
  return { parentId: unit.parent_id, level: unit.level, code: unit.code, nameZh: unit.name_zh, nameEn: unit.name_en };
}

function portAuditView(port: PortRow): Record<string, unknown> {
  return {
    unitId: port.unit_id,
    code: port.code,
    nameZh: port.name_zh,
    nameEn: port.name_en,
    type: port.type,
    longitude: port.longitude,
    latitude: port.latitude,
  };
}
