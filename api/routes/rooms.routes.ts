import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { endpoints } from '../contract/index.js';
import { badRequest } from '../domain/errors.js';
import { ROOM_EVENT_KINDS, type RoomEventKind } from '../domain/vocabulary.js';
import { actorOf } from '../http/authentication.js';
import { presentIdentificationHistoryEntry, presentRoom, presentRoomEvent, presentRoomParticipant } from '../presenters/index.js';
import type { RoomHosting } from '../realtime/room-hosting.js';
import type { RoomService } from '../services/room.service.js';

export interface RoomsRoutesOptions {
  rooms: RoomService;
  /** Which process hosts a live room (undefined when live rooms are off). */
  hosting: RoomHosting | undefined;
}

/** Live rooms (ADR 0009): consultations around a specimen and classes; room tokens for the `/rtc` signalling. */
export const roomsRoutes: FastifyPluginAsyncTypebox<RoomsRoutesOptions> = async (app, { rooms, hosting }) => {
  app.addHook('onRequest', app.authenticate);

  app.route({
    ...endpoints.createRoom,
    handler: async (request, reply) => reply.status(201).send(presentRoom(await rooms.create(actorOf(request), request.body))),
  });

  app.route({
    ...endpoints.listRooms,
    handler: async (request) => {
      const { specimenId, kind, active, enrolled, limit, offset } = request.query;
      const { items, total } = await rooms.list(actorOf(request), { specimenId, kind, active, enrolled }, { limit, offset });
      return { items: items.map(presentRoom), total, limit, offset };
    },
  });

  app.route({
    ...endpoints.getRoom,
    handler: async (request) => {
      const detail = await rooms.get(actorOf(request), request.params.id);
      return { ...detail, room: presentRoom(detail.room), participants: detail.participants.map(presentRoomParticipant) };
    },
  });

  app.route({
    ...endpoints.listRoomEvents,
    handler: async (request) => {
      const { kinds, limit, offset } = request.query;
      const { items, total } = await rooms.events(actorOf(request), request.params.id, parseKinds(kinds), { limit, offset });
      return { items: items.map(presentRoomEvent), total, limit, offset };
    },
  });

  app.route({
    ...endpoints.enrolTrainee,
    handler: async (request, reply) => {
      const { participant, created } = await rooms.enrol(actorOf(request), request.params.id, request.body.userId);
      return reply.status(created ? 201 : 200).send(presentRoomParticipant(participant));
    },
  });

  app.route({
    ...endpoints.endRoom,
    handler: async (request) => presentRoom(await rooms.end(actorOf(request), request.params.id)),
  });

  app.route({
    ...endpoints.issueRoomToken,
    handler: async (request) => {
      const token = await rooms.token(actorOf(request), request.params.id);
      const signallingUrl = (await hosting?.signallingUrlFor(token.roomId)) ?? null;
      return { ...token, expiresAt: token.expiresAt.toISOString(), signallingUrl };
    },
  });

  app.route({
    ...endpoints.recordRoomIdentification,
    handler: async (request, reply) => {
      const { group, taxon, lifeStage, confidence, notes } = request.body;
      const entry = await rooms.identify(actorOf(request), request.params.id, {
        group,
        taxon,
        lifeStage: lifeStage ?? null,
        confidence: confidence ?? null,
        notes: notes ?? null,
      });
      return reply.status(201).send(presentIdentificationHistoryEntry(entry));
    },
  });
};

function parseKinds(kinds: string | undefined): RoomEventKind[] | undefined {
  if (kinds === undefined) return undefined;
  const listed = kinds
    .split(',')
    .map((kind) => kind.trim())
    .filter(Boolean);
  const unknown = listed.filter((kind) => !(ROOM_EVENT_KINDS as readonly string[]).includes(kind));
  if (listed.length === 0 || unknown.length > 0) {
    throw badRequest('invalid_kinds', `kinds must be a comma-separated list of ${ROOM_EVENT_KINDS.join(', ')}`, { unknown });
  }
  return listed as RoomEventKind[];
}
