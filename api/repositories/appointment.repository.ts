import type { Transaction } from 'kysely';
import type { Db } from '../db/database.js';
import type { Database } from '../db/schema.js';
import type { Scope } from '../domain/access.js';
import type { AppointmentRecord } from '../domain/appointment.js';
import type { AppointmentStatus } from '../domain/vocabulary.js';
import { labManagedBy } from './lab.repository.js';
import { unitInScope } from './scope-filter.js';
import { UNIT_COLUMNS, unitOf } from './unit-columns.js';

type Executor = Db | Transaction<Database>;

/** A slot as booking needs it, locked for the rest of the transaction. */
export interface SlotForBooking {
  id: string;
  labId: string;
  /** The path of the lab's unit: the lab serves that unit's subtree. */
  labUnitPath: string;
  startsAt: Date;
}

/** An appointment as a change needs it, locked for the rest of the transaction. */
export interface AppointmentForChange {
  id: string;
  status: AppointmentStatus;
  slotId: string;
  labId: string;
  slotStartsAt: Date;
  unitPath: string;
  notes: string | null;
  specimenIds: string[];
}

export interface NewAppointment {
  slotId: string;
  unitId: string;
  bookedBy: string;
  notes: string | null;
}

/** Who reads appointments: those of units in their scope, plus every appointment at the labs they manage. */
export interface AppointmentViewer {
  scope: Scope;
  userId: string;
}

export interface AppointmentFilter {
  status?: AppointmentStatus | undefined;
  /** On the slot's start. */
  from?: Date | undefined;
  to?: Date | undefined;
}

export interface Page {
  limit: number;
  offset: number;
}

/**
 * Appointments and the places they hold (ADR 0020). Every write runs in the caller's transaction: a place is taken with
 * one conditional update of the slot's count (`takePlace`), in the transaction that inserts or moves the appointment,
 * so two people taking the last place at once cannot both succeed on either database, and the count always equals the
 * slot's booked appointments.
 */
export class AppointmentRepository {
  constructor(private readonly db: Db) {}

  /** Locks the slots (in id order, so two moves between the same slots cannot deadlock) of active labs among `ids`. */
  async lockSlots(trx: Transaction<Database>, ids: readonly string[]): Promise<SlotForBooking[]> {
    const rows = await trx
      .selectFrom('lab_slots')
      .innerJoin('labs', 'labs.id', 'lab_slots.lab_id')
      .innerJoin('units', 'units.id', 'labs.unit_id')
      .select(['lab_slots.id', 'lab_slots.lab_id', 'lab_slots.starts_at', 'units.path as lab_unit_path'])
      .where('lab_slots.id', 'in', [...new Set(ids)])
      .where('labs.active', '=', true)
      .orderBy('lab_slots.id')
      .forUpdate('lab_slots')
      .execute();
    return rows.map((row) => ({ id: row.id, labId: row.lab_id, labUnitPath: row.lab_unit_path, startsAt: row.starts_at }));
  }

  /** Takes one place of the slot if one is free; false when it is full. */
  async takePlace(trx: Transaction<Database>, slotId: string): Promise<boolean> {
    const taken = await trx
      .updateTable('lab_slots')
      .set((eb) => ({ booked: eb('booked', '+', 1) }))
      .where('id', '=', slotId)
      .whereRef('booked', '<', 'capacity')
      .returning('id')
      .executeTakeFirst();
    return taken !== undefined;
  }

  async freePlace(trx: Transaction<Database>, slotId: string): Promise<void> {
    await trx
      .updateTable('lab_slots')
      .set((eb) => ({ booked: eb('booked', '-', 1) }))
      .where('id', '=', slotId)
      .execute();
  }

  async insert(trx: Transaction<Database>, appointment: NewAppointment): Promise<string> {
    const { id } = await trx
      .insertInto('appointments')
      .values({ slot_id: appointment.slotId, unit_id: appointment.unitId, booked_by: appointment.bookedBy, notes: appointment.notes })
      .returning('id')
      .executeTakeFirstOrThrow();
    return id;
  }

  /** The appointment's specimens become exactly these. */
  async setSpecimens(trx: Transaction<Database>, appointmentId: string, specimenIds: readonly string[]): Promise<void> {
    await trx.deleteFrom('appointment_specimens').where('appointment_id', '=', appointmentId).execute();
    if (specimenIds.length === 0) return;
    await trx
      .insertInto('appointment_specimens')
      .values(specimenIds.map((specimenId) => ({ appointment_id: appointmentId, specimen_id: specimenId })))
      .execute();
  }

  /** Those of `ids` that are specimens in the scope. */
  async specimensInScope(trx: Transaction<Database>, ids: readonly string[], scope: Scope): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await trx
      .selectFrom('specimens')
      .select('id')
      .where('id', 'in', [...ids])
      .where((eb) => unitInScope(eb, eb.ref('specimens.unit_id'), scope))
      .execute();
    return new Set(rows.map((row) => row.id));
  }

  /** Locks the appointment row: changes and cancellations of one appointment are taken one after the other. */
  async lock(trx: Transaction<Database>, id: string): Promise<AppointmentForChange | undefined> {
    const row = await trx
      .selectFrom('appointments')
      .innerJoin('lab_slots', 'lab_slots.id', 'appointments.slot_id')
      .innerJoin('units', 'units.id', 'appointments.unit_id')
      .select([
        'appointments.id',
        'appointments.status',
        'appointments.slot_id',
        'appointments.notes',
        'lab_slots.lab_id',
        'lab_slots.starts_at',
        'units.path as unit_path',
      ])
      .where('appointments.id', '=', id)
      .forUpdate('appointments')
      .executeTakeFirst();
    if (!row) return undefined;
    const specimens = await specimenIdsOf(trx, [id]);
    return {
      id: row.id,
      status: row.status,
      slotId: row.slot_id,
      labId: row.lab_id,
      slotStartsAt: row.starts_at,
      unitPath: row.unit_path,
      notes: row.notes,
      specimenIds: specimens.get(id) ?? [],
    };
  }

  async update(trx: Transaction<Database>, id: string, changes: { slotId: string; notes: string | null }): Promise<void> {
    await trx
      .updateTable('appointments')
      .set({ slot_id: changes.slotId, notes: changes.notes, updated_at: new Date() })
      .where('id', '=', id)
      .execute();
  }

  async cancel(trx: Transaction<Database>, id: string, userId: string): Promise<void> {
    const at = new Date();
    await trx
      .updateTable('appointments')
      .set({ status: 'cancelled', cancelled_at: at, cancelled_by: userId, updated_at: at })
      .where('id', '=', id)
      .execute();
  }

  /** The appointment if the viewer may see it: its unit is in their scope, or they manage its lab. */
  async findVisible(id: string, viewer: AppointmentViewer, executor: Executor = this.db): Promise<AppointmentRecord | undefined> {
    const [appointment] = await this.select(executor, (query) =>
      query
        .where('appointments.id', '=', id)
        .where((eb) => eb.or([unitInScope(eb, eb.ref('appointments.unit_id'), viewer.scope), labManagedBy(viewer.userId)])),
    );
    return appointment;
  }

  /** Appointments of units in scope, the latest slot first. */
  async listInScope(scope: Scope, filter: AppointmentFilter, page: Page): Promise<{ items: AppointmentRecord[]; total: number }> {
    const restrict = <Q extends AppointmentQuery>(query: Q): Q => {
      let refined = query.where((eb) => unitInScope(eb, eb.ref('appointments.unit_id'), scope));
      if (filter.status) refined = refined.where('appointments.status', '=', filter.status);
      if (filter.from) refined = refined.where('lab_slots.starts_at', '>=', filter.from);
      if (filter.to) refined = refined.where('lab_slots.starts_at', '<', filter.to);
      return refined as Q;
    };
    const { total } = await restrict(baseQuery(this.db))
      .select((eb) => eb.fn.countAll<number>().as('total'))
      .executeTakeFirstOrThrow();
    const items = await this.select(this.db, (query) =>
      restrict(query)
        .orderBy('lab_slots.starts_at', 'desc')
        .orderBy('appointments.created_at')
        .orderBy('appointments.id')
        .limit(page.limit)
        .offset(page.offset),
    );
    return { items, total: Number(total) };
  }

  /** The booked appointments of these slots whose units are in scope, in the order they were made. */
  booked(slotIds: readonly string[], scope: Scope): Promise<AppointmentRecord[]> {
    if (slotIds.length === 0) return Promise.resolve([]);
    return this.select(this.db, (query) =>
      query
        .where('appointments.slot_id', 'in', [...slotIds])
        .where('appointments.status', '=', 'booked')
        .where((eb) => unitInScope(eb, eb.ref('appointments.unit_id'), scope))
        .orderBy('appointments.created_at')
        .orderBy('appointments.id'),
    );
  }

  private async select(executor: Executor, refine: (query: AppointmentQuery) => AppointmentQuery): Promise<AppointmentRecord[]> {
    const rows = await refine(baseQuery(executor))
      .leftJoin('users as canceller', 'canceller.id', 'appointments.cancelled_by')
      .select([
        'appointments.id',
        'appointments.status',
        'appointments.notes',
        'appointments.created_at',
        'appointments.updated_at',
        'appointments.cancelled_at',
        'lab_slots.id as slot_id',
        'lab_slots.starts_at',
        'lab_slots.ends_at',
        'labs.id as lab_id',
        'labs.name_zh as lab_name_zh',
        'labs.name_en as lab_name_en',
        ...UNIT_COLUMNS,
        'booker.id as booker_id',
        'booker.username as booker_username',
        'booker.display_name as booker_display_name',
        'canceller.id as canceller_id',
        'canceller.username as canceller_username',
        'canceller.display_name as canceller_display_name',
      ])
      .execute();
    const specimens = await specimenIdsOf(
      executor,
      rows.map((row) => row.id),
    );
    return rows.map((row) => ({
      id: row.id,
      status: row.status,
      slot: { id: row.slot_id, labId: row.lab_id, startsAt: row.starts_at, endsAt: row.ends_at },
      lab: { id: row.lab_id, nameZh: row.lab_name_zh, nameEn: row.lab_name_en },
      unit: unitOf(row),
      bookedBy: { id: row.booker_id, username: row.booker_username, displayName: row.booker_display_name },
      notes: row.notes,
      specimenIds: specimens.get(row.id) ?? [],
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      cancelledAt: row.cancelled_at,
      cancelledBy:
        row.canceller_id === null || row.canceller_username === null || row.canceller_display_name === null
          ? null
          : { id: row.canceller_id, username: row.canceller_username, displayName: row.canceller_display_name },
    }));
  }
}

/** Appointments with their slot, lab, unit and booker: what every read filters on. */
function baseQuery(executor: Executor) {
  return executor
    .selectFrom('appointments')
    .innerJoin('lab_slots', 'lab_slots.id', 'appointments.slot_id')
    .innerJoin('labs', 'labs.id', 'lab_slots.lab_id')
    .innerJoin('units', 'units.id', 'appointments.unit_id')
    .innerJoin('users as booker', 'booker.id', 'appointments.booked_by');
}

type AppointmentQuery = ReturnType<typeof baseQuery>;

async function specimenIdsOf(executor: Executor, appointmentIds: readonly string[]): Promise<Map<string, string[]>> {
  const byAppointment = new Map<string, string[]>();
  if (appointmentIds.length === 0) return byAppointment;
  const rows = await executor
    .selectFrom('appointment_specimens')
    .select(['appointment_id', 'specimen_id'])
    .where('appointment_id', 'in', [...appointmentIds])
    .orderBy('specimen_id')
    .execute();
  for (const row of rows) byAppointment.set(row.appointment_id, [...(byAppointment.get(row.appointment_id) ?? []), row.specimen_id]);
  return byAppointment;
}
