import type { Scope } from '../domain/access.js';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import type { PortRow, UnitRow } from '../db/schema.js';
import type { PortType, UnitLevel } from '../domain/vocabulary.js';
import { unitInScope } from './scope-filter.js';

type Executor = Kysely<Database> | Transaction<Database>;

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

/** What a rename changes; a name left out stays. */
export interface UnitNames {
  nameZh?: string | undefined;
  nameEn?: string | undefined;
}

/** What a port's update changes; what is left out stays. Its code and unit never change. */
export type PortChanges = Partial<Pick<NewPort, 'nameZh' | 'nameEn' | 'type' | 'longitude' | 'latitude'>>;

/** Units (headquarters → district → port customs) and the ports they run. */
export class OrganisationRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async createUnit(unit: NewUnit): Promise<UnitRow> {
    // A unit's path is fixed at creation (units are not moved), so reading the parent's needs no lock.
    const parent = unit.parentId ? await this.findUnitById(unit.parentId) : undefined;
    if (unit.parentId && !parent) throw new Error(`Parent unit ${unit.parentId} does not exist`);
    return this.db
      .insertInto('units')
      .values(unitValues(unit, parent?.path ?? '/'))
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** Adds a unit under a parent whose path the caller read; undefined when another unit has its code. */
  insertUnitUnlessCodeTaken(executor: Executor, unit: NewUnit & { parentId: string }, parentPath: string): Promise<UnitRow | undefined> {
    return executor
      .insertInto('units')
      .values(unitValues(unit, parentPath))
      .onConflict((oc) => oc.column('code').doNothing())
      .returningAll()
      .executeTakeFirst();
  }

  findUnitInScope(id: string, scope: Scope, executor: Executor = this.db): Promise<UnitRow | undefined> {
    return executor
      .selectFrom('units')
      .selectAll()
      .where('id', '=', id)
      .where((eb) => unitInScope(eb, eb.ref('units.id'), scope))
      .executeTakeFirst();
  }

  /** The unit, locked until the transaction ends, so a change records exactly what it replaced. */
  lockUnitInScope(trx: Transaction<Database>, id: string, scope: Scope): Promise<UnitRow | undefined> {
    return trx
      .selectFrom('units')
      .selectAll()
      .where('id', '=', id)
      .where((eb) => unitInScope(eb, eb.ref('units.id'), scope))
      .forUpdate()
      .executeTakeFirst();
  }

  renameUnit(trx: Transaction<Database>, id: string, names: UnitNames): Promise<UnitRow> {
    return trx
      .updateTable('units')
      .set({
        ...(names.nameZh === undefined ? {} : { name_zh: names.nameZh }),
        ...(names.nameEn === undefined ? {} : { name_en: names.nameEn }),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  findUnitById(id: string): Promise<UnitRow | undefined> {
    return this.db.selectFrom('units').selectAll().where('id', '=', id).executeTakeFirst();
  }

  findUnitByCode(code: string): Promise<UnitRow | undefined> {
    return this.db.selectFrom('units').selectAll().where('code', '=', code).executeTakeFirst();
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
    return this.db.insertInto('ports').values(portValues(port)).returningAll().executeTakeFirstOrThrow();
  }

  /** Adds a port; undefined when another port has its code. */
  insertPortUnlessCodeTaken(executor: Executor, port: NewPort): Promise<PortRow | undefined> {
    return executor
      .insertInto('ports')
      .values(portValues(port))
      .onConflict((oc) => oc.column('code').doNothing())
      .returningAll()
      .executeTakeFirst();
  }

  /** The port, locked until the transaction ends, if its unit is in scope. */
  lockPortInScope(trx: Transaction<Database>, id: string, scope: Scope): Promise<PortRow | undefined> {
    return trx
      .selectFrom('ports')
      .selectAll()
      .where('id', '=', id)
      .where((eb) => unitInScope(eb, eb.ref('ports.unit_id'), scope))
      .forUpdate()
      .executeTakeFirst();
  }

  updatePort(trx: Transaction<Database>, id: string, changes: PortChanges): Promise<PortRow> {
    return trx
      .updateTable('ports')
      .set({
        ...(changes.nameZh === undefined ? {} : { name_zh: changes.nameZh }),
        ...(changes.nameEn === undefined ? {} : { name_en: changes.nameEn }),
        ...(changes.type === undefined ? {} : { type: changes.type }),
        ...(changes.longitude === undefined ? {} : { longitude: changes.longitude }),
        ...(changes.latitude === undefined ? {} : { latitude: changes.latitude }),
      })
      .where('id', '=', id)
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

  /** The unit's own ports (not those of the units below it), by code. */
  listPortsOfUnit(unitId: string): Promise<PortRow[]> {
    return this.db.selectFrom('ports').selectAll().where('unit_id', '=', unitId).orderBy('code').execute();
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

/** A new unit's row: its path is its parent's with its own id appended, fixed for good (units are not moved). */
function unitValues(unit: NewUnit, parentPath: string) {
  const id = crypto.randomUUID();
  return {
    id,
    code: unit.code,
    level: unit.level,
    name_zh: unit.nameZh,
    name_en: unit.nameEn,
    parent_id: unit.parentId,
    path: `${parentPath}${id}/`,
  };
}

function portValues(port: NewPort) {
  return {
    unit_id: port.unitId,
    code: port.code,
    name_zh: port.nameZh,
    name_en: port.nameEn,
    type: port.type,
    longitude: port.longitude,
    latitude: port.latitude,
  };
}
