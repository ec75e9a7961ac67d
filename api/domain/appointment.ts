import type { Actor } from './access.js';
import type { PersonRef } from './room.js';
import type { UnitRef } from './review.js';
import type { AppointmentStatus, Role } from './vocabulary.js';

/** A laboratory that receives specimens (ADR 0020): it serves the units of its own unit's subtree. */
export interface LabRecord {
  id: string;
  unit: UnitRef & { path: string };
  nameZh: string;
  nameEn: string;
  address: string | null;
}

/** A lab as one person sees it: whether they may book its slots and whether they manage it. */
export interface LabView extends LabRecord {
  canBook: boolean;
  canManage: boolean;
}

export interface LabSlotRecord {
  id: string;
  labId: string;
  startsAt: Date;
  endsAt: Date;
  capacity: number;
  /** Places held by booked appointments. */
  booked: number;
  createdBy: PersonRef;
  createdAt: Date;
}

export interface AppointmentRecord {
  id: string;
  status: AppointmentStatus;
  slot: { id: string; labId: string; startsAt: Date; endsAt: Date };
  lab: { id: string; nameZh: string; nameEn: string };
  /** The unit the specimens come from: the booker's. */
  unit: UnitRef & { path: string };
  bookedBy: PersonRef;
  notes: string | null;
  specimenIds: string[];
  createdAt: Date;
  updatedAt: Date;
  cancelledAt: Date | null;
  cancelledBy: PersonRef | null;
}

/** A slot of a schedule with the appointments in it that the viewer may see. */
export interface ScheduledSlot extends LabSlotRecord {
  appointments: AppointmentRecord[];
}

/** The longest schedule one request may ask for: a month, so a week view across a month's end fits. */
export const MAX_SCHEDULE_DAYS = 31;

/** Trainees watch; everyone else may book a place for their own unit. */
export const mayBookAppointments = (role: Role) => role !== 'trainee';

/** Whether a lab of the unit at `labUnitPath` receives specimens from the unit at `unitPath`: it is that unit or above it. */
export const labServes = (labUnitPath: string, unitPath: string) => unitPath.startsWith(labUnitPath);

/** A lab as this person sees it; undefined when it is none of theirs (it neither serves their unit nor is managed by them). */
export function labViewFor(actor: Actor, lab: LabRecord, managedByActor: boolean): LabView | undefined {
  const serves = labServes(lab.unit.path, actor.unit.path);
  const canManage = actor.role === 'admin' || managedByActor;
  if (!serves && !canManage) return undefined;
  return { ...lab, canBook: serves && mayBookAppointments(actor.role), canManage };
}
