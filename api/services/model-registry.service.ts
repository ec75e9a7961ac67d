import type { FastifyBaseLogger } from 'fastify';
import type { InferencePool } from '../../inference/inference-pool.js';
import { chooseActiveVersions, scanModels, type RegisteredModel } from '../../inference/model-registry.js';
import type { Actor } from '../domain/access.js';
import { AppError, forbidden, notFound, unprocessable } from '../domain/errors.js';
import { recordAudit } from '../repositories/audit.repository.js';
import type { SettingsRepository } from '../repositories/settings.repository.js';

const ACTIVE_SETTING = 'models.active';
const SHADOW_SETTING = 'models.shadow';

export interface ModelListing extends RegisteredModel {
  active: boolean;
  shadow: boolean;
}

/**
 * Which versions of one model serve: what the audit log records before and after a change (a type alias, not an
 * interface: audit entries take plain records).
 */
type Serving = {
  active: string | null;
  shadow: string | null;
};

/** An administrator's change to the versions of one model, as the audit log records it. */
interface ServingChange {
  actor: Actor;
  action: 'model.activated' | 'model.shadow_started' | 'model.shadow_stopped';
  name: string;
  before: Serving;
}

/**
 * Which model versions serve, shared by every api and worker process through the settings table: an activation
 * is applied here at once and picked up by the other processes at their next `syncFromSettings`.
 */
export class ModelRegistryService {
  private models: RegisteredModel[] = [];
  /** Verified packages by directory: a rescan hashes only packages whose files changed. */
  private readonly verified = new Map<string, { stamp: string; model: RegisteredModel }>();
  private syncTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly modelsDir: string,
    private readonly settings: SettingsRepository,
    private readonly log: FastifyBaseLogger,
    private pool: InferencePool | null = null,
  ) {}

  /** Scans the packages and returns the versions to start serving (stored choices where still usable). */
  async initialVersions(): Promise<{ active: Record<string, string>; shadow: Record<string, string> }> {
    this.models = await scanModels(this.modelsDir, this.verified);
    for (const broken of this.models.filter((model) => !model.verified))
      this.log.error({ model: broken.ref, reason: broken.error }, 'model package unusable');
    const stored = await this.storedChoices();
    const active = chooseActiveVersions(this.models, stored.active);
    const shadow = Object.fromEntries(Object.entries(stored.shadow).filter(([name, version]) => this.find(name, version)?.verified));
    return { active, shadow };
  }

  attach(pool: InferencePool): void {
    this.pool = pool;
  }

  async list(): Promise<ModelListing[]> {
    this.models = await scanModels(this.modelsDir, this.verified);
    const active = this.pool?.active() ?? {};
    const shadow = this.pool?.shadow() ?? {};
    return this.models.map((model) => ({
      ...model,
      active: active[model.name] === model.version,
      shadow: shadow[model.name] === model.version,
    }));
  }

  async activate(actor: Actor, name: string, version: string): Promise<ModelListing[]> {
    requireAdmin(actor);
    const pool = this.requirePool();
    await this.requireUsable(name, version);
    const before = servingOf(pool, name);
    await pool.activate(name, version);
    if (pool.shadow()[name] === version) await pool.setShadow(name, null);
    await this.storeChoices(pool, { actor, action: 'model.activated', name, before });
    this.log.info({ model: `${name}@${version}` }, 'model version activated');
    return this.list();
  }

  async setShadow(actor: Actor, name: string, version: string | null): Promise<ModelListing[]> {
    requireAdmin(actor);
    const pool = this.requirePool();
    if (version !== null) {
      await this.requireUsable(name, version);
      if (pool.active()[name] === version)
        throw unprocessable('already_active', `${name}@${version} is the active version; a shadow must be another one`);
    }
    const before = servingOf(pool, name);
    await pool.setShadow(name, version);
    const action = version === null ? 'model.shadow_stopped' : 'model.shadow_started';
    await this.storeChoices(pool, { actor, action, name, before });
    return this.list();
  }

  /**
   * The version of `name` serving now (this process's pool, else what a start would choose), kept serving: recorded as
   * the stored choice where none is, so that a newer version registered later waits for an administrator to activate it
   * instead of being served as the newest at the next start. Undefined when no version is usable.
   */
  async holdActive(name: string): Promise<string | undefined> {
    const stored = await this.storedChoices();
    const version = this.pool?.active()[name] ?? (await this.initialVersions()).active[name];
    if (version && !stored.active[name]) await this.settings.set(ACTIVE_SETTING, JSON.stringify({ ...stored.active, [name]: version }));
    return version;
  }

  /** For `/ready`: serving, and every package on disk usable — a broken one is named with its reason. */
  readiness(): { ok: boolean; detail: string } {
    const broken = this.models.filter((model) => !model.verified);
    if (!this.pool) return { ok: false, detail: 'no model is being served' + (broken.length ? `: ${describe(broken)}` : '') };
    const serving = Object.entries(this.pool.active())
      .map(([name, version]) => `${name}@${version}`)
      .join(', ');
    if (broken.length) return { ok: false, detail: `unusable model packages: ${describe(broken)} (serving ${serving})` };
    return { ok: true, detail: serving };
  }

  /** Applies the versions another process chose; then keeps doing so every `intervalMs`. */
  startSync(intervalMs: number): void {
    this.syncTimer = setInterval(() => {
      this.syncFromSettings().catch((error: unknown) => this.log.warn({ err: error }, 'could not sync the active model versions'));
    }, intervalMs);
    this.syncTimer.unref();
  }

  stopSync(): void {
    clearInterval(this.syncTimer);
  }

  async syncFromSettings(): Promise<void> {
    const pool = this.pool;
    if (!pool) return;
    const stored = await this.storedChoices();
    for (const [name, version] of Object.entries(stored.active)) {
      if (pool.active()[name] !== version) await pool.activate(name, version);
    }
    const shadow = pool.shadow();
    for (const name of new Set([...Object.keys(shadow), ...Object.keys(stored.shadow)])) {
      if (shadow[name] !== stored.shadow[name]) await pool.setShadow(name, stored.shadow[name] ?? null);
    }
  }

  private find(name: string, version: string): RegisteredModel | undefined {
    return this.models.find((model) => model.name === name && model.version === version);
  }

  private async requireUsable(name: string, version: string): Promise<void> {
    this.models = await scanModels(this.modelsDir, this.verified);
    const model = this.find(name, version);
    if (!model) throw notFound(`Model ${name}@${version}`);
    if (!model.verified) throw unprocessable('model_unusable', `${name}@${version} cannot be used: ${model.error}`);
  }

  private requirePool(): InferencePool {
    if (!this.pool) throw new AppError(503, 'models_unavailable', this.readiness().detail);
    return this.pool;
  }

  private async storedChoices(): Promise<{ active: Record<string, string>; shadow: Record<string, string> }> {
    return {
      active: JSON.parse((await this.settings.get(ACTIVE_SETTING)) ?? '{}') as Record<string, string>,
      shadow: JSON.parse((await this.settings.get(SHADOW_SETTING)) ?? '{}') as Record<string, string>,
    };
  }

  /** The versions now serving, for the other processes, and the change that led to them in the audit log (if any). */
  private async storeChoices(pool: InferencePool, change: ServingChange): Promise<void> {
    const after = servingOf(pool, change.name);
    const changed = after.active !== change.before.active || after.shadow !== change.before.shadow;
    await this.settings.setAll(
      { [ACTIVE_SETTING]: JSON.stringify(pool.active()), [SHADOW_SETTING]: JSON.stringify(pool.shadow()) },
      async (trx) => {
        if (!changed) return;
        await recordAudit(trx, {
          userId: change.actor.id,
          action: change.action,
          entityType: 'model',
          entityId: change.name,
          before: change.before,
          after,
        });
      },
    );
  }
}

function requireAdmin(actor: Actor): void {
  if (actor.role !== 'admin') throw forbidden('Only administrators can change which model versions serve');
}

function servingOf(pool: InferencePool, name: string): Serving {
  return { active: pool.active()[name] ?? null, shadow: pool.shadow()[name] ?? null };
}

function describe(models: RegisteredModel[]): string {
  return models.map((model) => `${model.ref} (${model.error})`).join('; ');
}
