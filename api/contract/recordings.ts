import { Type, type Static } from 'typebox';
import { RECORDING_STATUSES } from '../domain/vocabulary.js';
import { DateTime, errorResponses, FileResponses, Items, Nullable, PersonRef, Uuid } from './common.js';
import { endpoint } from './endpoint.js';
import { RoomIdParams } from './rooms.js';

export const RecordedTrack = Type.Object(
  {
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
  },
  { title: 'RecordedTrack' },
);

export const Recording = Type.Object(
  {
    id: Uuid,
    roomId: Uuid,
    status: Type.Enum(RECORDING_STATUSES, { description: 'recording → processing (files being written) → ready, or failed' }),
    startedBy: PersonRef,
    startedAt: DateTime,
    stoppedBy: Nullable(PersonRef, { description: 'null when it stopped with the room (ended, emptied, server shutdown)' }),
    stoppedAt: Nullable(DateTime),
    fileName: Nullable(Type.String()),
    mediaType: Nullable(Type.String(), { description: 'video/webm (VP8 + Opus), video/mp4 (H264 + Opus) or audio/webm' }),
    sizeBytes: Nullable(Type.Integer()),
    durationMs: Nullable(Type.Integer()),
    tracks: Type.Array(RecordedTrack, { description: "Each producer's own file, untouched" }),
    problems: Type.Array(Type.String(), { description: 'What could not be recorded, in words' }),
  },
  { title: 'Recording' },
);

const RecordingParams = Type.Object({ id: Uuid, recordingId: Uuid });

export const recordingEndpoints = {
  startRecording: endpoint({
    method: 'POST',
    url: '/api/v1/rooms/:id/recordings',
    schema: {
      operationId: 'startRecording',
      tags: ['rooms'],
      summary: 'Start recording a live room (its host); everyone in it is told',
      description:
        'The room must be live (someone has joined); on a server other than the one hosting it, the request is sent on there. Every producer, present and to come, is recorded as sent ' +
        '(VP8/H264 video, Opus audio); 409 `already_recording`, `room_not_live` or `room_ended`; 503 `recorder_unavailable` without FFmpeg.',
      params: RoomIdParams,
      response: { 201: Recording, ...errorResponses(400, 401, 403, 404, 409, 503) },
    },
  }),
  stopRecording: endpoint({
    method: 'POST',
    url: '/api/v1/rooms/:id/recordings/:recordingId/stop',
    schema: {
      operationId: 'stopRecording',
      tags: ['rooms'],
      summary: "Stop a recording (its room's host); it is `processing` until its file is written, then `ready`",
      params: RecordingParams,
      response: { 202: Recording, ...errorResponses(400, 401, 403, 404, 409, 503) },
    },
  }),
  listRecordings: endpoint({
    method: 'GET',
    url: '/api/v1/rooms/:id/recordings',
    schema: {
      operationId: 'listRecordings',
      tags: ['rooms'],
      summary: "The room's recordings, newest first",
      params: RoomIdParams,
      response: { 200: Items(Recording), ...errorResponses(400, 401, 404) },
    },
  }),
  getRecording: endpoint({
    method: 'GET',
    url: '/api/v1/rooms/:id/recordings/:recordingId',
    schema: {
      operationId: 'getRecording',
      tags: ['rooms'],
      summary: 'One recording',
      params: RecordingParams,
      response: { 200: Recording, ...errorResponses(400, 401, 404) },
    },
  }),
  getRecordingFile: endpoint({
    method: 'GET',
    url: '/api/v1/rooms/:id/recordings/:recordingId/file',
    schema: {
      operationId: 'getRecordingFile',
      tags: ['rooms'],
      summary:
        'Download (or play: byte ranges are served) the recording: voices mixed over the main video (409 `recording_not_ready` until it is ready)',
      params: RecordingParams,
      response: { ...FileResponses, ...errorResponses(400, 401, 404, 409, 416) },
    },
  }),
  getRecordingTrack: endpoint({
    method: 'GET',
    url: '/api/v1/rooms/:id/recordings/:recordingId/tracks/:number',
    schema: {
      operationId: 'getRecordingTrack',
      tags: ['rooms'],
      summary: "Download (or play: byte ranges are served) one producer's track as it was sent (e.g. the microscope at full resolution)",
      params: Type.Object({ id: Uuid, recordingId: Uuid, number: Type.Integer({ minimum: 1, maximum: 10_000 }) }),
      response: { ...FileResponses, ...errorResponses(400, 401, 404, 416) },
    },
  }),
};

export type RecordedTrack = Static<typeof RecordedTrack>;
export type Recording = Static<typeof Recording>;
