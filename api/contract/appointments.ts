import { Type, type Static } from 'typebox';
import { APPOINTMENT_STATUSES } from '../domain/vocabulary.js';
import { Unit } from './auth.js';
import { DateTime, errorResponses, Items, Nullable, Page, pageQuery, PersonRef, Uuid } from './common.js';
import { endpoint } from './endpoint.js';

export const Lab = Type.Object(
  {
    id: Uuid,
    unit: Unit,
    nameZh: Type.String(),
    nameEn: Type.String(),
    address: Nullable(Type.String()),
    canBook: Type.Boolean({
      description: "Whether the caller may book its slots: it serves the caller's unit and the caller is no trainee",
    }),
    canManage: Type.Boolean({
      description: 'Whether the caller publishes its slots and sees its whole schedule (its managers, administrators)',
    }),
  },
  { title: 'Lab', description: 'A laboratory that receives specimens from the units of its unit’s subtree' },
);

export const LabSlotBody = Type.Object(
  {
    startsAt: DateTime,
    endsAt: DateTime,
    capacity: Type.Integer({ minimum: 1, maximum: 1000, description: 'How many appointments the slot takes' }),
  },
  { title: 'LabSlotBody', additionalProperties: false },
);

export const LabSlot = Type.Object(
  {
    id: Uuid,
    labId: Uuid,
    startsAt: DateTime,
    endsAt: DateTime,
    capacity: Type.Integer({ minimum: 1 }),
    booked: Type.Integer({ minimum: 0, description: 'Places held by booked appointments' }),
    free: Type.Integer({ minimum: 0 }),
    createdBy: PersonRef,
    createdAt: DateTime,
  },
  { title: 'LabSlot', description: 'A time at which the lab receives specimens, with a number of places' },
);

const Notes = Type.String({ maxLength: 2000 });
const SpecimenIds = Type.Array(Uuid, {
  maxItems: 100,
  uniqueItems: true,
  description: 'Specimens in the caller’s scope that will be brought (else `422 unknown_specimen`)',
});

export const Appointment = Type.Object(
  {
    id: Uuid,
    status: Type.Enum(APPOINTMENT_STATUSES),
    slot: Type.Object({ id: Uuid, labId: Uuid, startsAt: DateTime, endsAt: DateTime }),
    lab: Type.Object({ id: Uuid, nameZh: Type.String(), nameEn: Type.String() }),
    unit: Unit,
    bookedBy: PersonRef,
    notes: Nullable(Type.String()),
    specimenIds: Type.Array(Uuid),
    createdAt: DateTime,
    updatedAt: DateTime,
    cancelledAt: Nullable(DateTime),
    cancelledBy: Nullable(PersonRef),
  },
  { title: 'Appointment', description: 'A place in a lab’s slot, booked by a unit to hand over physical specimens' },
);

export const AppointmentBody = Type.Object(
  { slotId: Uuid, notes: Type.Optional(Notes), specimenIds: Type.Optional(SpecimenIds) },
  { title: 'AppointmentBody', additionalProperties: false },
);

export const AppointmentPatch = Type.Object(
  {
    slotId: Type.Optional(Uuid),
    notes: Type.Optional(Nullable(Notes)),
    specimenIds: Type.Optional(SpecimenIds),
  },
  { title: 'AppointmentPatch', additionalProperties: false, minProperties: 1 },
);

export const AppointmentListQuery = Type.Object(
  {
    status: Type.Optional(Type.Enum(APPOINTMENT_STATUSES)),
    from: Type.Optional(Type.String({ format: 'date-time', description: 'Slots starting at or after' })),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'Slots starting before' })),
    ...pageQuery(200, 50),
  },
  { additionalProperties: false },
);

export const ScheduleQuery = Type.Object(
  {
    from: Type.String({ format: 'date-time', description: 'Slots ending after this' }),
    to: Type.String({ format: 'date-time', description: 'Slots starting before this; at most 31 days after `from`' }),
  },
  { additionalProperties: false },
);

export const ScheduledSlot = Type.Object(
  {
    ...LabSlot.properties,
    appointments: Type.Array(Appointment, {
      description: 'Booked appointments: all of them for the lab’s managers, those of the caller’s scope for others',
    }),
  },
  { title: 'ScheduledSlot' },
);

export const LabSchedule = Type.Object(
  { lab: Lab, from: DateTime, to: DateTime, slots: Type.Array(ScheduledSlot) },
  { title: 'LabSchedule', description: 'A lab’s slots in a period (a day, a week), earliest first' },
);

const LabParams = Type.Object({ id: Uuid });
const AppointmentParams = Type.Object({ id: Uuid });

export const appointmentEndpoints = {
  listLabs: endpoint({
    method: 'GET',
    url: '/api/v1/labs',
    schema: {
      operationId: 'listLabs',
      tags: ['appointments'],
      summary: "Labs that receive the caller's unit's specimens, and labs the caller manages (every lab for administrators)",
      response: { 200: Items(Lab), ...errorResponses(401) },
    },
  }),
  createLabSlot: endpoint({
    method: 'POST',
    url: '/api/v1/labs/:id/slots',
    schema: {
      operationId: 'createLabSlot',
      tags: ['appointments'],
      summary: 'Publish a slot with a number of places (the lab’s managers, administrators)',
      description: [
        'A slot must end after it starts (`422 invalid_slot_times`), must not have started (`422 slot_in_past`) and must not',
        'share time with another slot of the lab (`409 slot_overlaps`): the capacity says how many are received at once.',
      ].join('\n'),
      params: LabParams,
      body: LabSlotBody,
      response: { 201: LabSlot, ...errorResponses(400, 401, 403, 404, 409, 422) },
    },
  }),
  getLabSchedule: endpoint({
    method: 'GET',
    url: '/api/v1/labs/:id/schedule',
    schema: {
      operationId: 'getLabSchedule',
      tags: ['appointments'],
      summary: 'A lab’s slots between two instants (a day, a week) with their free places and appointments',
      params: LabParams,
      querystring: ScheduleQuery,
      response: { 200: LabSchedule, ...errorResponses(400, 401, 404) },
    },
  }),
  createAppointment: endpoint({
    method: 'POST',
    url: '/api/v1/appointments',
    schema: {
      operationId: 'createAppointment',
      tags: ['appointments'],
      summary: 'Book a place in a slot to hand over specimens (for the caller’s unit; not trainees)',
      description: [
        'Taking the place is atomic: when several people ask for the last place at once, one gets `201` and the others',
        '`409 slot_full`. A lab that does not serve the caller’s unit answers `403 lab_out_of_scope`; a slot that has',
        'started, `422 slot_in_past`; a specimen outside the caller’s scope, `422 unknown_specimen`.',
      ].join('\n'),
      body: AppointmentBody,
      response: { 201: Appointment, ...errorResponses(400, 401, 403, 404, 409, 422) },
    },
  }),
  listAppointments: endpoint({
    method: 'GET',
    url: '/api/v1/appointments',
    schema: {
      operationId: 'listAppointments',
      tags: ['appointments'],
      summary: "Appointments of the units in the caller's scope, the latest slot first",
      querystring: AppointmentListQuery,
      response: { 200: Page(Appointment), ...errorResponses(400, 401) },
    },
  }),
  getAppointment: endpoint({
    method: 'GET',
    url: '/api/v1/appointments/:id',
    schema: {
      operationId: 'getAppointment',
      tags: ['appointments'],
      summary: "One appointment of a unit in the caller's scope or at a lab the caller manages",
      params: AppointmentParams,
      response: { 200: Appointment, ...errorResponses(400, 401, 404) },
    },
  }),
  updateAppointment: endpoint({
    method: 'PATCH',
    url: '/api/v1/appointments/:id',
    schema: {
      operationId: 'updateAppointment',
      tags: ['appointments'],
      summary: 'Move an appointment to another slot, or change its notes or specimens (the booking unit’s people)',
      description: [
        'A move takes a place in the new slot and frees the old one in one step (`409 slot_full`, `422 slot_in_past`,',
        '`403 lab_out_of_scope` as for booking). Cancelled appointments answer `409 appointment_cancelled`, appointments',
        'whose slot has started `422 appointment_started`.',
      ].join('\n'),
      params: AppointmentParams,
      body: AppointmentPatch,
      response: { 200: Appointment, ...errorResponses(400, 401, 403, 404, 409, 422) },
    },
  }),
  cancelAppointment: endpoint({
    method: 'POST',
    url: '/api/v1/appointments/:id/cancel',
    schema: {
      operationId: 'cancelAppointment',
      tags: ['appointments'],
      summary: 'Cancel an appointment and free its place (the booking unit’s people, the lab’s managers)',
      params: AppointmentParams,
      response: { 200: Appointment, ...errorResponses(400, 401, 403, 404, 409, 422) },
    },
  }),
};

export type Lab = Static<typeof Lab>;
export type LabSlotBody = Static<typeof LabSlotBody>;
export type LabSlot = Static<typeof LabSlot>;
export type Appointment = Static<typeof Appointment>;
export type AppointmentBody = Static<typeof AppointmentBody>;
export type AppointmentPatch = Static<typeof AppointmentPatch>;
export type AppointmentListQuery = Static<typeof AppointmentListQuery>;
export type ScheduleQuery = Static<typeof ScheduleQuery>;
export type ScheduledSlot = Static<typeof ScheduledSlot>;
export type LabSchedule = Static<typeof LabSchedule>;
