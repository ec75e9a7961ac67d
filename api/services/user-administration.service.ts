import { PASSWORD_MIN_LENGTH, type NewUserAccount, type UserAccountPatch, type UserAccountQuery } from '../contract/index.js';
import { administeredScopeOf, permissions, type Actor, type Scope } from '../domain/access.js';
import { conflict, forbidden, notFound, unprocessable } from '../domain/errors.js';
import { auditViewOf, type UserAccountRecord } from '../domain/user-account.js';
import { recordAudit } from '../repositories/audit.repository.js';
import type { OrganisationRepository } from '../repositories/organisation.repository.js';
import type { UserAccountRepository } from '../repositories/user-account.repository.js';
import type { PasswordHashPool } from './password-hash-pool.js';

/**
 * Accounts, managed by the administrators of their unit or a unit above it: created, renamed, disabled and enabled,
 * moved, given another role or a new password. Every change is audited, passwords never. Ending the sessions a change
 * makes stale is the database's work (migration 0008), so no other path to the users table can forget it.
 */
export class UserAdministrationService {
  constructor(
    private readonly accounts: UserAccountRepository,
    private readonly organisation: OrganisationRepository,
    private readonly passwords: PasswordHashPool,
  ) {}

  list(actor: Actor, { q, role, disabled, limit, offset }: UserAccountQuery): Promise<{ items: UserAccountRecord[]; total: number }> {
    return this.accounts.list(scopeFor(actor), { text: (q ?? '').trim(), role, disabled }, { limit, offset });
  }

  async create(actor: Actor, body: NewUserAccount): Promise<UserAccountRecord> {
    const scope = scopeFor(actor);
    requireLongEnough(body.password);
    await this.requireUnit(body.unitId, scope);
    const account = await this.accounts.create(
      {
        username: body.username,
        passwordHash: await this.passwords.hash(body.password),
        displayName: body.displayName.trim(),
        role: body.role,
        unitId: body.unitId,
      },
      (trx, _before, after) =>
        recordAudit(trx, {
          userId: actor.id,
          action: 'user.created',
          entityType: 'user',
          entityId: after.id,
          before: null,
          after: auditViewOf(after),
        }),
    );
    if (!account) throw conflict('username_taken', `The username "${body.username}" is taken`, { username: body.username });
    return account;
  }

  async update(actor: Actor, id: string, patch: UserAccountPatch): Promise<UserAccountRecord> {
    const scope = scopeFor(actor);
    if (!(await this.accounts.find(id, scope))) throw notFound('User');
    if (id === actor.id) refuseSelfLockout(actor, patch);
    const { password, displayName, role, unitId, disabled } = patch;
    if (password !== undefined) requireLongEnough(password);
    if (unitId !== undefined) await this.requireUnit(unitId, scope);
    const passwordHash = password === undefined ? undefined : await this.passwords.hash(password);
    const changes = { displayName: displayName?.trim(), role, unitId, disabled, passwordHash };
    const account = await this.accounts.update(id, scope, changes, (trx, before, after) =>
      recordAudit(trx, {
        userId: actor.id,
        action: 'user.updated',
        entityType: 'user',
        entityId: id,
        before: before && auditViewOf(before),
        after: { ...auditViewOf(after), ...(passwordHash === undefined ? {} : { passwordReset: true }) },
      }),
    );
    // Moved out of the administrator's units meanwhile, by someone else.
    if (!account) throw notFound('User');
    return account;
  }

  private async requireUnit(unitId: string, scope: Scope): Promise<void> {
    if (!(await this.organisation.findUnitInScope(unitId, scope)))
      throw unprocessable('unknown_unit', `No unit you administer has the id ${unitId}`, { unitId });
  }
}

function scopeFor(actor: Actor): Scope {
  if (!permissions.administerAccounts(actor.role)) throw forbidden('Only administrators manage accounts');
  return administeredScopeOf(actor);
}

function requireLongEnough(password: string): void {
  if ([...password].length < PASSWORD_MIN_LENGTH)
    throw unprocessable('password_too_short', `A password needs at least ${PASSWORD_MIN_LENGTH} characters`, {
      minLength: PASSWORD_MIN_LENGTH,
    });
}

const SELF_LOCKOUT = {
  disabled: 'You cannot disable your own account',
  role: 'You cannot give up your own administrator role',
  unitId: 'You cannot move yourself to another unit',
} as const;

/** Administrators keep their own way in: nobody locks themselves (and so perhaps their unit) out by mistake. */
function refuseSelfLockout(actor: Actor, patch: UserAccountPatch): void {
  const field =
    patch.disabled === true
      ? 'disabled'
      : patch.role !== undefined && patch.role !== 'admin'
        ? 'role'
        : patch.unitId !== undefined && patch.unitId !== actor.unit.id
          ? 'unitId'
          : undefined;
  if (field) throw conflict('self_lockout', `${SELF_LOCKOUT[field]}; another administrator can`, { field });
}
