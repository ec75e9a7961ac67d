import { randomUUID } from 'node:crypto';
import { isUnitPathInScope, type Actor, type Scope } from '../../../api/domain/access.js';
import type { Role } from '../../../api/domain/vocabulary.js';
import type { PortRow } from '../../../api/db/schema.js';
import { DEMO_ORGANISATION, DEMO_USERS } from '../../../api/seed/demo-organisation.js';

type UnitSeed = typeof DEMO_ORGANISATION;
export type FakeUnit = Actor['unit'];

/** A person of the fake organisation: who they are when they act, and whether their account is disabled. */
export interface FakePerson {
  actor: Actor;
  disabled: boolean;
}

/**
 * The demo organisation (api/seed/demo-organisation.ts) in memory: its units with their paths, its ports and its
 * people (the administrator and the demo users), for services tested without a database. Unit paths are built as
 * the database builds them (`/<root id>/<child id>/…/`), so scopes behave as they do there.
 */
export class FakeOrganisation {
  readonly units = new Map<string, FakeUnit>();
  readonly ports: PortRow[] = [];
  private readonly people = new Map<string, FakePerson>();

  constructor() {
    this.addUnits(DEMO_ORGANISATION, '/');
    this.addPerson('admin', 'admin', 'HQ');
    for (const user of DEMO_USERS) this.addPerson(user.username, user.role, user.unitCode, { displayName: user.displayName });
  }

  unit(code: string): FakeUnit {
    const unit = this.units.get(code);
    if (!unit) throw new Error(`no unit ${code} in the fake organisation`);
    return unit;
  }

  /** Someone else in a unit of the organisation: a second trainee, a disabled account … */
  addPerson(
    username: string,
    role: Role,
    unitCode: string,
    options: { displayName?: string; disabled?: boolean; grantedUnitCodes?: string[] } = {},
  ): Actor {
    const actor: Actor = {
      id: randomUUID(),
      username,
      displayName: options.displayName ?? username,
      role,
      unit: this.unit(unitCode),
      grantedUnitPaths: (options.grantedUnitCodes ?? []).map((code) => this.unit(code).path),
    };
    this.people.set(username, { actor, disabled: options.disabled ?? false });
    return actor;
  }

  /** The person signed in as `username`, as the services receive them. */
  actor(username: string): Actor {
    return this.person(username).actor;
  }

  person(username: string): FakePerson {
    const person = this.people.get(username);
    if (!person) throw new Error(`no person ${username} in the fake organisation`);
    return person;
  }

  personById(id: string): FakePerson | undefined {
    return [...this.people.values()].find((person) => person.actor.id === id);
  }

  unitById(id: string): FakeUnit {
    const unit = [...this.units.values()].find((candidate) => candidate.id === id);
    if (!unit) throw new Error(`no unit with id ${id} in the fake organisation`);
    return unit;
  }

  port(code: string): PortRow {
    const port = this.ports.find((candidate) => candidate.code === code);
    if (!port) throw new Error(`no port ${code} in the fake organisation`);
    return port;
  }

  /** OrganisationRepository's: the port with this code, when its unit lies in `scope`. */
  async findPortByCodeInScope(code: string, scope: Scope): Promise<PortRow | undefined> {
    return this.ports.find((port) => port.code === code && isUnitPathInScope(scope, this.unitById(port.unit_id).path));
  }

  private addUnits(seed: UnitSeed, parentPath: string): void {
    const id = randomUUID();
    const unit: FakeUnit = {
      id,
      code: seed.code,
      level: seed.level,
      nameZh: seed.nameZh,
      nameEn: seed.nameEn,
      path: `${parentPath}${id}/`,
    };
    this.units.set(seed.code, unit);
    for (const port of seed.ports ?? []) {
      this.ports.push({
        id: randomUUID(),
        unit_id: id,
        code: port.code,
        name_zh: port.nameZh,
        name_en: port.nameEn,
        type: port.type,
        longitude: port.longitude,
        latitude: port.latitude,
        created_at: new Date(),
      });
    }
    for (const child of seed.children ?? []) this.addUnits(child, unit.path);
  }
}
