import type { AuditEntry } from '../contract/index.js';
import type { AuditRecord } from '../repositories/audit-trail.repository.js';

export function presentAuditEntry(record: AuditRecord): AuditEntry {
  return { ...record, at: record.at.toISOString() };
}
