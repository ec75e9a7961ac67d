import type { Scope } from '../domain/access.js';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { PortRow, UnitRow } from '../db/schema.js';
import type { PortType, UnitLevel } from '../domain/vocabulary.js';
import { unitInScope } from './scope-filter.js';

export interface NewUnit {
  code: string;
  level: UnitLevel;
  nameZh: string;
  nameEn: string;
  parentId: string | null;
}

export interface NewPort {
  unitId: string;
  code: string;
  nameZh: string;
  nameEn: string;
  type: PortType;
  longitude: number;
  latitude: number;
}

/** Units (headquarters → district → port customs) and the ports they run. */
export class OrganisationRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async createUnit(unit: NewUnit): Promise<UnitRow> {
    // A unit's path is fixed at creation (units are not moved), so reading the parent's needs no lock.
    const parent = unit.parentId ? await this.findUnitById(unit.parentId) : undefined;
    if (unit.parentId && !parent) throw new Error(`Parent unit ${unit.parentId} does not exist`);
    const id = crypto.randomUUID();
    return this.db
      .insertInto('units')
      .values({
        id,
        code: unit.code,
        level: unit.level,
        name_zh: unit.nameZh,
        name_en: unit.nameEn,
        parent_id: unit.parentId,
        path: `${parent?.path ?? '/'}${id}/`,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  findUnitById(id: string): Promise<UnitRow | undefined> {
    return this.db.selectFrom('units').selectAll().where('id', '=', id).executeTakeFirst();
  }

  findUnitByCode(code: string): Promise<UnitRow | undefined> {
    return this.db.selectFrom('units').selectAll().where('code', '=', code).executeTakeFirst();
  }

  findUnitInScope(id: string, scope: Scope): Promise<UnitRow | undefined> {
    return this.db
      .selectFrom('units')
      .selectAll()
      .where('id', '=', id)
      .where((eb) => unitInScope(eb, eb.ref('units.id'), scope))
      .executeTakeFirst();
  }

  /** Each unit after its parent ("C": the path's separator sorts before every id). */
  listUnitsInScope(scope: Scope): Promise<UnitRow[]> {
    return this.db
      .selectFrom('units')
      .selectAll()
      .where((eb) => unitInScope(eb, eb.ref('units.id'), scope))
      .orderBy(sql`path collate "C"`)
      .execute();
  }

  async countUnits(): Promise<number> {
    const { count } = await this.db
      .selectFrom('units')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .executeTakeFirstOrThrow();
    return Number(count);
  }

  createPort(port: NewPort): Promise<PortRow> {
    return this.db
      .insertInto('ports')
      .values({
        unit_id: port.unitId,
        code: port.code,
        name_zh: port.nameZh,
        name_en: port.nameEn,
        type: port.type,
        longitude: port.longitude,
        latitude: port.latitude,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  listPortsInScope(scope: Scope): Promise<PortRow[]> {
    return this.db
      .selectFrom('ports')
      .selectAll()
      .where((eb) => unitInScope(eb, eb.ref('ports.unit_id'), scope))
      .orderBy('code')
      .execute();
  }

  findPortByCodeInScope(code: string, scope: Scope): Promise<PortRow | undefined> {
    return this.db
      .selectFrom('ports')
      .selectAll()
      .where('code', '=', code)
      .where((eb) => unitInScope(eb, eb.ref('ports.unit_id'), scope))
      .executeTakeFirst();
  }
}
