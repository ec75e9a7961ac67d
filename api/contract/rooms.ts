import { Type, type Static } from 'typebox';
import { RoomEventRecord } from '../../rtc/protocol.js';
import { ROOM_TOKEN_TTL_SECONDS } from '../domain/room.js';
import { ROOM_EVENT_KINDS, ROOM_KINDS, ROOM_REFUSALS, ROOM_ROLES } from '../domain/vocabulary.js';
import { DateTime, errorResponses, Nullable, Page, pageQuery, PersonRef, Uuid } from './common.js';
import { endpoint } from './endpoint.js';
import { ExpertIdentificationBody, IdentificationHistoryEntry } from './identification.js';

const Title = Type.String({ minLength: 1, maxLength: 200 });
const Description = Type.String({ maxLength: 2000 });

export const Room = Type.Object(
  {
    id: Uuid,
    kind: Type.Enum(ROOM_KINDS),
    title: Type.String(),
    specimenId: Nullable(Uuid, { description: 'The specimen a consultation is about; null for a class' }),
    unitId: Type.String({
      format: 'uuid',
      description: "The unit whose scope the room is in: the specimen's (consultation), the creator's (class)",
    }),
    createdBy: PersonRef,
    createdAt: DateTime,
    endedAt: Nullable(DateTime),
    active: Type.Boolean({ description: 'Not ended' }),
    scheduledAt: Nullable(DateTime, { description: 'When a class is due to start; null: a consultation, or a class started at once' }),
    description: Nullable(Type.String(), { description: 'What a class is about' }),
  },
  { title: 'Room' },
);

export const RoomParticipant = Type.Object(
  { user: PersonRef, role: Type.Enum(ROOM_ROLES), enrolledAt: DateTime },
  { title: 'RoomParticipant' },
);

export const RoomAccess = Type.Union(
  [
    Type.Object({ role: Type.Enum(ROOM_ROLES), refusal: Type.Null() }),
    Type.Object({ role: Type.Null(), refusal: Type.Enum(ROOM_REFUSALS) }),
  ],
  {
    title: 'RoomAccess',
    description:
      'What `POST /api/v1/rooms/:id/token` gives the caller: the role they join with, or (role null) why they are refused (403). ' +
      'An ended room refuses everyone (409) whatever this says.',
  },
);

export const RoomDetail = Type.Object(
  {
    room: Room,
    participants: Type.Array(RoomParticipant, { description: 'The host, and the trainees enrolled in a class' }),
    counts: Type.Object({
      participants: Type.Integer({ minimum: 0 }),
      events: Type.Record(Type.String(), Type.Integer({ minimum: 0 }), { description: 'Recorded events by kind' }),
    }),
    live: Type.Object(
      { open: Type.Boolean(), peers: Type.Integer({ minimum: 0 }) },
      { description: 'Whether the room is open on this API process now, and how many people are connected to it' },
    ),
    access: RoomAccess,
  },
  { title: 'RoomDetail' },
);

export const RoomToken = Type.Object(
  {
    token: Type.String({
      description: `JWT (audience vectordesk-room, ${ROOM_TOKEN_TTL_SECONDS / 60} min): pass it as \`auth.roomToken\` when connecting to the /rtc socket.io namespace`,
    }),
    roomId: Uuid,
    kind: Type.Enum(ROOM_KINDS),
    role: Type.Enum(ROOM_ROLES),
    expiresAt: DateTime,
    signallingUrl: Nullable(Type.String(), {
      description: 'Where to connect for /rtc: the server the room is live on, when several serve the rooms; null: this same address',
    }),
  },
  { title: 'RoomToken' },
);

export const NewRoom = Type.Union(
  [
    Type.Object(
      { kind: Type.Literal('consultation'), specimenId: Uuid, title: Type.Optional(Title) },
      { additionalProperties: false, description: 'A remote diagnosis around a specimen in your scope; you host it' },
    ),
    Type.Object(
      {
        kind: Type.Literal('class'),
        title: Title,
        scheduledAt: Type.Optional(DateTime),
        description: Type.Optional(Description),
        trainees: Type.Optional(Type.Array(Uuid, { maxItems: 500, description: 'User ids of trainees to enrol' })),
      },
      { additionalProperties: false, description: 'A class you present; enrolled trainees attend' },
    ),
  ],
  { title: 'NewRoom' },
);

export const RoomListQuery = Type.Object(
  {
    specimenId: Type.Optional(Uuid),
    kind: Type.Optional(Type.Enum(ROOM_KINDS)),
    active: Type.Optional(Type.Boolean({ description: 'true: not ended; false: ended' })),
    enrolled: Type.Optional(Type.Boolean({ description: 'true: only the rooms the caller is enrolled in (hosts or attends)' })),
    ...pageQuery(200, 50),
  },
  { additionalProperties: false },
);

export const RoomEventsQuery = Type.Object(
  {
    kinds: Type.Optional(Type.String({ maxLength: 200, description: `Comma-separated kinds to list: ${ROOM_EVENT_KINDS.join(', ')}` })),
    ...pageQuery(5000, 1000),
  },
  { additionalProperties: false },
);

export const Enrolment = Type.Object({ userId: Uuid, role: Type.Literal('trainee') }, { title: 'Enrolment', additionalProperties: false });

export { RoomEventRecord as RoomEvent };

export const RoomIdParams = Type.Object({ id: Uuid });

export const roomEndpoints = {
  createRoom: endpoint({
    method: 'POST',
    url: '/api/v1/rooms',
    schema: {
      operationId: 'createRoom',
      tags: ['rooms'],
      summary: 'Open a consultation on a specimen, or a class (experts and administrators)',
      body: NewRoom,
      response: { 201: Room, ...errorResponses(400, 401, 403, 404, 422) },
    },
  }),
  listRooms: endpoint({
    method: 'GET',
    url: '/api/v1/rooms',
    schema: {
      operationId: 'listRooms',
      tags: ['rooms'],
      summary: "Rooms in the caller's scope and classes they are enrolled in, newest first",
      querystring: RoomListQuery,
      response: { 200: Page(Room), ...errorResponses(400, 401) },
    },
  }),
  getRoom: endpoint({
    method: 'GET',
    url: '/api/v1/rooms/:id',
    schema: {
      operationId: 'getRoom',
      tags: ['rooms'],
      summary: 'A room, its participants and counts, and whether (as what) the caller may join it',
      params: RoomIdParams,
      response: { 200: RoomDetail, ...errorResponses(400, 401, 404) },
    },
  }),
  listRoomEvents: endpoint({
    method: 'GET',
    url: '/api/v1/rooms/:id/events',
    schema: {
      operationId: 'listRoomEvents',
      tags: ['rooms'],
      summary: "The room's record (joins, leaves, chat, annotations, shared stills), oldest first",
      params: RoomIdParams,
      querystring: RoomEventsQuery,
      response: { 200: Page(RoomEventRecord), ...errorResponses(400, 401, 404) },
    },
  }),
  enrolTrainee: endpoint({
    method: 'POST',
    url: '/api/v1/rooms/:id/participants',
    schema: {
      operationId: 'enrolTrainee',
      tags: ['rooms'],
      summary: 'Enrol a trainee in a class (its presenter or an administrator); 200 when already enrolled',
      params: RoomIdParams,
      body: Enrolment,
      response: { 200: RoomParticipant, 201: RoomParticipant, ...errorResponses(400, 401, 403, 404, 409, 422) },
    },
  }),
  endRoom: endpoint({
    method: 'POST',
    url: '/api/v1/rooms/:id/end',
    schema: {
      operationId: 'endRoom',
      tags: ['rooms'],
      summary: 'End a room (its host or an administrator): everyone connected is sent home and no new token is issued',
      params: RoomIdParams,
      response: { 200: Room, ...errorResponses(400, 401, 403, 404, 409) },
    },
  }),
  issueRoomToken: endpoint({
    method: 'POST',
    url: '/api/v1/rooms/:id/token',
    schema: {
      operationId: 'issueRoomToken',
      tags: ['rooms'],
      summary: "A room token to join the room's live session, with the caller's role in it",
      description:
        'Consultation: its host and administrators get `host`, other experts and staff in scope of the specimen `participant`; trainees are refused. ' +
        'Class: its presenter and administrators get `host`, enrolled trainees `trainee`; anyone else is refused. An ended room answers 409.',
      params: RoomIdParams,
      response: { 200: RoomToken, ...errorResponses(400, 401, 403, 404, 409) },
    },
  }),
  recordRoomIdentification: endpoint({
    method: 'POST',
    url: '/api/v1/rooms/:id/identification',
    schema: {
      operationId: 'recordRoomIdentification',
      tags: ['rooms'],
      summary: "Record the expert identification made in a consultation (its host); it joins the specimen's identification history",
      params: RoomIdParams,
      body: ExpertIdentificationBody,
      response: { 201: IdentificationHistoryEntry, ...errorResponses(400, 401, 403, 404, 422) },
    },
  }),
};

export type Room = Static<typeof Room>;
export type RoomParticipant = Static<typeof RoomParticipant>;
export type RoomAccess = Static<typeof RoomAccess>;
export type RoomDetail = Static<typeof RoomDetail>;
export type RoomToken = Static<typeof RoomToken>;
export type NewRoom = Static<typeof NewRoom>;
export type RoomListQuery = Static<typeof RoomListQuery>;
export type RoomEventsQuery = Static<typeof RoomEventsQuery>;
export type Enrolment = Static<typeof Enrolment>;
export type RoomIdParams = Static<typeof RoomIdParams>;
