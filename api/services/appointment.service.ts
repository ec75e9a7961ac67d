import type { Transaction } from 'kysely';
import type { AppointmentBody, AppointmentPatch } from '../contract/index.js';
import type { Database } from '../db/schema.js';
import { isUnitPathInScope, scopeOf, type Actor, type Scope } from '../domain/access.js';
import { labServes, mayBookAppointments, type AppointmentRecord } from '../domain/appointment.js';
import { AppError, conflict, forbidden, notFound, unprocessable } from '../domain/errors.js';
import type {
  AppointmentFilter,
  AppointmentForChange,
  AppointmentRepository,
  Page,
  SlotForBooking,
} from '../repositories/appointment.repository.js';
import { recordAudit } from '../repositories/audit.repository.js';
import type { LabRepository } from '../repositories/lab.repository.js';
import type { Transactions } from '../repositories/transactions.js';

/** What a person may do with an appointment they can see. */
type Access = 'change' | 'cancel' | 'read';

/**
 * Sample submission appointments (ADR 0020): port staff book a place in a lab's slot for their unit, move it, change what
 * they bring, or cancel it; a lab's managers may cancel too. Each change is one transaction that locks the appointment
 * and the slots it touches, takes and frees places with the appointment, and writes its audit entry.
 */
export class AppointmentService {
  constructor(
    private readonly transactions: Transactions,
    private readonly appointments: AppointmentRepository,
    private readonly labs: LabRepository,
  ) {}

  async book(actor: Actor, body: AppointmentBody): Promise<AppointmentRecord> {
    if (!mayBookAppointments(actor.role)) throw forbidden('Trainees cannot book appointments');
    const id = await this.transactions.run(async (trx) => {
      const [slot] = await this.appointments.lockSlots(trx, [body.slotId]);
      requireBookable(slot, actor.unit.path);
      const specimenIds = await this.checkedSpecimens(trx, scopeOf(actor), body.specimenIds ?? []);
      await this.takePlace(trx, slot);
      const appointmentId = await this.appointments.insert(trx, {
        slotId: slot.id,
        unitId: actor.unit.id,
        bookedBy: actor.id,
        notes: body.notes ?? null,
      });
      await this.appointments.setSpecimens(trx, appointmentId, specimenIds);
      await recordAudit(trx, {
        userId: actor.id,
        action: 'appointment.booked',
        entityType: 'appointment',
        entityId: appointmentId,
        before: null,
        after: { slotId: slot.id, unitId: actor.unit.id, notes: body.notes ?? null, specimenIds },
      });
      return appointmentId;
    });
    return this.found(actor, id);
  }

  list(actor: Actor, filter: AppointmentFilter, page: Page) {
    return this.appointments.listInScope(scopeOf(actor), filter, page);
  }

  get(actor: Actor, id: string): Promise<AppointmentRecord> {
    return this.found(actor, id);
  }

  async change(actor: Actor, id: string, patch: AppointmentPatch): Promise<AppointmentRecord> {
    await this.transactions.run(async (trx) => {
      const current = await this.lockFor(trx, actor, id, 'change');
      const slotId = patch.slotId ?? current.slotId;
      if (slotId !== current.slotId) {
        const target = (await this.appointments.lockSlots(trx, [current.slotId, slotId])).find((slot) => slot.id === slotId);
        requireBookable(target, current.unitPath);
        await this.takePlace(trx, target);
        await this.appointments.freePlace(trx, current.slotId);
      }
      const notes = patch.notes === undefined ? current.notes : patch.notes;
      const specimenIds =
        patch.specimenIds === undefined ? current.specimenIds : await this.checkedSpecimens(trx, scopeOf(actor), patch.specimenIds);
      await this.appointments.update(trx, id, { slotId, notes });
      if (patch.specimenIds !== undefined) await this.appointments.setSpecimens(trx, id, specimenIds);
      await recordAudit(trx, {
        userId: actor.id,
        action: 'appointment.changed',
        entityType: 'appointment',
        entityId: id,
        before: { slotId: current.slotId, notes: current.notes, specimenIds: current.specimenIds },
        after: { slotId, notes, specimenIds },
      });
    });
    return this.found(actor, id);
  }

  async cancel(actor: Actor, id: string): Promise<AppointmentRecord> {
    await this.transactions.run(async (trx) => {
      const current = await this.lockFor(trx, actor, id, 'cancel');
      await this.appointments.cancel(trx, id, actor.id);
      await this.appointments.freePlace(trx, current.slotId);
      await recordAudit(trx, {
        userId: actor.id,
        action: 'appointment.cancelled',
        entityType: 'appointment',
        entityId: id,
        before: { status: 'booked', slotId: current.slotId },
        after: { status: 'cancelled', slotId: current.slotId },
      });
    });
    return this.found(actor, id);
  }

  /** Locks a booked appointment whose slot has not started, if the actor may do `wanted` with it. */
  private async lockFor(
    trx: Transaction<Database>,
    actor: Actor,
    id: string,
    wanted: Exclude<Access, 'read'>,
  ): Promise<AppointmentForChange> {
    const current = await this.appointments.lock(trx, id);
    const access = current && (await this.accessTo(trx, actor, current));
    if (!current || !access) throw notFound('Appointment');
    if (access === 'read' || (wanted === 'change' && access !== 'change'))
      throw forbidden(wanted === 'change' ? 'Only the booking unit’s people change an appointment' : 'You may not cancel this appointment');
    if (current.status === 'cancelled') throw conflict('appointment_cancelled', 'The appointment has been cancelled');
    if (current.slotStartsAt <= new Date())
      throw unprocessable('appointment_started', 'The appointment’s slot has started: it can no longer be changed or cancelled', {
        startsAt: current.slotStartsAt.toISOString(),
      });
    return current;
  }

  /**
   * The booking unit's people (not trainees) change and cancel; the lab's managers and administrators cancel; anyone
   * else who sees it (trainees of the unit) only reads; undefined: the appointment is none of the actor's business.
   */
  private async accessTo(trx: Transaction<Database>, actor: Actor, appointment: AppointmentForChange): Promise<Access | undefined> {
    const ofOwnUnit = isUnitPathInScope(scopeOf(actor), appointment.unitPath);
    if (ofOwnUnit && mayBookAppointments(actor.role)) return 'change';
    if (actor.role === 'admin' || (await this.labs.isManager(appointment.labId, actor.id, trx))) return 'cancel';
    return ofOwnUnit ? 'read' : undefined;
  }

  private async takePlace(trx: Transaction<Database>, slot: SlotForBooking): Promise<void> {
    if (!(await this.appointments.takePlace(trx, slot.id)))
      throw conflict('slot_full', 'Every place of this slot is taken', { slotId: slot.id });
  }

  private async checkedSpecimens(trx: Transaction<Database>, scope: Scope, ids: readonly string[]): Promise<string[]> {
    const known = await this.appointments.specimensInScope(trx, ids, scope);
    const unknown = ids.filter((id) => !known.has(id));
    if (unknown.length > 0) throw unprocessable('unknown_specimen', 'No specimen in your scope has these ids', { specimenIds: unknown });
    return [...ids].sort();
  }

  private async found(actor: Actor, id: string): Promise<AppointmentRecord> {
    const appointment = await this.appointments.findVisible(id, { scope: scopeOf(actor), userId: actor.id });
    if (!appointment) throw notFound('Appointment');
    return appointment;
  }
}

/** The slot exists at an active lab that serves the unit, and has not started. */
function requireBookable(slot: SlotForBooking | undefined, unitPath: string): asserts slot is SlotForBooking {
  if (!slot) throw notFound('Slot');
  if (!labServes(slot.labUnitPath, unitPath))
    throw new AppError(403, 'lab_out_of_scope', 'This lab does not receive specimens from your unit; book at your district’s lab', {
      labId: slot.labId,
    });
  if (slot.startsAt <= new Date())
    throw unprocessable('slot_in_past', 'The slot has already started', { startsAt: slot.startsAt.toISOString() });
}
