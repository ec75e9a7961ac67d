import type { LabSlotBody } from '../contract/index.js';
import { scopeOf, type Actor } from '../domain/access.js';
import { labViewFor, MAX_SCHEDULE_DAYS, type LabSlotRecord, type LabView, type ScheduledSlot } from '../domain/appointment.js';
import { badRequest, conflict, forbidden, notFound, unprocessable } from '../domain/errors.js';
import type { AppointmentRepository } from '../repositories/appointment.repository.js';
import { recordAudit } from '../repositories/audit.repository.js';
import type { LabRepository } from '../repositories/lab.repository.js';
import type { Transactions } from '../repositories/transactions.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Laboratories as people see them (ADR 0020): the labs that serve their unit and those they manage, the slots managers
 * publish, and a lab's schedule for a day or a week — every appointment for its managers, free places and their own
 * unit's appointments for everyone else.
 */
export class LabService {
  constructor(
    private readonly transactions: Transactions,
    private readonly labs: LabRepository,
    private readonly appointments: AppointmentRepository,
  ) {}

  async list(actor: Actor): Promise<LabView[]> {
    const listed = await this.labs.listFor({ userId: actor.id, unitPath: actor.unit.path, all: actor.role === 'admin' });
    return listed.flatMap(({ managedByViewer, ...lab }) => labViewFor(actor, lab, managedByViewer) ?? []);
  }

  async createSlot(actor: Actor, labId: string, body: LabSlotBody): Promise<LabSlotRecord> {
    const lab = await this.visible(actor, labId);
    if (!lab.canManage) throw forbidden('Only the lab’s managers and administrators publish its slots');
    const startsAt = new Date(body.startsAt);
    const endsAt = new Date(body.endsAt);
    if (endsAt <= startsAt)
      throw unprocessable('invalid_slot_times', 'A slot must end after it starts', { startsAt: body.startsAt, endsAt: body.endsAt });
    if (startsAt <= new Date()) throw unprocessable('slot_in_past', 'A slot must start in the future', { startsAt: body.startsAt });
    const id = await this.transactions.run(async (trx) => {
      if (!(await this.labs.lock(trx, labId))) throw notFound('Lab');
      const overlapping = await this.labs.overlapping(trx, labId, startsAt, endsAt);
      if (overlapping.length > 0)
        throw conflict('slot_overlaps', 'The lab already has a slot at that time; give it more places instead', {
          slotIds: overlapping.map((slot) => slot.id),
        });
      const slotId = await this.labs.insertSlot(trx, { labId, startsAt, endsAt, capacity: body.capacity, createdBy: actor.id });
      await recordAudit(trx, {
        userId: actor.id,
        action: 'lab_slot.created',
        entityType: 'lab_slot',
        entityId: slotId,
        before: null,
        after: { labId, startsAt: startsAt.toISOString(), endsAt: endsAt.toISOString(), capacity: body.capacity },
      });
      return slotId;
    });
    const slot = await this.labs.findSlot(id);
    if (!slot) throw new Error(`slot ${id} vanished right after it was created`);
    return slot;
  }

  async schedule(actor: Actor, labId: string, from: Date, to: Date): Promise<{ lab: LabView; slots: ScheduledSlot[] }> {
    if (to <= from) throw badRequest('invalid_range', '`to` must come after `from`', { from: from.toISOString(), to: to.toISOString() });
    if (to.getTime() - from.getTime() > MAX_SCHEDULE_DAYS * DAY_MS)
      throw badRequest('invalid_range', `A schedule covers at most ${MAX_SCHEDULE_DAYS} days`, { maxDays: MAX_SCHEDULE_DAYS });
    const lab = await this.visible(actor, labId);
    const slots = await this.labs.slotsBetween(labId, from, to);
    const appointments = await this.appointments.booked(
      slots.map((slot) => slot.id),
      lab.canManage ? { all: true } : scopeOf(actor),
    );
    return {
      lab,
      slots: slots.map((slot) => ({ ...slot, appointments: appointments.filter((appointment) => appointment.slot.id === slot.id) })),
    };
  }

  /** The lab if it is one of the actor's (serving their unit or managed by them); 404 otherwise, as for an unknown id. */
  private async visible(actor: Actor, labId: string): Promise<LabView> {
    const lab = await this.labs.find(labId);
    const view = lab && labViewFor(actor, lab, await this.labs.isManager(labId, actor.id));
    if (!view) throw notFound('Lab');
    return view;
  }
}
