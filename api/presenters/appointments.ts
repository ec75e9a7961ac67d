import type { Appointment, Lab, LabSlot, ScheduledSlot } from '../contract/index.js';
import type { AppointmentRecord, LabSlotRecord, LabView, ScheduledSlot as ScheduledSlotRecord } from '../domain/appointment.js';

export function presentLab({ unit: { path: _path, ...unit }, ...lab }: LabView): Lab {
  return { ...lab, unit };
}

export function presentLabSlot(slot: LabSlotRecord): LabSlot {
  return {
    ...slot,
    startsAt: slot.startsAt.toISOString(),
    endsAt: slot.endsAt.toISOString(),
    free: slot.capacity - slot.booked,
    createdAt: slot.createdAt.toISOString(),
  };
}

export function presentScheduledSlot({ appointments, ...slot }: ScheduledSlotRecord): ScheduledSlot {
  return { ...presentLabSlot(slot), appointments: appointments.map(presentAppointment) };
}

export function presentAppointment({ unit: { path: _path, ...unit }, ...appointment }: AppointmentRecord): Appointment {
  return {
    ...appointment,
    unit,
    slot: { ...appointment.slot, startsAt: appointment.slot.startsAt.toISOString(), endsAt: appointment.slot.endsAt.toISOString() },
    createdAt: appointment.createdAt.toISOString(),
    updatedAt: appointment.updatedAt.toISOString(),
    cancelledAt: appointment.cancelledAt?.toISOString() ?? null,
  };
}
