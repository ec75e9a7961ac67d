import argon2 from 'argon2';
import type { Actor } from '../domain/access.js';
import { AppError } from '../domain/errors.js';
import type { UserRepository, UserWithUnit } from '../repositories/user.repository.js';

export const hashPassword = (password: string): Promise<string> => argon2.hash(password, { type: argon2.argon2id });

export class AuthService {
  /** Verified against when the username is unknown, so a miss costs as long as a wrong password. */
  private readonly decoyHash: Promise<string> = hashPassword(crypto.randomUUID());

  /** Actors as of `epoch`; dropped whole when the access epoch moves. */
  private cachedActors: { epoch: string; actors: Map<string, Actor> } = { epoch: '', actors: new Map() };

  constructor(
    private readonly users: UserRepository,
    private readonly maxCachedActors = 10_000,
  ) {}

  async login(username: string, password: string): Promise<Actor> {
    const user = await this.users.findByUsername(username);
    const valid = await argon2.verify(user?.password_hash ?? (await this.decoyHash), password);
    if (!user || !valid || user.disabled) {
      throw new AppError(401, 'invalid_credentials', 'Unknown username or wrong password');
    }
    const actor = await this.actorFor(user.id);
    if (!actor) throw new AppError(401, 'invalid_credentials', 'Unknown username or wrong password');
    return actor;
  }

  /**
   * The current state of a token's subject: a disabled or deleted account stops working at once. Checked on every
   * request, so the user is reloaded only when the access epoch (bumped by any change to users, units or grants,
   * in any process) has moved since it was cached; otherwise the check costs one single-row read.
   */
  async actorFor(userId: string): Promise<Actor | undefined> {
    const epoch = await this.users.accessEpoch();
    if (epoch !== this.cachedActors.epoch) this.cachedActors = { epoch, actors: new Map() };
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
