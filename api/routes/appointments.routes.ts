import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { endpoints } from '../contract/index.js';
import { actorOf } from '../http/authentication.js';
import { presentAppointment, presentLab, presentLabSlot, presentScheduledSlot } from '../presenters/appointments.js';
import type { AppointmentService } from '../services/appointment.service.js';
import type { LabService } from '../services/lab.service.js';

/** Sample submission appointments (ADR 0020): labs, their slots and schedules, and the appointments booked in them. */
export const appointmentsRoutes: FastifyPluginAsyncTypebox<{ labs: LabService; appointments: AppointmentService }> = async (
  app,
  { labs, appointments },
) => {
  app.addHook('onRequest', app.authenticate);

  app.route({
    ...endpoints.listLabs,
    handler: async (request) => ({ items: (await labs.list(actorOf(request))).map(presentLab) }),
  });

  app.route({
    ...endpoints.createLabSlot,
    handler: async (request, reply) =>
      reply.status(201).send(presentLabSlot(await labs.createSlot(actorOf(request), request.params.id, request.body))),
  });

  app.route({
    ...endpoints.getLabSchedule,
    handler: async (request) => {
      const { from, to } = request.query;
      const { lab, slots } = await labs.schedule(actorOf(request), request.params.id, new Date(from), new Date(to));
      return { lab: presentLab(lab), from, to, slots: slots.map(presentScheduledSlot) };
    },
  });

  app.route({
    ...endpoints.createAppointment,
    handler: async (request, reply) => reply.status(201).send(presentAppointment(await appointments.book(actorOf(request), request.body))),
  });

  app.route({
    ...endpoints.listAppointments,
    handler: async (request) => {
      const { status, from, to, limit, offset } = request.query;
      const filter = { status, from: from === undefined ? undefined : new Date(from), to: to === undefined ? undefined : new Date(to) };
      const { items, total } = await appointments.list(actorOf(request), filter, { limit, offset });
      return { items: items.map(presentAppointment), total, limit, offset };
    },
  });

  app.route({
    ...endpoints.getAppointment,
    handler: async (request) => presentAppointment(await appointments.get(actorOf(request), request.params.id)),
  });

  app.route({
    ...endpoints.updateAppointment,
    handler: async (request) => presentAppointment(await appointments.change(actorOf(request), request.params.id, request.body)),
  });

  app.route({
    ...endpoints.cancelAppointment,
    handler: async (request) => presentAppointment(await appointments.cancel(actorOf(request), request.params.id)),
  });
};
