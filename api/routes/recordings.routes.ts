import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { endpoints } from '../contract/index.js';
import { actorOf } from '../http/authentication.js';
import { forwardToRoomHost } from '../http/forward-to-room-host.js';
import { sendStoredFile } from '../http/send-stored-file.js';
import { presentRecording } from '../presenters/index.js';
import type { RoomHosting } from '../realtime/room-hosting.js';
import type { RecordingService } from '../services/recording.service.js';

/** Recordings of live rooms (ADR 0010): the host starts and stops them; everyone who sees the room downloads them. */
export const recordingsRoutes: FastifyPluginAsyncTypebox<{ recordings: RecordingService; hosting: RoomHosting | undefined }> = async (
  app,
  { recordings, hosting },
) => {
  app.addHook('onRequest', app.authenticate);
  // Starting and stopping act on the room's media: on the process that hosts the room.
  const onRoomHost = forwardToRoomHost(hosting);

  app.route({
    ...endpoints.startRecording,
    preHandler: onRoomHost,
    handler: async (request, reply) =>
      reply.status(201).send(presentRecording(await recordings.start(actorOf(request), request.params.id))),
  });

  app.route({
    ...endpoints.stopRecording,
    preHandler: onRoomHost,
    handler: async (request, reply) =>
      reply.status(202).send(presentRecording(await recordings.stop(actorOf(request), request.params.id, request.params.recordingId))),
  });

  app.route({
    ...endpoints.listRecordings,
    handler: async (request) => ({ items: (await recordings.list(actorOf(request), request.params.id)).map(presentRecording) }),
  });

  app.route({
    ...endpoints.getRecording,
    handler: async (request) => presentRecording(await recordings.get(actorOf(request), request.params.id, request.params.recordingId)),
  });

  app.route({
    ...endpoints.getRecordingFile,
    handler: async (request, reply) => {
      const { id, recordingId } = request.params;
      return sendStoredFile(request, reply, await recordings.file(actorOf(request), id, recordingId), 'Recording file');
    },
  });

  app.route({
    ...endpoints.getRecordingTrack,
    handler: async (request, reply) => {
      const { id, recordingId, number } = request.params;
      return sendStoredFile(request, reply, await recordings.file(actorOf(request), id, recordingId, number), 'Recording file');
    },
  });
};
