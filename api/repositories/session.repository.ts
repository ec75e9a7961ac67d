import type { Kysely } from 'kysely';
import type { Database, SessionRevocationReason } from '../db/schema.js';

export interface NewSession {
  id: string;
  userId: string;
  expiresAt: Date;
  userAgent: string | undefined;
  ip: string | undefined;
}

/** The revocable sessions behind session tokens (ADR 0017). Account changes revoke them by trigger (migration 0008). */
export class SessionRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Records a new session, and forgets the user's expired ones so the table holds about one row per signed-in device. */
  async open(session: NewSession): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('sessions').where('user_id', '=', session.userId).where('expires_at', '<', new Date()).execute();
      await trx
        .insertInto('sessions')
        .values({
          id: session.id,
          user_id: session.userId,
          expires_at: session.expiresAt,
          user_agent: session.userAgent?.slice(0, 512) ?? null,
          ip: session.ip ?? null,
        })
        .execute();
    });
  }

  async revoke(sessionId: string, reason: SessionRevocationReason): Promise<void> {
    await this.db
      .updateTable('sessions')
      .set({ revoked_at: new Date(), revoked_reason: reason })
      .where('id', '=', sessionId)
      .where('revoked_at', 'is', null)
      .execute();
  }

  /** Which of these sessions are neither revoked nor expired (nor gone with their user). */
  async liveAmong(sessionIds: readonly string[]): Promise<Set<string>> {
    if (sessionIds.length === 0) return new Set();
    const rows = await this.db
      .selectFrom('sessions')
      .select('id')
      .where('id', 'in', sessionIds)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', new Date())
      .execute();
    return new Set(rows.map((row) => row.id));
  }

  /** Whether this session is live and belongs to this user. */
  async isLive(sessionId: string, userId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('sessions')
      .select('id')
      .where('id', '=', sessionId)
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', new Date())
      .executeTakeFirst();
    return row !== undefined;
  }
}
