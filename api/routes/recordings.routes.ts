import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorOf } from '../http/authentication.js';
import { forwardToRoomHost } from '../http/forward-to-room-host.js';
import { presentRecording } from '../http/presenters.js';
import { errorResponses } from '../http/schemas.js';
import { sendStoredFile } from '../http/send-stored-file.js';
import type { RoomHosting } from '../realtime/room-hosting.js';
import type { RecordingService } from '../services/recording.service.js';

const Uuid = Type.String({ format: 'uuid' });
const RoomId = Type.Object({ id: Uuid });
const RecordingParams = Type.Object({ id: Uuid, recordingId: Uuid });
const MediaFileResponses = {
  200: Type.Unknown({ description: 'The media file' }),
  206: Type.Unknown({ description: 'The requested byte range of the media file (`Range: bytes=…`)' }),
  304: Type.Null({ description: 'Unchanged since the request\'s If-None-Match / If-Modified-Since' }),
};
const PersonSchema = Type.Object({ id: Uuid, username: Type.String(), displayName: Type.String() });

const TrackSchema = Type.Object({
  number: Type.Integer({ minimum: 1, description: 'Download it from …/tracks/:number' }),
  producerId: Type.String(),
  userId: Uuid,
  displayName: Type.String(),
  kind: Type.Enum(['audio', 'video']),
  source: Type.String({ description: 'camera, microscope, screen or microphone' }),
  codec: Type.String({ description: 'As sent, not re-encoded: VP8 or H264 (video), opus (audio)' }),
  offsetMs: Type.Integer({ description: 'When the track starts, from the start of the recording' }),
  durationMs: Type.Integer(),
  sizeBytes: Type.Integer(),
  width: Type.Optional(Type.Integer()),
  height: Type.Optional(Type.Integer()),
});
const RecordingSchema = Type.Object({
  id: Uuid,
  roomId: Uuid,
  status: Type.Enum(['recording', 'processing', 'ready', 'failed'], { description: 'recording → processing (files being written) → ready, or failed' }),
  startedBy: PersonSchema,
  startedAt: Type.String({ format: 'date-time' }),
  stoppedBy: Type.Union([PersonSchema, Type.Null()], { description: 'null when it stopped with the room (ended, emptied, server shutdown)' }),
  stoppedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  fileName: Type.Union([Type.String(), Type.Null()]),
  mediaType: Type.Union([Type.String(), Type.Null()], { description: 'video/webm (VP8 + Opus), video/mp4 (H264 + Opus) or audio/webm' }),
  sizeBytes: Type.Union([Type.Integer(), Type.Null()]),
  durationMs: Type.Union([Type.Integer(), Type.Null()]),
  tracks: Type.Array(TrackSchema, { description: 'Each producer\'s own file, untouched' }),
  problems: Type.Array(Type.String(), { description: 'What could not be recorded, in words' }),
});

/** Recordings of live rooms (ADR 0010): the host starts and stops them; everyone who sees the room downloads them. */
export const recordingsRoutes: FastifyPluginAsyncTypebox<{ recordings: RecordingService; hosting: RoomHosting | undefined }> = async (
  app,
  { recordings, hosting },
) => {
  app.addHook('preHandler', app.authenticate);
  // Starting and stopping act on the room's media: on the process that hosts the room.
  const onRoomHost = forwardToRoomHost(hosting);

  app.post(
    '/api/v1/rooms/:id/recordings',
    {
      schema: {
        tags: ['rooms'],
        summary: 'Start recording a live room (its host); everyone in it is told',
        description:
          'The room must be live (someone has joined); on a server other than the one hosting it, the request is sent on there. Every producer, present and to come, is recorded as sent ' +
          '(VP8/H264 video, Opus audio); 409 `already_recording`, `room_not_live` or `room_ended`; 503 `recorder_unavailable` without FFmpeg.',
        params: RoomId,
        response: { 201: RecordingSchema, ...errorResponses(400, 401, 403, 404, 409, 503) },
      },
      preHandler: onRoomHost,
    },
    async (request, reply) => reply.status(201).send(presentRecording(await recordings.start(actorOf(request), request.params.id))),
  );

  app.post(
    '/api/v1/rooms/:id/recordings/:recordingId/stop',
    {
      schema: {
        tags: ['rooms'],
        summary: 'Stop a recording (its room\'s host); it is `processing` until its file is written, then `ready`',
        params: RecordingParams,
        response: { 202: RecordingSchema, ...errorResponses(400, 401, 403, 404, 409, 503) },
      },
      preHandler: onRoomHost,
    },
    async (request, reply) => reply.status(202).send(presentRecording(await recordings.stop(actorOf(request), request.params.id, request.params.recordingId))),
  );

  app.get(
    '/api/v1/rooms/:id/recordings',
    {
      schema: {
        tags: ['rooms'],
        summary: 'The room\'s recordings, newest first',
        params: RoomId,
        response: { 200: Type.Object({ items: Type.Array(RecordingSchema) }), ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => ({ items: (await recordings.list(actorOf(request), request.params.id)).map(presentRecording) }),
  );

  app.get(
    '/api/v1/rooms/:id/recordings/:recordingId',
    { schema: { tags: ['rooms'], summary: 'One recording', params: RecordingParams, response: { 200: RecordingSchema, ...errorResponses(400, 401, 404) } } },
    async (request) => presentRecording(await recordings.get(actorOf(request), request.params.id, request.params.recordingId)),
  );

  app.get(
    '/api/v1/rooms/:id/recordings/:recordingId/file',
    {
      schema: {
        tags: ['rooms'],
        summary: 'Download (or play: byte ranges are served) the recording: voices mixed over the main video (409 `recording_not_ready` until it is ready)',
        params: RecordingParams,
        response: { ...MediaFileResponses, ...errorResponses(400, 401, 404, 409, 416) },
      },
    },
    async (request, reply) => {
      const { id, recordingId } = request.params;
      return sendStoredFile(request, reply, await recordings.file(actorOf(request), id, recordingId), 'Recording file');
    },
  );

  app.get(
    '/api/v1/rooms/:id/recordings/:recordingId/tracks/:number',
    {
      schema: {
        tags: ['rooms'],
        summary: 'Download (or play: byte ranges are served) one producer\'s track as it was sent (e.g. the microscope at full resolution)',
        params: Type.Object({ id: Uuid, recordingId: Uuid, number: Type.Integer({ minimum: 1, maximum: 10_000 }) }),
        response: { ...MediaFileResponses, ...errorResponses(400, 401, 404, 416) },
      },
    },
    async (request, reply) => {
      const { id, recordingId, number } = request.params;
      return sendStoredFile(request, reply, await recordings.file(actorOf(request), id, recordingId, number), 'Recording file');
    },
  );
};
