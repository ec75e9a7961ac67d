import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { GROUPS } from '../../datasets/taxonomy.js';
import { ROOM_EVENT_KINDS, ROOM_KINDS, ROOM_ROLES, ROOM_TOKEN_TTL_SECONDS, type RoomEventKind } from '../domain/room.js';
import { LIFE_STAGES } from '../domain/specimen.js';
import { actorOf } from '../http/authentication.js';
import { badRequest } from '../http/errors.js';
import { presentIdentificationHistoryEntry, presentRoom, presentRoomParticipant } from '../http/presenters.js';
import { errorResponses, IdentificationHistoryEntrySchema } from '../http/schemas.js';
import type { RoomHosting } from '../realtime/room-hosting.js';
import { presentRoomEvent } from '../realtime/room-recorder.js';
import type { RoomService } from '../services/room.service.js';

export interface RoomsRoutesOptions {
  rooms: RoomService;
  /** Which process hosts a live room (undefined when live rooms are off). */
  hosting: RoomHosting | undefined;
}

const Uuid = Type.String({ format: 'uuid' });
const RoomId = Type.Object({ id: Uuid });
const Title = Type.String({ minLength: 1, maxLength: 200 });
const PersonSchema = Type.Object({ id: Uuid, username: Type.String(), displayName: Type.String() });

const RoomSchema = Type.Object({
  id: Uuid,
  kind: Type.Enum(ROOM_KINDS),
  title: Type.String(),
  specimenId: Type.Union([Uuid, Type.Null()], { description: 'The specimen a consultation is about; null for a class' }),
  unitId: Type.String({ format: 'uuid', description: 'The unit whose scope the room is in: the specimen\'s (consultation), the creator\'s (class)' }),
  createdBy: PersonSchema,
  createdAt: Type.String({ format: 'date-time' }),
  endedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  active: Type.Boolean({ description: 'Not ended' }),
});
const ParticipantSchema = Type.Object({ user: PersonSchema, role: Type.Enum(ROOM_ROLES), enrolledAt: Type.String({ format: 'date-time' }) });
const RoomDetailSchema = Type.Object({
  room: RoomSchema,
  participants: Type.Array(ParticipantSchema, { description: 'The host, and the trainees enrolled in a class' }),
  counts: Type.Object({
    participants: Type.Integer({ minimum: 0 }),
    events: Type.Record(Type.String(), Type.Integer({ minimum: 0 }), { description: 'Recorded events by kind' }),
  }),
  live: Type.Object(
    { open: Type.Boolean(), peers: Type.Integer({ minimum: 0 }) },
    { description: 'Whether the room is open on this API process now, and how many people are connected to it' },
  ),
});
const RoomEventSchema = Type.Object({
  id: Uuid,
  kind: Type.Enum(ROOM_EVENT_KINDS),
  userId: Uuid,
  displayName: Type.String(),
  payload: Type.Record(Type.String(), Type.Unknown(), { description: 'chat: {text}; annotation: {shape, points, colour, text?}; still: {imageId}; joined: {role}' }),
  at: Type.String({ format: 'date-time' }),
});
const RoomTokenSchema = Type.Object({
  token: Type.String({ description: `JWT (audience vectordesk-room, ${ROOM_TOKEN_TTL_SECONDS / 60} min): pass it as \`auth.roomToken\` when connecting to the /rtc socket.io namespace` }),
  roomId: Uuid,
  kind: Type.Enum(ROOM_KINDS),
  role: Type.Enum(ROOM_ROLES),
  expiresAt: Type.String({ format: 'date-time' }),
  signallingUrl: Type.Union([Type.String(), Type.Null()], {
    description: 'Where to connect for /rtc: the server the room is live on, when several serve the rooms; null: this same address',
  }),
});

const CreateRoomBody = Type.Union([
  Type.Object(
    { kind: Type.Literal('consultation'), specimenId: Uuid, title: Type.Optional(Title) },
    { additionalProperties: false, description: 'A remote diagnosis around a specimen in your scope; you host it' },
  ),
  Type.Object(
    { kind: Type.Literal('class'), title: Title, trainees: Type.Optional(Type.Array(Uuid, { maxItems: 500, description: 'User ids of trainees to enrol' })) },
    { additionalProperties: false, description: 'A class you present; enrolled trainees attend' },
  ),
]);

const IdentificationBody = Type.Object(
  {
    group: Type.Enum(GROUPS),
    taxon: Type.String({ minLength: 1, maxLength: 200, description: 'A taxon id of the taxonomy (scientific name), in `group`' }),
    lifeStage: Type.Optional(Type.Union([Type.Enum(LIFE_STAGES), Type.Null()])),
    confidence: Type.Optional(Type.Union([Type.Number({ minimum: 0, maximum: 1 }), Type.Null()])),
    notes: Type.Optional(Type.Union([Type.String({ maxLength: 5000 }), Type.Null()])),
  },
  { additionalProperties: false },
);

/** Live rooms (ADR 0009): consultations around a specimen and classes; room tokens for the `/rtc` signalling. */
export const roomsRoutes: FastifyPluginAsyncTypebox<RoomsRoutesOptions> = async (app, { rooms, hosting }) => {
  app.addHook('preHandler', app.authenticate);

  app.post(
    '/api/v1/rooms',
    {
      schema: {
        tags: ['rooms'],
        summary: 'Open a consultation on a specimen, or a class (experts and administrators)',
        body: CreateRoomBody,
        response: { 201: RoomSchema, ...errorResponses(400, 401, 403, 404, 422) },
      },
    },
    async (request, reply) => reply.status(201).send(presentRoom(await rooms.create(actorOf(request), request.body))),
  );

  app.get(
    '/api/v1/rooms',
    {
      schema: {
        tags: ['rooms'],
        summary: 'Rooms in the caller\'s scope and classes they are enrolled in, newest first',
        querystring: Type.Object(
          {
            specimenId: Type.Optional(Uuid),
            kind: Type.Optional(Type.Enum(ROOM_KINDS)),
            active: Type.Optional(Type.Boolean({ description: 'true: not ended; false: ended' })),
            limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
            offset: Type.Integer({ minimum: 0, default: 0 }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ items: Type.Array(RoomSchema), total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer() }),
          ...errorResponses(400, 401),
        },
      },
    },
    async (request) => {
      const { specimenId, kind, active, limit, offset } = request.query;
      const { items, total } = await rooms.list(actorOf(request), { specimenId, kind, active }, { limit, offset });
      return { items: items.map(presentRoom), total, limit, offset };
    },
  );

  app.get(
    '/api/v1/rooms/:id',
    {
      schema: { tags: ['rooms'], summary: 'A room, its participants and counts', params: RoomId, response: { 200: RoomDetailSchema, ...errorResponses(400, 401, 404) } },
    },
    async (request) => {
      const detail = await rooms.get(actorOf(request), request.params.id);
      return { ...detail, room: presentRoom(detail.room), participants: detail.participants.map(presentRoomParticipant) };
    },
  );

  app.get(
    '/api/v1/rooms/:id/events',
    {
      schema: {
        tags: ['rooms'],
        summary: 'The room\'s record (joins, leaves, chat, annotations, shared stills), oldest first',
        params: RoomId,
        querystring: Type.Object(
          {
            kinds: Type.Optional(Type.String({ maxLength: 200, description: `Comma-separated kinds to list: ${ROOM_EVENT_KINDS.join(', ')}` })),
            limit: Type.Integer({ minimum: 1, maximum: 5000, default: 1000 }),
            offset: Type.Integer({ minimum: 0, default: 0 }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ items: Type.Array(RoomEventSchema), total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer() }),
          ...errorResponses(400, 401, 404),
        },
      },
    },
    async (request) => {
      const { kinds, limit, offset } = request.query;
      const { items, total } = await rooms.events(actorOf(request), request.params.id, parseKinds(kinds), { limit, offset });
      return { items: items.map(presentRoomEvent), total, limit, offset };
    },
  );

  app.post(
    '/api/v1/rooms/:id/participants',
    {
      schema: {
        tags: ['rooms'],
        summary: 'Enrol a trainee in a class (its presenter or an administrator); 200 when already enrolled',
        params: RoomId,
        body: Type.Object({ userId: Uuid, role: Type.Literal('trainee') }, { additionalProperties: false }),
        response: { 200: ParticipantSchema, 201: ParticipantSchema, ...errorResponses(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const { participant, created } = await rooms.enrol(actorOf(request), request.params.id, request.body.userId);
      return reply.status(created ? 201 : 200).send(presentRoomParticipant(participant));
    },
  );

  app.post(
    '/api/v1/rooms/:id/end',
    {
      schema: {
        tags: ['rooms'],
        summary: 'End a room (its host or an administrator): everyone connected is sent home and no new token is issued',
        params: RoomId,
        response: { 200: RoomSchema, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => presentRoom(await rooms.end(actorOf(request), request.params.id)),
  );

  app.post(
    '/api/v1/rooms/:id/token',
    {
      schema: {
        tags: ['rooms'],
        summary: 'A room token to join the room\'s live session, with the caller\'s role in it',
        description:
          'Consultation: its host and administrators get `host`, other experts and staff in scope of the specimen `participant`; trainees are refused. ' +
          'Class: its presenter and administrators get `host`, enrolled trainees `trainee`; anyone else is refused. An ended room answers 409.',
        params: RoomId,
        response: { 200: RoomTokenSchema, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const token = await rooms.token(actorOf(request), request.params.id);
      const signallingUrl = (await hosting?.signallingUrlFor(token.roomId)) ?? null;
      return { ...token, expiresAt: token.expiresAt.toISOString(), signallingUrl };
    },
  );

  app.post(
    '/api/v1/rooms/:id/identification',
    {
      schema: {
        tags: ['rooms'],
        summary: 'Record the expert identification made in a consultation (its host); it joins the specimen\'s identification history',
        params: RoomId,
        body: IdentificationBody,
        response: { 201: IdentificationHistoryEntrySchema, ...errorResponses(400, 401, 403, 404, 422) },
      },
    },
    async (request, reply) => {
      const { group, taxon, lifeStage, confidence, notes } = request.body;
      const entry = await rooms.identify(actorOf(request), request.params.id, { group, taxon, lifeStage: lifeStage ?? null, confidence: confidence ?? null, notes: notes ?? null });
      return reply.status(201).send(presentIdentificationHistoryEntry(entry));
    },
  );
};

function parseKinds(kinds: string | undefined): RoomEventKind[] | undefined {
  if (kinds === undefined) return undefined;
  const listed = kinds.split(',').map((kind) => kind.trim()).filter(Boolean);
  const unknown = listed.filter((kind) => !(ROOM_EVENT_KINDS as readonly string[]).includes(kind));
  if (listed.length === 0 || unknown.length > 0) {
    throw badRequest('invalid_kinds', `kinds must be a comma-separated list of ${ROOM_EVENT_KINDS.join(', ')}`, { unknown });
  }
  return listed as RoomEventKind[];
}
