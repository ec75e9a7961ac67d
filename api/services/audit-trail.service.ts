import type { AuditQuery } from '../contract/index.js';
import { administeredScopeOf, permissions, type Actor } from '../domain/access.js';
import { badRequest, forbidden } from '../domain/errors.js';
import type { AuditRecord, AuditTrailRepository } from '../repositories/audit-trail.repository.js';

/**
 * Who changed what: administrators read the changes made by the people they administer; headquarters'
 * administrators, who administer everyone, also read what the service changed by itself.
 */
export class AuditTrailService {
  constructor(private readonly trail: AuditTrailRepository) {}

  list(actor: Actor, query: AuditQuery): Promise<{ items: AuditRecord[]; total: number }> {
    if (!permissions.readAuditTrail(actor.role)) throw forbidden('Only administrators read the audit trail');
    const from = query.from === undefined ? undefined : new Date(query.from);
    const to = query.to === undefined ? undefined : new Date(query.to);
    if (from && to && from > to) throw badRequest('invalid_date_range', '"from" is after "to"', { from: query.from, to: query.to });
    return this.trail.list(
      { actors: administeredScopeOf(actor), includeService: actor.unit.level === 'headquarters' },
      { entityType: query.entityType, entityId: query.entityId, action: (query.action ?? '').trim(), userId: query.userId, from, to },
      { limit: query.limit, offset: query.offset },
    );
  }
}
