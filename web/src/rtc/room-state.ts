// What the UI shows of a live room, and how what the server says changes it: pure functions of the state and one
// event (the join answer, a push, a track the client started or stopped receiving). No connection lives here; the
// room client applies everything through `reduce` and owns the lifecycle (connecting, reconnecting, closing).
import type {
  MediaSource,
  PeerInfo,
  PermissionSubject,
  ProducerInfo,
  RecordingNotice,
  RoomEventRecord,
  RoomKind,
  RtcAnswer,
} from '@contract';
import { annotationOf, targetOf, type Annotation } from './annotations';
import type { Quality } from './quality';
import { reduceQuiz, type QuizEvent, type QuizState } from './quiz-state';

export type RoomPhase = 'idle' | 'connecting' | 'joined' | 'reconnecting' | 'closed';
/** Why the client stopped: the person left, the host ended the room or removed them, or it could not (re)join. */
export type ClosedReason = 'left' | 'ended' | 'removed' | 'forbidden' | 'failed';

export interface RemoteTrack {
  consumerId: string;
  producerId: string;
  peerId: string;
  kind: 'audio' | 'video';
  source: MediaSource;
  track: MediaStreamTrack;
  /** The sender paused it (camera off, microphone muted). */
  paused: boolean;
  /** Simulcast: the receiver picks a spatial layer. */
  layered: boolean;
  spatialLayers: number;
}

export interface LocalTrack {
  source: MediaSource;
  track: MediaStreamTrack;
  /** The server's producer id once it is being sent. */
  producerId: string | null;
  paused: boolean;
}

export interface StillState {
  imageId: string;
  userId: string;
  displayName: string;
  at: string;
}

export type SharedAnnotation = Annotation & { id: string; userId: string };
/** A mark over a live video (its `target`), with the moment it was drawn. */
export type LiveMark = SharedAnnotation & { target: NonNullable<Annotation['target']>; at: string };

export interface RoomState {
  phase: RoomPhase;
  roomId: string;
  kind: RoomKind | null;
  me: PeerInfo | null;
  /** Everybody else in the room. */
  peers: PeerInfo[];
  remote: RemoteTrack[];
  local: LocalTrack[];
  activeSpeaker: string | null;
  /** Receiving quality by peer id, from the consumers' statistics. */
  quality: Record<string, Quality>;
  /** Sending quality (what the server reports back about our packets). */
  myQuality: Quality;
  chat: RoomEventRecord[];
  still: StillState | null;
  /** Annotations on the current still since it was shared or last cleared, oldest first. */
  annotations: SharedAnnotation[];
  /**
   * Marks over live videos, oldest first, until cleared or their video goes; the layer over each video fades the
   * ones not `persistent`. Only persistent ones are replayed on joining (the others have long faded).
   */
  liveMarks: LiveMark[];
  /** Set while the room is being recorded. */
  recording: RecordingNotice | null;
  /** A class's open question, or the last one revealed. */
  quiz: QuizState | null;
  closedReason: ClosedReason | null;
  /** The last problem worth showing (a refused request, a failed rejoin attempt). */
  error: string | null;
  /** How many times this client has joined (1 after the first join; more after reconnections). */
  joins: number;
  /** Room events applied since the last join: an event replayed in the join answer and pushed as well counts once. */
  seenEventIds: ReadonlySet<string>;
}

export function initialRoomState(roomId: string): RoomState {
  return {
    phase: 'idle',
    roomId,
    kind: null,
    me: null,
    peers: [],
    remote: [],
    local: [],
    activeSpeaker: null,
    quality: {},
    myQuality: 'unknown',
    chat: [],
    still: null,
    annotations: [],
    liveMarks: [],
    recording: null,
    quiz: null,
    closedReason: null,
    error: null,
    joins: 0,
    seenEventIds: new Set(),
  };
}

export type RoomStateEvent =
  /** The join answer: who is here, whether it is recorded, and the history (chat, still, annotations) to replay. */
  | { type: 'joined'; answer: Pick<RtcAnswer<'join'>, 'kind' | 'you' | 'peers' | 'recording' | 'history'> }
  | { type: 'peerJoined'; peer: PeerInfo }
  | { type: 'peerLeft'; peerId: string }
  | { type: 'peerUpdated'; peer: PeerInfo }
  | { type: 'producerUpdated'; producer: ProducerInfo }
  | { type: 'producerClosed'; producerId: string }
  | { type: 'remoteTrackAdded'; remote: RemoteTrack }
  | { type: 'remoteTrackRemoved'; consumerId: string }
  | { type: 'activeSpeaker'; peerId: string | null }
  | { type: 'recordingChanged'; recording: RecordingNotice | null }
  /** Chat, stills and annotations, pushed live or replayed from the join answer. */
  | { type: 'roomEvent'; event: RoomEventRecord }
  /** A class quiz's question, tally, answer or result (the join answer's question arrives as its own event, after `joined`). */
  | { type: 'quiz'; event: QuizEvent };

export function reduce(state: RoomState, event: RoomStateEvent): RoomState {
  switch (event.type) {
    case 'joined': {
      const { answer } = event;
      const joined: RoomState = {
        ...state,
        phase: 'joined',
        kind: answer.kind,
        me: answer.you,
        peers: answer.peers,
        remote: [],
        activeSpeaker: null,
        chat: [],
        still: null,
        annotations: [],
        liveMarks: [],
        recording: answer.recording,
        quiz: null,
        error: null,
        joins: state.joins + 1,
        seenEventIds: new Set(),
      };
      const replayed = answer.history.reduce(applyRoomEvent, joined);
      return { ...replayed, liveMarks: replayed.liveMarks.filter((mark) => mark.persistent) };
    }
    case 'peerJoined':
      return { ...state, peers: [...state.peers.filter((peer) => peer.peerId !== event.peer.peerId), event.peer] };
    case 'peerLeft': {
      const { [event.peerId]: _gone, ...quality } = state.quality;
      return {
        ...state,
        peers: state.peers.filter((peer) => peer.peerId !== event.peerId),
        remote: state.remote.filter((remote) => remote.peerId !== event.peerId),
        activeSpeaker: state.activeSpeaker === event.peerId ? null : state.activeSpeaker,
        quality,
      };
    }
    case 'peerUpdated':
      if (event.peer.peerId === state.me?.peerId) return { ...state, me: event.peer };
      return { ...state, peers: state.peers.map((peer) => (peer.peerId === event.peer.peerId ? event.peer : peer)) };
    case 'producerUpdated': {
      const { producerId, paused } = event.producer;
      return { ...state, remote: state.remote.map((remote) => (remote.producerId === producerId ? { ...remote, paused } : remote)) };
    }
    case 'producerClosed':
      return {
        ...state,
        remote: state.remote.filter((remote) => remote.producerId !== event.producerId),
        liveMarks: state.liveMarks.filter((mark) => mark.target.producerId !== event.producerId),
      };
    case 'remoteTrackAdded':
      return { ...state, remote: [...state.remote.filter((remote) => remote.producerId !== event.remote.producerId), event.remote] };
    case 'remoteTrackRemoved':
      return { ...state, remote: state.remote.filter((remote) => remote.consumerId !== event.consumerId) };
    case 'activeSpeaker':
      return { ...state, activeSpeaker: event.peerId };
    case 'recordingChanged':
      return { ...state, recording: event.recording };
    case 'roomEvent':
      return applyRoomEvent(state, event.event);
    case 'quiz':
      return { ...state, quiz: reduceQuiz(state.quiz, event.event) };
  }
}

function applyRoomEvent(state: RoomState, event: RoomEventRecord): RoomState {
  if (state.seenEventIds.has(event.id)) return state;
  const next: RoomState = { ...state, seenEventIds: new Set(state.seenEventIds).add(event.id) };
  switch (event.kind) {
    case 'chat':
      return { ...next, chat: [...state.chat, event] };
    case 'still': {
      const { imageId } = event.payload;
      if (typeof imageId !== 'string') return next;
      return { ...next, still: { imageId, userId: event.userId, displayName: event.displayName, at: event.at }, annotations: [] };
    }
    case 'annotation': {
      const annotation = annotationOf(event);
      if (!annotation) return next;
      const shared = { ...annotation, id: event.id, userId: event.userId };
      const { target } = annotation;
      if (target) return { ...next, liveMarks: [...recentOrKept(state.liveMarks, event.at), { ...shared, target, at: event.at }] };
      return { ...next, annotations: [...state.annotations, shared] };
    }
    case 'annotations-cleared': {
      const target = targetOf(event);
      if (!target) return { ...next, annotations: [] };
      return { ...next, liveMarks: state.liveMarks.filter((mark) => mark.target.producerId !== target.producerId) };
    }
    case 'joined':
    case 'left':
      return next;
  }
}

/**
 * How long a fading mark over live video is kept in the state, by the server's clock: well past its fading on any
 * page, so a pointer used all session long does not pile up.
 */
export const FADING_MARKS_KEPT_MS = 30_000;

function recentOrKept(marks: LiveMark[], now: string): LiveMark[] {
  const horizon = Date.parse(now) - FADING_MARKS_KEPT_MS;
  return marks.filter((mark) => mark.persistent || Date.parse(mark.at) >= horizon);
}

/** Whether the room has seen `event` since the last join (it changes nothing a second time). */
export function hasSeen(state: RoomState, event: RoomEventRecord): boolean {
  return state.seenEventIds.has(event.id);
}

/** Who this person is to the room's permissions (rtc/permissions.ts), once joined. */
export function subjectOf(state: Pick<RoomState, 'kind' | 'me'>): PermissionSubject | null {
  if (!state.kind || !state.me) return null;
  return { kind: state.kind, role: state.me.role, microphoneGrantedUntil: state.me.microphoneGrantedUntil ?? undefined };
}

/** Whether this person may do what `permission` (from rtc/permissions.ts) decides; nobody may do anything before joining. */
export function allows(state: Pick<RoomState, 'kind' | 'me'>, permission: (subject: PermissionSubject) => boolean): boolean {
  const subject = subjectOf(state);
  return subject !== null && permission(subject);
}
