import type { PortRow, UnitRow } from '../db/schema.js';
import { scopeOf, type Actor } from '../domain/access.js';
import type { OrganisationRepository } from '../repositories/organisation.repository.js';

/** The organisation as a person sees it: the units and ports of their part of it. */
export class OrganisationService {
  constructor(private readonly organisation: OrganisationRepository) {}

  ports(actor: Actor): Promise<PortRow[]> {
    return this.organisation.listPortsInScope(scopeOf(actor));
  }

  units(actor: Actor): Promise<UnitRow[]> {
    return this.organisation.listUnitsInScope(scopeOf(actor));
  }
}
