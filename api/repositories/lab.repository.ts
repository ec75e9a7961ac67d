import { sql, type Expression, type SqlBool, type Transaction } from 'kysely';
import type { Db } from '../db/database.js';
import type { Database } from '../db/schema.js';
import type { LabRecord, LabSlotRecord } from '../domain/appointment.js';
import { UNIT_COLUMNS, unitOf } from './unit-columns.js';

type Executor = Db | Transaction<Database>;

/** Who is looking at labs: their unit (a lab serves its unit's subtree), their id (managers), and whether they see all. */
export interface LabViewer {
  userId: string;
  unitPath: string;
  all: boolean;
}

export interface NewLab {
  unitId: string;
  nameZh: string;
  nameEn: string;
  address: string | null;
}

export interface NewSlot {
  labId: string;
  startsAt: Date;
  endsAt: Date;
  capacity: number;
  createdBy: string;
}

/** A lab as it is listed: its record and whether the viewer is one of its managers. */
export type ListedLab = LabRecord & { managedByViewer: boolean };

/**
 * Laboratories, their managers and their slots (ADR 0020). Only active labs are found: a lab taken out of service
 * keeps its history but takes no new bookings. A slot's `booked` count changes only in `AppointmentRepository`.
 */
export class LabRepository {
  constructor(private readonly db: Db) {}

  /** Active labs that serve the viewer's unit or that the viewer manages (every lab for administrators). */
  async listFor(viewer: LabViewer): Promise<ListedLab[]> {
    const managed = labManagedBy(viewer.userId);
    const rows = await selectLabs(this.db)
      .select(sql<boolean>`${managed}`.as('managed'))
      .where((eb) => (viewer.all ? sql<SqlBool>`true` : eb.or([sql<SqlBool>`starts_with(${viewer.unitPath}, units.path)`, managed])))
      .orderBy('units.path')
      .orderBy('labs.name_en')
      .orderBy('labs.id')
      .execute();
    return rows.map((row) => ({ ...labRecordOf(row), managedByViewer: Boolean(row.managed) }));
  }

  async find(id: string, executor: Executor = this.db): Promise<LabRecord | undefined> {
    const row = await selectLabs(executor).where('labs.id', '=', id).executeTakeFirst();
    return row && labRecordOf(row);
  }

  /** Every lab of the unit, in service or not, oldest first. */
  async idsOfUnit(unitId: string, executor: Executor = this.db): Promise<string[]> {
    const rows = await executor.selectFrom('labs').select('id').where('unit_id', '=', unitId).orderBy('created_at').orderBy('id').execute();
    return rows.map((row) => row.id);
  }

  async isManager(labId: string, userId: string, executor: Executor = this.db): Promise<boolean> {
    const row = await executor
      .selectFrom('lab_managers')
      .select('lab_id')
      .where('lab_id', '=', labId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row !== undefined;
  }

  async create(lab: NewLab, executor: Executor = this.db): Promise<string> {
    const { id } = await executor
      .insertInto('labs')
      .values({ unit_id: lab.unitId, name_zh: lab.nameZh, name_en: lab.nameEn, address: lab.address })
      .returning('id')
      .executeTakeFirstOrThrow();
    return id;
  }

  /** Makes a person one of the lab's managers; nothing happens if they already are. */
  async addManager(labId: string, userId: string, executor: Executor = this.db): Promise<void> {
    await executor
      .insertInto('lab_managers')
      .values({ lab_id: labId, user_id: userId })
      .onConflict((oc) => oc.columns(['lab_id', 'user_id']).doNothing())
      .execute();
  }

  /** Locks the lab's row, so slots of one lab are added one after the other (the overlap check sees every earlier one). */
  async lock(trx: Transaction<Database>, labId: string): Promise<boolean> {
    const row = await trx.selectFrom('labs').select('id').where('id', '=', labId).where('active', '=', true).forUpdate().executeTakeFirst();
    return row !== undefined;
  }

  /** The lab's slots that share some time with [startsAt, endsAt). */
  overlapping(trx: Transaction<Database>, labId: string, startsAt: Date, endsAt: Date): Promise<{ id: string }[]> {
    return trx
      .selectFrom('lab_slots')
      .select('id')
      .where('lab_id', '=', labId)
      .where('starts_at', '<', endsAt)
      .where('ends_at', '>', startsAt)
      .execute();
  }

  async insertSlot(trx: Transaction<Database>, slot: NewSlot): Promise<string> {
    const { id } = await trx
      .insertInto('lab_slots')
      .values({ lab_id: slot.labId, starts_at: slot.startsAt, ends_at: slot.endsAt, capacity: slot.capacity, created_by: slot.createdBy })
      .returning('id')
      .executeTakeFirstOrThrow();
    return id;
  }

  async findSlot(id: string, executor: Executor = this.db): Promise<LabSlotRecord | undefined> {
    const row = await selectSlots(executor).where('lab_slots.id', '=', id).executeTakeFirst();
    return row && slotRecordOf(row);
  }

  /** The lab's slots that share some time with [from, to), earliest first. */
  async slotsBetween(labId: string, from: Date, to: Date): Promise<LabSlotRecord[]> {
    const rows = await selectSlots(this.db)
      .where('lab_slots.lab_id', '=', labId)
      .where('lab_slots.starts_at', '<', to)
      .where('lab_slots.ends_at', '>', from)
      .orderBy('lab_slots.starts_at')
      .orderBy('lab_slots.id')
      .execute();
    return rows.map(slotRecordOf);
  }
}

/** True for rows whose lab (`labs` in the query) lists the person among its managers. */
export function labManagedBy(userId: string): Expression<SqlBool> {
  return sql<SqlBool>`exists (select 1 from lab_managers where lab_managers.lab_id = labs.id and lab_managers.user_id = ${userId})`;
}

function selectLabs(executor: Executor) {
  return executor
    .selectFrom('labs')
    .innerJoin('units', 'units.id', 'labs.unit_id')
    .where('labs.active', '=', true)
    .select(['labs.id', 'labs.name_zh', 'labs.name_en', 'labs.address', ...UNIT_COLUMNS]);
}

type LabRow = Awaited<ReturnType<ReturnType<typeof selectLabs>['executeTakeFirstOrThrow']>>;

function labRecordOf(row: LabRow): LabRecord {
  return {
    id: row.id,
    unit: unitOf(row),
    nameZh: row.name_zh,
    nameEn: row.name_en,
    address: row.address,
  };
}

function selectSlots(executor: Executor) {
  return executor
    .selectFrom('lab_slots')
    .innerJoin('users', 'users.id', 'lab_slots.created_by')
    .select([
      'lab_slots.id',
      'lab_slots.lab_id',
      'lab_slots.starts_at',
      'lab_slots.ends_at',
      'lab_slots.capacity',
      'lab_slots.booked',
      'lab_slots.created_at',
      'users.id as creator_id',
      'users.username as creator_username',
      'users.display_name as creator_display_name',
    ]);
}

type SlotRow = Awaited<ReturnType<ReturnType<typeof selectSlots>['executeTakeFirstOrThrow']>>;

function slotRecordOf(row: SlotRow): LabSlotRecord {
  return {
    id: row.id,
    labId: row.lab_id,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    capacity: row.capacity,
    booked: row.booked,
    createdBy: { id: row.creator_id, username: row.creator_username, displayName: row.creator_display_name },
    createdAt: row.created_at,
  };
}
