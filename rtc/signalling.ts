import type { Namespace, Socket } from 'socket.io';
import type { types } from 'mediasoup';
import { Compile } from 'typebox/compile';
import { canAnnotate, canAnnotateVideo, canShareStill, PermissionDenied, type RoomKind, type RoomRole } from './permissions.js';
import {
  RtcRequests,
  type AnnotationTarget,
  type RoomElsewhere,
  type RoomEventKind,
  type RoomEventRecord,
  type RtcAck,
  type RtcAnswer,
  type RtcClientToServerEvents,
  type RtcErrorCode,
  type RtcRequestName,
  type RtcRequestPayload,
  type RtcServerToClientEvents,
} from './protocol.js';
import { ClassQuizzes, hostChannel, roomChannel, type QuizMaster } from './quiz-signalling.js';
import { RequestRefused } from './request-refused.js';
import type { Room } from './room.js';
import type { RoomRegistry } from './room-registry.js';

/** Who may join which room as what: decided by the API when it issued the room token. */
export interface RoomTicket {
  roomId: string;
  kind: RoomKind;
  userId: string;
  displayName: string;
  role: RoomRole;
}

/** Where a room's record (participants, chat, annotations, shared stills) is kept: the API's database. */
export interface RoomRecorder {
  record(roomId: string, event: Omit<RoomEventRecord, 'id' | 'at'>): Promise<RoomEventRecord>;
  /** What a late joiner replays: the chat, the current still and its annotations since the last clear, kept marks over video. */
  history(roomId: string): Promise<RoomEventRecord[]>;
}

export interface SignallingOptions {
  rooms: RoomRegistry;
  recorder: RoomRecorder;
  /** Where class quizzes are decided and kept (ADR 0029). */
  quizzes: QuizMaster;
  /** Checks the handshake (the person's session and their room token) and says who joins which room. */
  admit(socket: Socket): Promise<RoomTicket>;
  log?: { warn(details: object, message: string): void };
}

/**
 * Admission's answer when the room is live on another server (several servers share the rooms): the socket is refused
 * with `connect_error` data `{ code: 'room_elsewhere', signallingUrl }` so the client reconnects there.
 */
export class RoomLiveElsewhere extends Error {
  constructor(
    message: string,
    /** Where to connect instead; null where that server has no address to give. */
    readonly signallingUrl: string | null,
  ) {
    super(message);
    this.name = 'RoomLiveElsewhere';
  }
}

type RtcNamespace = Namespace<RtcClientToServerEvents, RtcServerToClientEvents>;
type RtcSocket = Socket<RtcClientToServerEvents, RtcServerToClientEvents>;
type Ack = (answer: RtcAck<RtcRequestName>) => void;

const validators = Object.fromEntries(Object.entries(RtcRequests).map(([name, { payload }]) => [name, Compile(payload)])) as {
  [Name in RtcRequestName]: ReturnType<typeof Compile<(typeof RtcRequests)[Name]['payload']>>;
};

function isRequestName(name: unknown): name is RtcRequestName {
  return typeof name === 'string' && Object.hasOwn(RtcRequests, name);
}

/** The payload, or a sentence naming what is wrong with it. */
function parseRequest<Name extends RtcRequestName>(
  name: Name,
  payload: unknown,
): { ok: true; value: RtcRequestPayload<Name> } | { ok: false; problem: string } {
  const validator = validators[name];
  if (validator.Check(payload)) return { ok: true, value: payload as RtcRequestPayload<Name> };
  const [first] = [...validator.Errors(payload)];
  return { ok: false, problem: `invalid ${name} request: ${first ? `${first.instancePath || '(root)'} ${first.message}` : 'wrong shape'}` };
}

/**
 * socket.io signalling for live rooms (its own namespace). A socket is one peer of one room: requests arrive as
 * `request(name, payload, ack)` and are answered through the ack; what happens in the room is pushed as events
 * (`peerJoined`, `producerAdded`, `roomEvent`, `roomClosed` …, see docs/adr/0009-live-rooms.md).
 */
export function attachSignalling(namespace: RtcNamespace, options: SignallingOptions): void {
  namespace.use((socket, next) => {
    options.admit(socket).then(
      (ticket) => {
        socket.data.ticket = ticket;
        next();
      },
      (error: Error) =>
        next(
          error instanceof RoomLiveElsewhere
            ? Object.assign(new Error(`room_elsewhere: ${error.message}`), {
                data: { code: 'room_elsewhere', signallingUrl: error.signallingUrl } satisfies RoomElsewhere,
              })
            : new Error(`unauthorized: ${error.message}`),
        ),
    );
  });
  const quizzes = new ClassQuizzes(namespace, options.quizzes, options.log);
  options.rooms.on('room-opened', (room) => {
    forwardRoomEvents(namespace, room);
    quizzes.watch(room);
  });
  namespace.on('connection', (socket) => new PeerSession(socket, socket.data.ticket as RoomTicket, options, quizzes).listen());
}

function forwardRoomEvents(namespace: RtcNamespace, room: Room): void {
  const everyone = () => namespace.to(roomChannel(room.id));
  room.on('peer-joined', (peer) => everyone().except(peer.peerId).emit('peerJoined', peer));
  room.on('peer-left', (peerId) => everyone().emit('peerLeft', { peerId }));
  room.on('peer-updated', (peer) => everyone().emit('peerUpdated', peer));
  room.on('producer-added', (producer) => everyone().except(producer.peerId).emit('producerAdded', producer));
  room.on('producer-updated', (producer) => everyone().emit('producerUpdated', producer));
  room.on('producer-closed', (producer) => everyone().emit('producerClosed', producer));
  room.on('consumer-closed', (peerId, consumerId) => namespace.to(peerId).emit('consumerClosed', { consumerId }));
  room.on('active-speaker', (peerId) => everyone().emit('activeSpeaker', { peerId }));
  room.on('recording-changed', (recording) => everyone().emit('recordingChanged', { recording }));
  room.on('peer-removed', (peerId) => {
    namespace.to(peerId).emit('removed', {});
    namespace.in(peerId).disconnectSockets(true);
  });
  room.on('closed', (reason) => {
    // A dead worker took the router: clients rejoin (a new router on a live worker); an ended room sends everyone home.
    everyone().emit('roomClosed', { reason, rejoin: reason === 'worker-died' });
    // After this turn, so the host's `end` request is answered before its socket goes.
    if (reason === 'ended') setImmediate(() => namespace.in(roomChannel(room.id)).disconnectSockets(true));
  });
}

class PeerSession {
  private room: Room | undefined;

  constructor(
    private readonly socket: RtcSocket,
    private readonly ticket: RoomTicket,
    private readonly options: SignallingOptions,
    private readonly quizzes: ClassQuizzes,
  ) {}

  listen(): void {
    void this.socket.join(roomChannel(this.ticket.roomId));
    // Typed by the protocol, but sent by anyone: every argument is checked before use.
    this.socket.on('request', (name: unknown, payload: unknown, ack: unknown) => {
      if (typeof ack !== 'function') return;
      void this.answer(name, payload, ack as Ack);
    });
    this.socket.on('disconnect', () => void this.leave());
  }

  private async answer(name: unknown, payload: unknown, ack: Ack): Promise<void> {
    if (!isRequestName(name)) {
      ack({ ok: false, error: { code: 'bad_request', message: `unknown request ${JSON.stringify(name)}` } });
      return;
    }
    const parsed = parseRequest(name, payload ?? {});
    if (!parsed.ok) {
      ack({ ok: false, error: { code: 'bad_request', message: parsed.problem } });
      return;
    }
    try {
      ack({ ok: true, data: await this.handle(name, parsed.value) });
    } catch (error) {
      const code: RtcErrorCode =
        error instanceof RequestRefused
          ? error.code
          : error instanceof PermissionDenied
            ? 'forbidden'
            : error instanceof NotJoined
              ? 'not_joined'
              : 'failed';
      if (code === 'failed') this.options.log?.warn({ err: error, request: name, room: this.ticket.roomId }, 'room request failed');
      ack({ ok: false, error: { code, message: error instanceof Error ? error.message : String(error) } });
    }
  }

  private handle<Name extends RtcRequestName>(name: Name, payload: RtcRequestPayload<Name>): Promise<RtcAnswer<Name>> {
    return Promise.resolve(
      (this.handlers[name] as (payload: RtcRequestPayload<Name>) => Promise<RtcAnswer<Name>> | RtcAnswer<Name>)(payload),
    );
  }

  /** Each request of the protocol and its handler, which the compiler holds to the request's declared answer. */
  private readonly handlers: RequestHandlers = {
    routerRtpCapabilities: async () => (await this.options.rooms.open(this.ticket.roomId, this.ticket.kind)).rtpCapabilities,
    join: ({ rtpCapabilities }) => this.join(rtpCapabilities as types.RtpCapabilities),
    createTransport: ({ direction }) => this.joinedRoom().createTransport(this.socket.id, direction),
    connectTransport: ({ transportId, dtlsParameters }) =>
      this.joinedRoom().connectTransport(this.socket.id, transportId, dtlsParameters as types.DtlsParameters),
    restartIce: async ({ transportId }) => ({ iceParameters: await this.joinedRoom().restartIce(this.socket.id, transportId) }),
    produce: async ({ transportId, kind, source, rtpParameters }) => ({
      producerId: await this.joinedRoom().produce(this.socket.id, transportId, kind, source, rtpParameters as types.RtpParameters),
    }),
    closeProducer: ({ producerId }) => this.joinedRoom().closeProducer(this.socket.id, producerId),
    setProducerPaused: ({ producerId, paused }) => this.joinedRoom().setProducerPaused(this.socket.id, producerId, paused),
    consume: ({ producerId }) => {
      const room = this.joinedRoom();
      const capabilities = room.peer(this.socket.id).rtpCapabilities;
      if (!capabilities) throw new NotJoined('join with your rtpCapabilities first');
      return room.consume(this.socket.id, producerId, capabilities);
    },
    resumeConsumer: ({ consumerId }) => this.joinedRoom().resumeConsumer(this.socket.id, consumerId),
    setConsumerLayers: ({ consumerId, spatialLayer, temporalLayer }) =>
      this.joinedRoom().setConsumerLayers(this.socket.id, consumerId, spatialLayer, temporalLayer),
    consumerStats: ({ consumerId }) => this.joinedRoom().consumerStats(this.socket.id, consumerId),
    raiseHand: ({ raised }) => this.joinedRoom().raiseHand(this.socket.id, raised),
    grantMicrophone: ({ peerId, seconds }) => this.joinedRoom().grantMicrophone(this.socket.id, peerId, seconds),
    mute: ({ peerId }) => this.joinedRoom().mute(this.socket.id, peerId),
    remove: ({ peerId }) => this.joinedRoom().remove(this.socket.id, peerId),
    end: () => this.joinedRoom().end(this.socket.id),
    chat: ({ text }) => {
      this.joinedRoom();
      return this.recordAndBroadcast('chat', { text });
    },
    annotate: (annotation) => {
      this.mayAnnotate(annotation.target, 'annotate');
      return this.recordAndBroadcast('annotation', { ...annotation });
    },
    clearAnnotations: ({ target }) => {
      this.mayAnnotate(target, 'clear annotations');
      return this.recordAndBroadcast('annotations-cleared', target ? { target } : {});
    },
    shareStill: ({ imageId }) => {
      if (!canShareStill(this.joinedRoom().peer(this.socket.id).subject))
        throw new PermissionDenied('you may not share a still in this room');
      return this.recordAndBroadcast('still', { imageId });
    },
    launchQuiz: (request) => this.quizzes.launch(this.joinedRoom(), this.ticket, request),
    answerQuiz: (request) => this.quizzes.answer(this.joinedRoom(), this.ticket, request),
    revealQuiz: ({ quizId }) => this.quizzes.reveal(this.joinedRoom(), this.ticket, quizId),
  };

  /** Refuses `what` on the still, or over the target's live video, unless this peer may. */
  private mayAnnotate(target: AnnotationTarget | undefined, what: string): void {
    const room = this.joinedRoom();
    const subject = room.peer(this.socket.id).subject;
    if (!canAnnotate(subject)) throw new PermissionDenied(`you may not ${what} in this room`);
    if (target && !canAnnotateVideo(subject, room.sourceOf(target.producerId)))
      throw new PermissionDenied(`no video ${target.producerId} in this room to ${what} over`);
  }

  private async join(rtpCapabilities: types.RtpCapabilities): Promise<RtcAnswer<'join'>> {
    if (this.room && !this.room.closed) throw new Error('already joined; reconnect to join again');
    const room = await this.options.rooms.open(this.ticket.roomId, this.ticket.kind);
    const peer = await room.join(this.socket.id, {
      userId: this.ticket.userId,
      displayName: this.ticket.displayName,
      role: this.ticket.role,
    });
    peer.rtpCapabilities = rtpCapabilities;
    this.room = room;
    if (this.ticket.role === 'host') void this.socket.join(hostChannel(room.id));
    await this.record('joined', { role: this.ticket.role });
    return {
      peerId: peer.id,
      you: peer.info(),
      kind: room.kind,
      routerRtpCapabilities: room.rtpCapabilities,
      ...room.snapshot(peer.id),
      history: await this.options.recorder.history(this.ticket.roomId),
      quiz: await this.quizzes.snapshot(room, this.ticket),
    };
  }

  private async leave(): Promise<void> {
    const room = this.room;
    this.room = undefined;
    if (!room) return;
    // An ended room has already let everyone go; the departure still belongs in its record.
    if (!room.closed) room.leave(this.socket.id);
    await this.record('left', {}).catch((error: unknown) => this.options.log?.warn({ err: error }, 'could not record a peer leaving'));
  }

  private async recordAndBroadcast(kind: RoomEventKind, payload: Record<string, unknown>): Promise<RoomEventRecord> {
    const event = await this.record(kind, payload);
    this.socket.nsp.to(roomChannel(this.ticket.roomId)).emit('roomEvent', event);
    return event;
  }

  private record(kind: RoomEventKind, payload: Record<string, unknown>): Promise<RoomEventRecord> {
    return this.options.recorder.record(this.ticket.roomId, {
      kind,
      userId: this.ticket.userId,
      displayName: this.ticket.displayName,
      payload,
    });
  }

  private joinedRoom(): Room {
    if (!this.room || this.room.closed) throw new NotJoined('join the room first');
    return this.room;
  }
}

type RequestHandlers = { [Name in RtcRequestName]: (payload: RtcRequestPayload<Name>) => Promise<RtcAnswer<Name>> | RtcAnswer<Name> };

class NotJoined extends Error {}
