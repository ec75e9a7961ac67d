import type { Db } from '../db/database.js';
import type { Scope } from '../domain/access.js';
import type { AuditEntityType } from '../domain/vocabulary.js';
import { escapeLike, unitInScope } from './scope-filter.js';

/** Whose changes a reader of the audit trail sees. */
export interface AuditReadership {
  /** The units whose people's changes are shown (by the unit their account is in now). */
  actors: Scope;
  /** Whether the service's own changes (no actor) are shown too. */
  includeService: boolean;
}

export interface AuditFilter {
  entityType?: AuditEntityType | undefined;
  entityId?: string | undefined;
  /** Part of the action, any case; empty: every action. */
  action: string;
  userId?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
}

export interface AuditRecord {
  id: string;
  at: Date;
  action: string;
  entityType: AuditEntityType;
  entityId: string;
  actor: { id: string; username: string; displayName: string } | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

/** Reading the audit trail that `recordAudit` writes: newest first (index of migration 0017), within a readership. */
export class AuditTrailRepository {
  constructor(private readonly db: Db) {}

  async list(readership: AuditReadership, filter: AuditFilter, page: { limit: number; offset: number }) {
    const matching = this.filtered(readership, filter);
    const [rows, { total }] = await Promise.all([
      matching
        .select([
          'audit_log.id',
          'audit_log.at',
          'audit_log.action',
          'audit_log.entity_type',
          'audit_log.entity_id',
          'audit_log.before',
          'audit_log.after',
          'users.id as actor_id',
          'users.username as actor_username',
          'users.display_name as actor_display_name',
        ])
        .orderBy('audit_log.at', 'desc')
        .orderBy('audit_log.id', 'desc')
        .limit(page.limit)
        .offset(page.offset)
        .execute(),
      matching.select((eb) => eb.fn.countAll<string>().as('total')).executeTakeFirstOrThrow(),
    ]);
    const items = rows.map((row): AuditRecord => ({
      id: row.id,
      at: row.at,
      action: row.action,
      // Written only through `recordAudit`, whose entity type is one of AUDIT_ENTITY_TYPES.
      entityType: row.entity_type as AuditEntityType,
      entityId: row.entity_id,
      actor: row.actor_id === null ? null : { id: row.actor_id, username: row.actor_username!, displayName: row.actor_display_name! },
      before: row.before,
      after: row.after,
    }));
    return { items, total: Number(total) };
  }

  private filtered({ actors, includeService }: AuditReadership, { entityType, entityId, action, userId, from, to }: AuditFilter) {
    return this.db
      .selectFrom('audit_log')
      .leftJoin('users', 'users.id', 'audit_log.user_id')
      .where((eb) => {
        const byVisibleActor = unitInScope(eb, eb.ref('users.unit_id').$notNull(), actors);
        return includeService ? eb.or([eb('audit_log.user_id', 'is', null), byVisibleActor]) : byVisibleActor;
      })
      .$if(entityType !== undefined, (query) => query.where('audit_log.entity_type', '=', entityType!))
      .$if(entityId !== undefined, (query) => query.where('audit_log.entity_id', '=', entityId!))
      .$if(action !== '', (query) => query.where('audit_log.action', 'ilike', `%${escapeLike(action)}%`))
      .$if(userId !== undefined, (query) => query.where('audit_log.user_id', '=', userId!))
      .$if(from !== undefined, (query) => query.where('audit_log.at', '>=', from!))
      .$if(to !== undefined, (query) => query.where('audit_log.at', '<=', to!));
  }
}
