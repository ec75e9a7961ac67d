/**
 * The `/rtc` socket.io protocol of live rooms (ADR 0009), declared once: each request's payload and answer, each
 * notification the server pushes, the handshake and its refusals. The server validates requests against these
 * schemas; the browser client and the tests take their types from here (through the API's wire contract).
 *
 * mediasoup's own parameter objects (RTP capabilities and parameters, ICE and DTLS parameters) travel opaque:
 * mediasoup checks them on both ends, so signalling does not restate their shapes.
 */
import { Type, type Static, type TSchema } from 'typebox';
import { MEDIA_SOURCES, ROOM_KINDS, ROOM_ROLES } from './permissions.js';
import {
  AnswerQuizRequest,
  LaunchQuizRequest,
  QUIZ_ERROR_CODES,
  QuizAnswerReceipt,
  QuizQuestion,
  QuizResult,
  QuizSnapshot,
  QuizTally,
} from './quiz-protocol.js';

export * from './quiz-protocol.js';

const Id = Type.String({ minLength: 1, maxLength: 64 });
const AnyObject = Type.Object({}, { additionalProperties: true });
const Colour = Type.String({ pattern: '^#[0-9a-fA-F]{6}$' });
const Point = Type.Tuple([Type.Number({ minimum: 0, maximum: 1 }), Type.Number({ minimum: 0, maximum: 1 })]);
const MediaKind = Type.Enum(['audio', 'video']);
const MediaSource = Type.Enum(MEDIA_SOURCES);
/** A mediasoup object, passed through as mediasoup produced it. */
const Opaque = (what: string) => Type.Unknown({ description: `mediasoup ${what}` });
const Nothing = Type.Void();

export const ROOM_EVENT_KINDS = ['joined', 'left', 'chat', 'annotation', 'annotations-cleared', 'still'] as const;
export type RoomEventKind = (typeof ROOM_EVENT_KINDS)[number];

export const ANNOTATION_SHAPES = ['arrow', 'circle', 'freehand', 'text'] as const;

/**
 * A mark over a live video instead of the shared still: the producer whose picture it is drawn on. Its points are
 * relative to that video's own frame (0–1 of its intrinsic width and height), whatever box each page shows it in.
 */
export const AnnotationTarget = Type.Object({ producerId: Id });
export type AnnotationTarget = Static<typeof AnnotationTarget>;

export const PeerInfo = Type.Object({
  peerId: Type.String(),
  userId: Type.String(),
  displayName: Type.String(),
  role: Type.Enum(ROOM_ROLES),
  handRaised: Type.Boolean(),
  microphoneGrantedUntil: Type.Union([Type.Number({ description: 'Epoch ms until which a trainee may speak' }), Type.Null()]),
});
export type PeerInfo = Static<typeof PeerInfo>;

export const ProducerInfo = Type.Object({
  producerId: Type.String(),
  peerId: Type.String(),
  kind: MediaKind,
  source: MediaSource,
  paused: Type.Boolean(),
});
export type ProducerInfo = Static<typeof ProducerInfo>;

/** What everyone in a room is told while it is being recorded (and a late joiner finds in the join answer). */
export const RecordingNotice = Type.Object({ recordingId: Type.String(), startedAt: Type.String(), startedBy: Type.String() });
export type RecordingNotice = Static<typeof RecordingNotice>;

/**
 * One stored event of a room: pushed live as `roomEvent`, replayed in the join answer's `history`, listed by
 * `GET /api/v1/rooms/:id/events`.
 */
export const RoomEventRecord = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    kind: Type.Enum(ROOM_EVENT_KINDS),
    userId: Type.String({ format: 'uuid' }),
    displayName: Type.String(),
    payload: Type.Record(Type.String(), Type.Unknown(), {
      description:
        'chat: {text}; annotation: {shape, points, colour, text?, target?, persistent?} (with a target: a mark over that live ' +
        'video, drawn at `at`); annotations-cleared: {target?}; still: {imageId}; joined: {role}',
    }),
    at: Type.String({ format: 'date-time' }),
  },
  { title: 'RoomEvent' },
);
export type RoomEventRecord = Static<typeof RoomEventRecord>;

export const TransportParameters = Type.Object({
  id: Type.String(),
  iceParameters: Opaque('IceParameters'),
  iceCandidates: Opaque('IceCandidate[]'),
  dtlsParameters: Opaque('DtlsParameters'),
});

export const ConsumerParameters = Type.Object({
  id: Type.String(),
  producerId: Type.String(),
  peerId: Type.String(),
  kind: MediaKind,
  source: MediaSource,
  rtpParameters: Opaque('RtpParameters'),
  layered: Type.Boolean({ description: 'simulcast/SVC layers the consumer can select between' }),
});

export const JoinAnswer = Type.Object({
  peerId: Type.String(),
  you: PeerInfo,
  kind: Type.Enum(ROOM_KINDS),
  routerRtpCapabilities: Opaque('RtpCapabilities'),
  peers: Type.Array(PeerInfo, { description: 'Everybody else in the room' }),
  producers: Type.Array(ProducerInfo, { description: 'What everybody else sends' }),
  recording: Type.Union([RecordingNotice, Type.Null()]),
  history: Type.Array(RoomEventRecord, {
    description: 'The chat, the current still and its annotations since the last clear, and the kept marks over live video',
  }),
  quiz: Type.Union([QuizSnapshot, Type.Null()], { description: "A class's open question, or the last one revealed" }),
});

const request = <Payload extends TSchema, Answer extends TSchema>(payload: Payload, answer: Answer) => ({ payload, answer });

/** Client → server: `emit('request', name, payload, ack)`; the ack carries `{ok: true, data: answer}` or `{ok: false, error}`. */
export const RtcRequests = {
  routerRtpCapabilities: request(Type.Object({}), Opaque('RtpCapabilities')),
  join: request(Type.Object({ rtpCapabilities: AnyObject }), JoinAnswer),
  createTransport: request(Type.Object({ direction: Type.Union([Type.Literal('send'), Type.Literal('recv')]) }), TransportParameters),
  connectTransport: request(Type.Object({ transportId: Id, dtlsParameters: AnyObject }), Nothing),
  restartIce: request(Type.Object({ transportId: Id }), Type.Object({ iceParameters: Opaque('IceParameters') })),
  produce: request(
    Type.Object({ transportId: Id, kind: MediaKind, source: MediaSource, rtpParameters: AnyObject }),
    Type.Object({ producerId: Type.String() }),
  ),
  closeProducer: request(Type.Object({ producerId: Id }), Nothing),
  setProducerPaused: request(Type.Object({ producerId: Id, paused: Type.Boolean() }), Nothing),
  consume: request(Type.Object({ producerId: Id }), ConsumerParameters),
  resumeConsumer: request(Type.Object({ consumerId: Id }), Nothing),
  setConsumerLayers: request(
    Type.Object({
      consumerId: Id,
      spatialLayer: Type.Integer({ minimum: 0, maximum: 4 }),
      temporalLayer: Type.Optional(Type.Integer({ minimum: 0, maximum: 4 })),
    }),
    Nothing,
  ),
  consumerStats: request(Type.Object({ consumerId: Id }), Opaque('ConsumerStat[]')),
  raiseHand: request(Type.Object({ raised: Type.Boolean() }), Nothing),
  grantMicrophone: request(Type.Object({ peerId: Id, seconds: Type.Integer({ minimum: 0, maximum: 3600 }) }), Nothing),
  mute: request(Type.Object({ peerId: Id }), Nothing),
  remove: request(Type.Object({ peerId: Id }), Nothing),
  end: request(Type.Object({}), Nothing),
  chat: request(Type.Object({ text: Type.String({ minLength: 1, maxLength: 4000 }) }), RoomEventRecord),
  /**
   * Shapes on the shared still, in coordinates relative to the image (0–1), so every screen size agrees; with a
   * `target`, over that live video instead (relative to its frame), fading after a few seconds unless `persistent`.
   */
  annotate: request(
    Type.Object({
      shape: Type.Enum(ANNOTATION_SHAPES),
      points: Type.Array(Point, { minItems: 1, maxItems: 2000 }),
      colour: Colour,
      text: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
      target: Type.Optional(AnnotationTarget),
      persistent: Type.Optional(Type.Boolean({ description: 'A mark over live video stays until cleared instead of fading' })),
    }),
    RoomEventRecord,
  ),
  /** Wipes the still's annotations, or with a `target` the marks over that live video only. */
  clearAnnotations: request(Type.Object({ target: Type.Optional(AnnotationTarget) }), RoomEventRecord),
  /** The still everybody sees sharp: an image of the specimen, by its id in the API's image store. */
  shareStill: request(Type.Object({ imageId: Id }), RoomEventRecord),
  /** The class's host asks a question about a confirmed specimen in their scope, open for `seconds` (ADR 0029). */
  launchQuiz: request(LaunchQuizRequest, QuizQuestion),
  /** A trainee's one answer to the open question, before it closes. */
  answerQuiz: request(AnswerQuizRequest, QuizAnswerReceipt),
  /** The host shows everyone the right answer and how the class answered; it closes the question. */
  revealQuiz: request(Type.Object({ quizId: Id }), QuizResult),
};

export type RtcRequestName = keyof typeof RtcRequests;
export type RtcRequestPayload<Name extends RtcRequestName> = Static<(typeof RtcRequests)[Name]['payload']>;
export type RtcAnswer<Name extends RtcRequestName> = Static<(typeof RtcRequests)[Name]['answer']>;

export const RTC_ERROR_CODES = ['bad_request', 'forbidden', 'not_joined', 'failed', ...QUIZ_ERROR_CODES] as const;
export type RtcErrorCode = (typeof RTC_ERROR_CODES)[number];
export type RtcAck<Name extends RtcRequestName> =
  { ok: true; data: RtcAnswer<Name> } | { ok: false; error: { code: RtcErrorCode; message: string } };

export const ROOM_CLOSE_REASONS = ['ended', 'worker-died', 'closed'] as const;

/** Server → client pushes: event name → payload. */
export const RtcNotifications = {
  peerJoined: PeerInfo,
  peerLeft: Type.Object({ peerId: Type.String() }),
  peerUpdated: PeerInfo,
  producerAdded: ProducerInfo,
  producerUpdated: ProducerInfo,
  producerClosed: Type.Object({ producerId: Type.String(), peerId: Type.String() }),
  /** To one peer: a consumer of theirs ended (its producer went away). */
  consumerClosed: Type.Object({ consumerId: Type.String() }),
  activeSpeaker: Type.Object({ peerId: Type.Union([Type.String(), Type.Null()]) }),
  recordingChanged: Type.Object({ recording: Type.Union([RecordingNotice, Type.Null()]) }),
  /** To one peer: the host removed them (their socket is closed next). */
  removed: Type.Object({}),
  roomEvent: RoomEventRecord,
  /** `rejoin`: a dead worker took the room's router and clients should join again; an ended room sends everyone home. */
  roomClosed: Type.Object({ reason: Type.Enum(ROOM_CLOSE_REASONS), rejoin: Type.Boolean() }),
  /** A class's host launched a question: to everyone in the room (the host too). */
  quizLaunched: QuizQuestion,
  /** To the class's host only: the answers so far, after each one. */
  quizTally: QuizTally,
  /** The host revealed the question: to everyone. */
  quizRevealed: QuizResult,
};

export type RtcNotificationName = keyof typeof RtcNotifications;
export type RtcNotification<Name extends RtcNotificationName> = Static<(typeof RtcNotifications)[Name]>;

/** socket.io's typed event maps for the `/rtc` namespace, on both ends. */
export type RtcServerToClientEvents = { [Name in RtcNotificationName]: (payload: RtcNotification<Name>) => void };
export interface RtcClientToServerEvents {
  request: <Name extends RtcRequestName>(name: Name, payload: RtcRequestPayload<Name>, ack: (answer: RtcAck<Name>) => void) => void;
}

/** The handshake's `auth`: the session token (or the session cookie) and a room token from `POST /api/v1/rooms/:id/token`. */
export const RtcHandshake = Type.Object({ token: Type.Optional(Type.String()), roomToken: Type.String() });
export type RtcHandshake = Static<typeof RtcHandshake>;

/**
 * `connect_error` data when the room is live on another server (several servers share the rooms): reconnect to
 * `signallingUrl` (null: that server has no address to give).
 */
export const RoomElsewhere = Type.Object({ code: Type.Literal('room_elsewhere'), signallingUrl: Type.Union([Type.String(), Type.Null()]) });
export type RoomElsewhere = Static<typeof RoomElsewhere>;
