import type { Transaction } from 'kysely';
import type { Db } from '../db/database.js';
import type { Database } from '../db/schema.js';
import type { TriageRule } from '../domain/triage.js';
import type { TriageCondition } from '../domain/vocabulary.js';
import { recordAudit } from './audit.repository.js';

type Executor = Db | Transaction<Database>;

export interface TriageRuleRecord extends TriageRule {
  updatedBy: { id: string; username: string; displayName: string } | null;
  updatedAt: Date;
}

export type TriageRuleChanges = Partial<Pick<TriageRule, 'queue' | 'enabled' | 'threshold'>>;

/** The triage rules: data an administrator edits. */
export class TriageRepository {
  constructor(private readonly db: Db) {}

  async rules(executor: Executor = this.db): Promise<TriageRuleRecord[]> {
    const rows = await executor
      .selectFrom('triage_rules')
      .leftJoin('users', 'users.id', 'triage_rules.updated_by')
      .select([
        'triage_rules.code',
        'triage_rules.queue',
        'triage_rules.enabled',
        'triage_rules.threshold',
        'triage_rules.updated_at',
        'users.id as user_id',
        'users.username',
        'users.display_name',
      ])
      .orderBy('triage_rules.position')
      .execute();
    return rows.map((row) => ({
      code: row.code,
      queue: row.queue,
      enabled: row.enabled,
      threshold: row.threshold,
      updatedAt: row.updated_at,
      updatedBy:
        row.user_id && row.username && row.display_name ? { id: row.user_id, username: row.username, displayName: row.display_name } : null,
    }));
  }

  /** Changes one rule and records the change, in one transaction; undefined when there is no such rule. */
  async updateRule(code: TriageCondition, changes: TriageRuleChanges, actorId: string): Promise<TriageRuleRecord | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const before = await trx.selectFrom('triage_rules').selectAll().where('code', '=', code).forUpdate().executeTakeFirst();
      if (!before) return undefined;
      await trx
        .updateTable('triage_rules')
        .set({ ...changes, updated_by: actorId, updated_at: new Date() })
        .where('code', '=', code)
        .execute();
      const pick = (rule: TriageRule) => ({ queue: rule.queue, enabled: rule.enabled, threshold: rule.threshold });
      await recordAudit(trx, {
        userId: actorId,
        action: 'triage_rule.updated',
        entityType: 'triage_rule',
        entityId: code,
        before: pick(before),
        after: pick({ ...before, ...changes }),
      });
      return (await this.rules(trx)).find((rule) => rule.code === code);
    });
  }
}
