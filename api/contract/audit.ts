import { Type, type Static } from 'typebox';
import { AUDIT_ENTITY_TYPES } from '../domain/vocabulary.js';
import { DateTime, errorResponses, Nullable, Page, pageQuery, PersonRef, Uuid } from './common.js';
import { endpoint } from './endpoint.js';

export const AUDIT_PAGE_MAX = 200;

const Snapshot = Nullable(
  Type.Record(Type.String(), Type.Unknown(), { description: 'The fields of the thing as they were recorded (never a password)' }),
);

/** One recorded change: who made it, when, to what, and the thing before and after it. */
export const AuditEntry = Type.Object(
  {
    id: Uuid,
    at: DateTime,
    action: Type.String({ description: 'What was done, `<entity>.<verb>` (`user.created`, `unit.updated`, …)' }),
    entityType: Type.Enum(AUDIT_ENTITY_TYPES),
    entityId: Type.String(),
    actor: Nullable(PersonRef, { description: 'Who made the change; null for the service itself (scheduled work, start-up)' }),
    before: Snapshot,
    after: Snapshot,
  },
  { title: 'AuditEntry' },
);

export const AuditQuery = Type.Object(
  {
    entityType: Type.Optional(Type.Enum(AUDIT_ENTITY_TYPES)),
    entityId: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    action: Type.Optional(Type.String({ maxLength: 100, description: 'Part of the action, any case (`created`, `user.`)' })),
    userId: Type.Optional(Uuid),
    from: Type.Optional(Type.String({ format: 'date-time', description: 'at ≥ from' })),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'at ≤ to' })),
    ...pageQuery(AUDIT_PAGE_MAX, 50),
  },
  { additionalProperties: false },
);

export const auditEndpoints = {
  listAuditEntries: endpoint({
    method: 'GET',
    url: '/api/v1/audit',
    schema: {
      operationId: 'listAuditEntries',
      tags: ['audit'],
      summary: 'The audit trail: every recorded change, newest first (administrators)',
      description: [
        'Administrators read the changes made by the people of their own unit and the units below it (whose account',
        'is there now); headquarters administrators read everyone’s, and also the changes the service made by itself',
        '(`actor: null`). Others are refused (403). `from` after `to` answers `400 invalid_date_range`.',
      ].join(' '),
      querystring: AuditQuery,
      response: { 200: Page(AuditEntry), ...errorResponses(400, 401, 403) },
    },
  }),
};

export type AuditEntry = Static<typeof AuditEntry>;
export type AuditQuery = Static<typeof AuditQuery>;
