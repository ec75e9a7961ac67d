import type { Actor } from '../domain/access.js';
import { AppError, sessionRevoked, unauthorized } from '../domain/errors.js';
import type { NewSession, SessionRepository } from '../repositories/session.repository.js';
import type { UserRepository, UserWithUnit } from '../repositories/user.repository.js';
import type { PasswordHashPool } from './password-hash-pool.js';

export class AuthService {
  /** Verified against when the username is unknown, so a miss costs as long as a wrong password. */
  private readonly decoyHash: Promise<string>;

  /**
   * Actors and live sessions as of `epoch`; dropped whole when the access epoch moves, as it does on every revocation
   * (migration 0008), so a cached session is one no process has revoked since.
   */
  private cachedActors: { epoch: string; actors: Map<string, Actor>; liveSessions: Set<string> } = {
    epoch: '',
    actors: new Map(),
    liveSessions: new Set(),
  };

  constructor(
    private readonly users: UserRepository,
    private readonly sessions: SessionRepository,
    private readonly passwords: PasswordHashPool,
    private readonly maxCachedActors = 10_000,
  ) {
    this.decoyHash = passwords.hash(crypto.randomUUID());
  }

  async login(username: string, password: string): Promise<Actor> {
    const user = await this.users.findByUsername(username);
    const valid = await this.passwords.verify(user?.password_hash ?? (await this.decoyHash), password);
    if (!user || !valid || user.disabled) {
      throw new AppError(401, 'invalid_credentials', 'Unknown username or wrong password');
    }
    const actor = await this.actorAt(await this.currentEpoch(), user.id);
    if (!actor) throw new AppError(401, 'invalid_credentials', 'Unknown username or wrong password');
    return actor;
  }

  /** Records the session a new token names (its `sid`); it is live until it expires or is revoked. */
  openSession(session: NewSession): Promise<void> {
    return this.sessions.open(session);
  }

  /** Logout: the session's tokens stop working in every process, sockets included. */
  endSession(sessionId: string): Promise<void> {
    return this.sessions.revoke(sessionId, 'logout');
  }

  /**
   * Whom a session token signs in: refused when its session was revoked (logout, or a change to the account) or
   * never existed (a token from before sessions, or a forged id); otherwise the account's current state.
   */
  async signedIn(sessionId: string, userId: string): Promise<Actor> {
    const epoch = await this.currentEpoch();
    if (!this.cachedActors.liveSessions.has(sessionId)) {
      if (!(await this.sessions.isLive(sessionId, userId))) throw sessionRevoked();
      if (this.cachedActors.epoch === epoch && this.cachedActors.liveSessions.size < this.maxCachedActors)
        this.cachedActors.liveSessions.add(sessionId);
    }
    const actor = await this.actorAt(epoch, userId);
    if (!actor) throw unauthorized('This account no longer exists or is disabled');
    return actor;
  }

  /** Which of these sessions are still live: what open sockets are checked against when the access epoch moves. */
  liveSessionsAmong(sessionIds: readonly string[]): Promise<Set<string>> {
    return this.sessions.liveAmong(sessionIds);
  }

  /** Moves on any change to users, units, grants or sessions' revocation, in any process (migrations 0003, 0008). */
  accessEpoch(): Promise<string> {
    return this.users.accessEpoch();
  }

  /**
   * The current state of a token's subject: a disabled or deleted account stops working at once. Checked on every
   * request, so the user is reloaded only when the access epoch (bumped by any change to users, units or grants,
   * in any process) has moved since it was cached; otherwise the check costs one single-row read.
   */
  private async actorAt(epoch: string, userId: string): Promise<Actor | undefined> {
    const cached = this.cachedActors.actors.get(userId);
    if (cached) return cached;
    const found = await this.users.findWithUnit(userId);
    if (!found || found.user.disabled) return undefined;
    const actor = toActor(found);
    // The epoch read came first: if a change raced the reload, the next request sees a newer epoch and reloads.
    if (this.cachedActors.epoch === epoch && this.cachedActors.actors.size < this.maxCachedActors)
      this.cachedActors.actors.set(userId, actor);
    return actor;
  }

  private async currentEpoch(): Promise<string> {
    const epoch = await this.users.accessEpoch();
    if (epoch !== this.cachedActors.epoch) this.cachedActors = { epoch, actors: new Map(), liveSessions: new Set() };
    return epoch;
  }
}

function toActor({ user, unit, grantedUnitPaths }: UserWithUnit): Actor {
  return {
    id: user.id,
    username: user.username,
    displayName: user.display_name,
    role: user.role,
    unit: { id: unit.id, code: unit.code, level: unit.level, nameZh: unit.name_zh, nameEn: unit.name_en, path: unit.path },
    grantedUnitPaths,
  };
}
