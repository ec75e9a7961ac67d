// RoomClient: one person's connection to a live room (ADR 0009), without any UI framework.
//
// - Signalling over the socket.io namespace `/rtc` (signalling-client.ts), with a fresh room token from
//   POST /api/v1/rooms/:id/token for every join.
// - Media through mediasoup-client: one Device per join, a receiving transport that consumes every producer
//   of the others (on join and on `producerAdded`), a sending transport created on first use. The camera is
//   sent as three simulcast layers; the receiver asks for the layer its tile needs (`setConsumerLayers`).
// - Reconnection: an ICE transport that goes `disconnected`/`failed` restarts ICE (`restartIce` on the server,
//   `transport.restartIce` here); when that has not helped within ICE_RESTART_GRACE_MS, when the socket drops,
//   or when the server says `roomClosed {rejoin: true}`, the client rejoins as a new peer (fresh token, new
//   socket, new transports) and sends the tracks it was sending again.
// - The UI reads an immutable snapshot (`getState()`, `subscribe()` for useSyncExternalStore) that the pure
//   reducer of room-state.ts computes from what the server says, and listens to a few typed events.
import { Device, parseScalabilityMode, type types } from 'mediasoup-client';
import {
  canProduce,
  MEDIA_SOURCES,
  type MediaSource,
  type LaunchQuizRequest,
  type PeerInfo,
  type ProducerInfo,
  type QuizAnswerReceipt,
  type QuizQuestion,
  type QuizResult,
  type RoomEventRecord,
  type RoomRole,
  type RtcAnswer,
  type RtcRequestName,
  type RtcRequestPayload,
} from '@contract';
import { ApiError, api } from '../api/client';
import type { Annotation, AnnotationTarget } from './annotations';
import {
  inboundCountsOf,
  inboundVideoTotalsOf,
  lossBetween,
  qualityOf,
  roundTripOf,
  sendingQualityOf,
  worse,
  type InboundCounts,
  type InboundVideoTotals,
  type Quality,
} from './quality';
import {
  hasSeen,
  initialRoomState,
  reduce,
  subjectOf,
  type ClosedReason,
  type RemoteTrack,
  type RoomPhase,
  type RoomState,
  type RoomStateEvent,
} from './room-state';
import { openSignalling, request, RoomRequestError, type RtcSocket } from './signalling-client';
import { CAMERA_ENCODINGS, layerForWidth } from './simulcast';
import { TypedEmitter } from './typed-emitter';

export type RoomClientEvents = {
  joined: [{ peerId: string; rejoin: boolean }];
  roomEvent: [RoomEventRecord];
  closed: [ClosedReason];
};

/** Inbound video of one consumer, as the browser's RTCPeerConnection statistics report it. */
export interface InboundVideoStats extends InboundVideoTotals {
  consumerId: string;
  peerId: string;
  source: MediaSource;
}

/** What end-to-end tests reach through `window.__vectordeskRoom`. */
export interface RoomTestHook {
  info(): {
    phase: RoomPhase;
    peerId: string | null;
    role: RoomRole | null;
    joins: number;
    /** ICE restarts completed (without a rejoin). */
    iceRestarts: number;
    consumers: number;
    producers: MediaSource[];
    annotations: number;
    still: string | null;
    /** Simulcast spatial layer asked for, by producer id (from the tile sizes). */
    layers: Record<string, number>;
    timing: RoomTiming;
  };
  stats(): Promise<InboundVideoStats[]>;
  /** Tries to send `source` (a fresh track from getUserMedia) and says what the server answered. */
  produce(source: MediaSource): Promise<{ ok: true; producerId: string } | { ok: false; code: string; message: string }>;
  /** Cuts the connection as a network failure would: closes the socket and the transports' peer connections. */
  dropConnection(): void;
  /** Does what the client does when the receiving transport reports `disconnected`: an ICE restart. */
  restartIce(): Promise<void>;
}

export interface RoomTiming {
  /** performance.now() when join() was called. */
  joinStartedAt: number | null;
  joinedAt: number | null;
  /** When the receiving transport existed on both sides. */
  recvTransportAt: number | null;
  /** When the server answered the first video `consume`. */
  firstVideoConsumeAnsweredAt: number | null;
  /** When the first remote video consumer was set up in the browser (its transport connecting from then). */
  firstVideoConsumerAt: number | null;
  /** When the receiving transport first reached `connected` (ICE + DTLS done). */
  recvConnectedAt: number | null;
  /** When the first remote video consumer was resumed (media may flow from then on). */
  firstVideoResumedAt: number | null;
  /** When a remote video first showed a frame (reported by the UI). */
  firstFrameAt: number | null;
}

// ---- tuning ---------------------------------------------------------------------------------------

/** After this long without a working ICE connection following a restart, rejoin from scratch. */
export const ICE_RESTART_GRACE_MS = 10_000;
const QUALITY_INTERVAL_MS = 2_000;
const REJOIN_DELAYS_MS = [250, 1000, 2000, 4000, 8000, 10_000];

type ProducerAppData = { source: MediaSource };
type ConsumerAppData = { peerId: string; source: MediaSource };

/** One join's worth of connection: replaced wholesale when the client rejoins. */
interface Connection {
  generation: number;
  socket: RtcSocket;
  device: Device;
  peerId: string | null;
  recvTransport: Promise<types.Transport>;
  sendTransport: Promise<types.Transport> | null;
  consumers: Map<string, types.Consumer<ConsumerAppData>>;
  /** Producer ids this connection consumes (or is about to), so a producer is never consumed twice. */
  consuming: Set<string>;
  producers: Map<MediaSource, types.Producer<ProducerAppData>>;
  iceTimers: Map<string, ReturnType<typeof setTimeout>>;
  /** Layer asked for, by consumer id. */
  layers: Map<string, number>;
  /** Receive statistics of the previous quality tick, by consumer id. */
  lastInbound: Map<string, InboundCounts>;
}

export class RoomClient extends TypedEmitter<RoomClientEvents> {
  private state: RoomState;
  private readonly changeListeners = new Set<() => void>();
  private connection: Connection | null = null;
  private generation = 0;
  private rejoining = false;
  private iceRestarts = 0;
  private qualityTimer: ReturnType<typeof setInterval> | null = null;
  private readonly tracks = new Map<MediaSource, { track: MediaStreamTrack; paused: boolean }>();
  private readonly tileWidths = new Map<string, number>();
  private readonly timing: RoomTiming = {
    joinStartedAt: null,
    joinedAt: null,
    recvTransportAt: null,
    firstVideoConsumeAnsweredAt: null,
    firstVideoConsumerAt: null,
    recvConnectedAt: null,
    firstVideoResumedAt: null,
    firstFrameAt: null,
  };

  constructor(readonly roomId: string) {
    super();
    this.state = initialRoomState(roomId);
  }

  // ---- state for the UI ------------------------------------------------------------------------------

  getState = (): RoomState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  };

  private setState(state: RoomState): void {
    if (state === this.state) return;
    this.state = state;
    for (const listener of [...this.changeListeners]) listener();
  }

  /** The connection's own state: phase, errors, quality, what is sent. */
  private update(patch: Partial<RoomState>): void {
    this.setState({ ...this.state, ...patch });
  }

  /** What the server said (and the tracks received): through the room's reducer. */
  private dispatch(event: RoomStateEvent): void {
    this.setState(reduce(this.state, event));
  }

  private syncLocal(): void {
    const connection = this.connection;
    this.update({
      local: [...this.tracks].map(([source, { track, paused }]) => ({
        source,
        track,
        paused,
        producerId: connection?.producers.get(source)?.id ?? null,
      })),
    });
  }

  get role(): RoomRole | null {
    return this.state.me?.role ?? null;
  }

  /** Whether this person may send `source` now (the server decides; this only avoids asking for what it would refuse). */
  private mayProduce(source: MediaSource): boolean {
    const subject = subjectOf(this.state);
    return subject !== null && canProduce(subject, source);
  }

  // ---- joining and leaving -------------------------------------------------------------------------

  /** Joins the room (resolves once joined; rejects, and closes, when the room cannot be joined at all). */
  async join(): Promise<void> {
    if (this.state.phase !== 'idle') throw new Error(`cannot join: the client is ${this.state.phase}`);
    this.timing.joinStartedAt = performance.now();
    this.update({ phase: 'connecting', error: null });
    try {
      await this.connectOnce(false);
    } catch (error) {
      this.close(fatalReason(error) ?? 'failed', error);
      throw error;
    }
    window.addEventListener('online', this.onOnline);
  }

  /** Leaves the room: stops sending, closes everything, stops the local tracks. */
  leave(): void {
    if (this.state.phase === 'closed') return;
    this.close('left');
  }

  private readonly onOnline = (): void => {
    if (this.state.phase === 'reconnecting') void this.rejoin('network back');
  };

  private close(reason: ClosedReason, error?: unknown): void {
    if (this.state.phase === 'closed') return;
    window.removeEventListener('online', this.onOnline);
    this.teardown();
    for (const { track } of this.tracks.values()) track.stop();
    this.tracks.clear();
    this.update({
      phase: 'closed',
      closedReason: reason,
      remote: [],
      local: [],
      peers: [],
      activeSpeaker: null,
      recording: null,
      error: error === undefined ? this.state.error : messageOf(error),
    });
    this.emit('closed', reason);
  }

  /** Closes the current connection (socket, transports) without touching the local tracks. */
  private teardown(): void {
    const connection = this.connection;
    this.connection = null;
    this.generation += 1;
    if (this.qualityTimer) clearInterval(this.qualityTimer);
    this.qualityTimer = null;
    if (!connection) return;
    for (const timer of connection.iceTimers.values()) clearTimeout(timer);
    connection.socket.removeAllListeners();
    connection.socket.disconnect();
    for (const consumer of connection.consumers.values()) consumer.close();
    for (const producer of connection.producers.values()) producer.close();
    connection.recvTransport.then((transport) => transport.close()).catch(() => undefined);
    connection.sendTransport?.then((transport) => transport.close()).catch(() => undefined);
  }

  /** Joins again as a new peer after a network cut, a failed ICE restart or a dead server worker. */
  private async rejoin(why: string): Promise<void> {
    if (this.rejoining || this.state.phase === 'closed' || this.state.phase === 'idle') return;
    this.rejoining = true;
    console.warn(`[rtc] rejoining room ${this.roomId}: ${why}`);
    this.teardown();
    this.update({ phase: 'reconnecting', remote: [], peers: [], activeSpeaker: null, quality: {} });
    this.syncLocal();
    try {
      for (let attempt = 0; this.state.phase === 'reconnecting'; attempt += 1) {
        try {
          await this.connectOnce(true);
          return;
        } catch (error) {
          const fatal = fatalReason(error);
          if (fatal) {
            this.close(fatal, error);
            return;
          }
          this.teardown();
          this.update({ error: messageOf(error) });
          await sleep(REJOIN_DELAYS_MS[Math.min(attempt, REJOIN_DELAYS_MS.length - 1)]!);
        }
      }
    } finally {
      this.rejoining = false;
    }
  }

  private async connectOnce(rejoin: boolean): Promise<void> {
    const generation = ++this.generation;
    const live = () => generation === this.generation && this.state.phase !== 'closed';
    const roomToken = await api.issueRoomToken({ params: { id: this.roomId } });
    if (!live()) throw new RoomRequestError('disconnected', 'superseded');

    const socket = await openSignalling(roomToken.signallingUrl, roomToken.token);
    if (!live()) {
      socket.disconnect();
      throw new RoomRequestError('disconnected', 'superseded');
    }
    const device = new Device();
    const connection: Connection = {
      generation,
      socket,
      device,
      peerId: null,
      recvTransport: new Promise<types.Transport>(() => undefined),
      sendTransport: null,
      consumers: new Map(),
      consuming: new Set(),
      producers: new Map(),
      iceTimers: new Map(),
      layers: new Map(),
      lastInbound: new Map(),
    };
    this.connection = connection;

    // Events that arrive before the join answer wait for it (the answer's snapshot comes first).
    const early: (() => void)[] = [];
    let ready = false;
    const whenJoined =
      <Payload>(handler: (payload: Payload) => void) =>
      (payload: Payload): void => {
        if (!live()) return;
        if (ready) handler(payload);
        else early.push(() => handler(payload));
      };
    socket.on(
      'peerJoined',
      whenJoined((peer) => this.dispatch({ type: 'peerJoined', peer })),
    );
    socket.on(
      'peerLeft',
      whenJoined(({ peerId }) => this.dispatch({ type: 'peerLeft', peerId })),
    );
    socket.on(
      'peerUpdated',
      whenJoined((peer) => this.onPeerUpdated(peer)),
    );
    socket.on(
      'producerAdded',
      whenJoined((producer) => void this.consume(connection, producer)),
    );
    socket.on(
      'producerUpdated',
      whenJoined((producer) => this.onProducerUpdated(connection, producer)),
    );
    socket.on(
      'producerClosed',
      whenJoined((producer) => this.onProducerClosed(connection, producer)),
    );
    socket.on(
      'consumerClosed',
      whenJoined(({ consumerId }) => this.dropConsumer(connection, consumerId)),
    );
    socket.on(
      'activeSpeaker',
      whenJoined(({ peerId }) => this.dispatch({ type: 'activeSpeaker', peerId })),
    );
    socket.on(
      'roomEvent',
      whenJoined((event) => this.onRoomEvent(event)),
    );
    socket.on(
      'recordingChanged',
      whenJoined(({ recording }) => this.dispatch({ type: 'recordingChanged', recording })),
    );
    socket.on(
      'quizLaunched',
      whenJoined((question) => this.dispatch({ type: 'quiz', event: { type: 'launched', question, receivedAt: Date.now() } })),
    );
    socket.on(
      'quizTally',
      whenJoined((tally) => this.dispatch({ type: 'quiz', event: { type: 'tally', tally } })),
    );
    socket.on(
      'quizRevealed',
      whenJoined((result) => this.dispatch({ type: 'quiz', event: { type: 'revealed', result } })),
    );
    socket.on('removed', () => live() && this.close('removed'));
    socket.on('roomClosed', ({ reason, rejoin: again }) => {
      if (!live()) return;
      if (reason === 'ended') this.close('ended');
      else if (again || reason === 'closed') void this.rejoin(`room closed (${reason})`);
    });
    socket.on('disconnect', (reason) => {
      if (live() && this.state.phase !== 'connecting') void this.rejoin(`socket ${reason}`);
    });

    const routerRtpCapabilities = await request(socket, 'routerRtpCapabilities', {});
    // mediasoup's own objects travel opaque in the contract (mediasoup checks them on both ends); here, and where
    // the other answers are handed to mediasoup-client, they take mediasoup-client's types.
    await device.load({ routerRtpCapabilities: routerRtpCapabilities as types.RtpCapabilities });
    const answer = await request(socket, 'join', { rtpCapabilities: device.rtpCapabilities });
    if (!live()) throw new RoomRequestError('disconnected', 'superseded');
    connection.peerId = answer.peerId;
    connection.recvTransport = this.createTransport(connection, 'recv');
    connection.recvTransport.catch((error: unknown) => {
      if (live()) void this.rejoin(`no receiving transport: ${messageOf(error)}`);
    });

    this.timing.joinedAt ??= performance.now();
    this.dispatch({ type: 'joined', answer });
    this.dispatch({ type: 'quiz', event: { type: 'snapshot', snapshot: answer.quiz, receivedAt: Date.now() } });

    ready = true;
    for (const producer of answer.producers) void this.consume(connection, producer);
    for (const replay of early.splice(0)) replay();

    // What was being sent before a reconnection is sent again (what may no longer be sent is dropped).
    for (const source of [...this.tracks.keys()]) {
      const entry = this.tracks.get(source);
      if (!entry) continue;
      if (entry.track.readyState === 'ended' || !this.mayProduce(source)) {
        this.forgetTrack(source);
        continue;
      }
      this.produce(connection, source, entry.track, entry.paused).catch((error: unknown) => {
        if (live()) {
          this.forgetTrack(source);
          this.update({ error: messageOf(error) });
        }
      });
    }
    this.syncLocal();
    this.qualityTimer = setInterval(() => void this.measureQuality(connection), QUALITY_INTERVAL_MS);
    this.emit('joined', { peerId: answer.peerId, rejoin });
  }

  /** A request on the current connection (the UI's actions). */
  private act<Name extends RtcRequestName>(name: Name, payload: RtcRequestPayload<Name>): Promise<RtcAnswer<Name>> {
    const connection = this.connection;
    if (!connection || this.state.phase !== 'joined') return Promise.reject(new RoomRequestError('not_joined', 'not in the room'));
    return request(connection.socket, name, payload);
  }

  // ---- transports and ICE ----------------------------------------------------------------------------

  private async createTransport(connection: Connection, direction: 'send' | 'recv'): Promise<types.Transport> {
    const { id, iceParameters, iceCandidates, dtlsParameters } = await request(connection.socket, 'createTransport', { direction });
    const options: types.TransportOptions = {
      id,
      iceParameters: iceParameters as types.IceParameters,
      iceCandidates: iceCandidates as types.IceCandidate[],
      dtlsParameters: dtlsParameters as types.DtlsParameters,
    };
    const transport =
      direction === 'send' ? connection.device.createSendTransport(options) : connection.device.createRecvTransport(options);
    transport.on('connect', ({ dtlsParameters: local }, callback, errback) => {
      request(connection.socket, 'connectTransport', { transportId: transport.id, dtlsParameters: local }).then(() => callback(), errback);
    });
    if (direction === 'send') {
      transport.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
        const { source } = appData;
        if (!isMediaSource(source)) {
          errback(new Error('a producer without its media source'));
          return;
        }
        request(connection.socket, 'produce', { transportId: transport.id, kind, source, rtpParameters }).then(
          ({ producerId }) => callback({ id: producerId }),
          errback,
        );
      });
    }
    transport.on('connectionstatechange', (state) => this.onTransportState(connection, transport, state));
    return transport;
  }

  private onTransportState(connection: Connection, transport: types.Transport, state: types.ConnectionState): void {
    if (connection.generation !== this.generation) return;
    if (state === 'connected') {
      if (transport.direction === 'recv') this.timing.recvConnectedAt ??= performance.now();
      const timer = connection.iceTimers.get(transport.id);
      if (timer) clearTimeout(timer);
      connection.iceTimers.delete(transport.id);
      return;
    }
    if (state === 'disconnected' || state === 'failed') void this.restartIce(connection, transport);
  }

  /** New ICE credentials from the server, then an ICE restart here; a full rejoin if it has not worked in time. */
  private async restartIce(connection: Connection, transport: types.Transport): Promise<void> {
    if (!connection.iceTimers.has(transport.id)) {
      connection.iceTimers.set(
        transport.id,
        setTimeout(() => {
          connection.iceTimers.delete(transport.id);
          if (connection.generation === this.generation && transport.connectionState !== 'connected')
            void this.rejoin('ICE restart did not reconnect');
        }, ICE_RESTART_GRACE_MS),
      );
    }
    try {
      const { iceParameters } = await request(connection.socket, 'restartIce', { transportId: transport.id });
      if (connection.generation !== this.generation || transport.closed) return;
      await transport.restartIce({ iceParameters: iceParameters as types.IceParameters });
      this.iceRestarts += 1;
    } catch (error) {
      if (connection.generation === this.generation) void this.rejoin(`ICE restart failed: ${messageOf(error)}`);
    }
  }

  private sendTransport(connection: Connection): Promise<types.Transport> {
    if (!connection.sendTransport) {
      connection.sendTransport = this.createTransport(connection, 'send');
      connection.sendTransport.catch(() => {
        if (connection.sendTransport) connection.sendTransport = null;
      });
    }
    return connection.sendTransport;
  }

  // ---- sending ---------------------------------------------------------------------------------------

  /**
   * Sends `track` as `source` (replacing what was sent as that source). The track is kept across reconnections
   * and stopped when it is unpublished or the client leaves. Rejects with a RoomRequestError `forbidden` when
   * the server refuses (a trainee without the microphone, say); the track is then stopped.
   */
  async publish(source: MediaSource, track: MediaStreamTrack, { paused = false } = {}): Promise<void> {
    const previous = this.tracks.get(source);
    if (previous && previous.track !== track) this.unpublish(source);
    this.tracks.set(source, { track, paused });
    track.addEventListener('ended', () => {
      if (this.tracks.get(source)?.track === track) this.unpublish(source);
    });
    this.syncLocal();
    const connection = this.connection;
    if (!connection || this.state.phase !== 'joined') return; // sent once joined
    try {
      await this.produce(connection, source, track, paused);
    } catch (error) {
      if (this.tracks.get(source)?.track === track) this.forgetTrack(source);
      throw error;
    } finally {
      this.syncLocal();
    }
  }

  /** Stops sending `source` and stops its track. */
  unpublish(source: MediaSource): void {
    const entry = this.tracks.get(source);
    const producer = this.connection?.producers.get(source);
    if (producer) {
      this.connection?.producers.delete(source);
      producer.close();
      if (this.connection && this.state.phase === 'joined') this.act('closeProducer', { producerId: producer.id }).catch(() => undefined);
    }
    if (entry) {
      this.tracks.delete(source);
      entry.track.stop();
    }
    this.syncLocal();
  }

  private forgetTrack(source: MediaSource): void {
    const entry = this.tracks.get(source);
    this.tracks.delete(source);
    entry?.track.stop();
    const producer = this.connection?.producers.get(source);
    this.connection?.producers.delete(source);
    producer?.close();
    this.syncLocal();
  }

  /** Pauses or resumes what is sent as `source` (camera off, microphone muted) without closing it. */
  async setPaused(source: MediaSource, paused: boolean): Promise<void> {
    const entry = this.tracks.get(source);
    if (!entry) return;
    entry.paused = paused;
    const producer = this.connection?.producers.get(source);
    if (producer) {
      if (paused) producer.pause();
      else producer.resume();
      this.syncLocal();
      try {
        await this.act('setProducerPaused', { producerId: producer.id, paused });
      } catch (error) {
        // The server refused to resume (a trainee's grant ran out): stay paused.
        if (!paused) {
          producer.pause();
          entry.paused = true;
        }
        this.syncLocal();
        throw error;
      }
    }
    this.syncLocal();
  }

  private async produce(connection: Connection, source: MediaSource, track: MediaStreamTrack, paused: boolean): Promise<types.Producer> {
    const transport = await this.sendTransport(connection);
    const options: types.ProducerOptions<ProducerAppData> = { track, stopTracks: false, appData: { source } };
    if (source === 'camera') {
      options.encodings = CAMERA_ENCODINGS.map((encoding) => ({ ...encoding }));
      options.codecOptions = { videoGoogleStartBitrate: 1000 };
    } else if (source === 'microscope') {
      // The specimen's detail matters more than smoothness: one sharp stream.
      options.encodings = [{ maxBitrate: 2_500_000 }];
      track.contentHint = 'detail';
    } else if (source === 'screen') {
      options.encodings = [{ maxBitrate: 1_500_000, maxFramerate: 15 }];
      track.contentHint = 'detail';
    } else {
      options.codecOptions = { opusDtx: true, opusFec: true };
    }
    const producer = await transport.produce(options);
    if (connection.generation !== this.generation || this.tracks.get(source)?.track !== track) {
      producer.close();
      throw new RoomRequestError('disconnected', 'superseded');
    }
    connection.producers.get(source)?.close();
    connection.producers.set(source, producer);
    producer.on('transportclose', () => connection.producers.get(source) === producer && connection.producers.delete(source));
    if (paused) {
      producer.pause();
      await request(connection.socket, 'setProducerPaused', { producerId: producer.id, paused: true }).catch(() => undefined);
    }
    this.syncLocal();
    return producer;
  }

  // ---- receiving -------------------------------------------------------------------------------------

  private async consume(connection: Connection, producer: ProducerInfo): Promise<void> {
    if (producer.peerId === connection.peerId || connection.consuming.has(producer.producerId)) return;
    connection.consuming.add(producer.producerId);
    try {
      const transport = await connection.recvTransport;
      this.timing.recvTransportAt ??= performance.now();
      const parameters = await request(connection.socket, 'consume', { producerId: producer.producerId });
      if (connection.generation !== this.generation) return;
      if (parameters.kind === 'video') this.timing.firstVideoConsumeAnsweredAt ??= performance.now();
      const rtpParameters = parameters.rtpParameters as types.RtpParameters;
      const consumer = await transport.consume<ConsumerAppData>({
        id: parameters.id,
        producerId: parameters.producerId,
        kind: parameters.kind,
        rtpParameters,
        appData: { peerId: parameters.peerId, source: parameters.source },
      });
      if (connection.generation !== this.generation || !connection.consuming.has(producer.producerId)) {
        consumer.close();
        return;
      }
      connection.consumers.set(consumer.id, consumer);
      if (consumer.kind === 'video') this.timing.firstVideoConsumerAt ??= performance.now();
      consumer.on('transportclose', () => this.dropConsumer(connection, consumer.id));
      const encodings = rtpParameters.encodings ?? [];
      const spatialLayers = parameters.layered
        ? Math.max(1, parseScalabilityMode(encodings[0]?.scalabilityMode).spatialLayers, encodings.length)
        : 1;
      const remote: RemoteTrack = {
        consumerId: consumer.id,
        producerId: parameters.producerId,
        peerId: parameters.peerId,
        kind: parameters.kind,
        source: parameters.source,
        track: consumer.track,
        paused: producer.paused,
        layered: parameters.layered,
        spatialLayers,
      };
      this.dispatch({ type: 'remoteTrackAdded', remote });
      await request(connection.socket, 'resumeConsumer', { consumerId: consumer.id });
      if (remote.kind === 'video') this.timing.firstVideoResumedAt ??= performance.now();
      const width = this.tileWidths.get(remote.producerId);
      if (width !== undefined) this.applyLayer(connection, remote, width);
    } catch (error) {
      connection.consuming.delete(producer.producerId);
      if (connection.generation === this.generation)
        console.warn(`[rtc] could not receive ${producer.source} of ${producer.peerId}`, error);
    }
  }

  private dropConsumer(connection: Connection, consumerId: string): void {
    const consumer = connection.consumers.get(consumerId);
    connection.consumers.delete(consumerId);
    connection.layers.delete(consumerId);
    connection.lastInbound.delete(consumerId);
    if (consumer) {
      connection.consuming.delete(consumer.producerId);
      consumer.close();
    }
    if (connection.generation === this.generation) this.dispatch({ type: 'remoteTrackRemoved', consumerId });
  }

  /**
   * The UI tells how wide (CSS px) the tile showing `producerId` is; the client asks the server for the simulcast
   * layer that width needs (small tile → lowest layer, large → highest).
   */
  setTileWidth(producerId: string, width: number): void {
    this.tileWidths.set(producerId, width);
    const connection = this.connection;
    const remote = this.state.remote.find((r) => r.producerId === producerId);
    if (connection && remote) this.applyLayer(connection, remote, width);
  }

  private applyLayer(connection: Connection, remote: RemoteTrack, width: number): void {
    if (!remote.layered || remote.kind !== 'video') return;
    const layer = layerForWidth(width, remote.spatialLayers);
    if (connection.layers.get(remote.consumerId) === layer) return;
    connection.layers.set(remote.consumerId, layer);
    request(connection.socket, 'setConsumerLayers', { consumerId: remote.consumerId, spatialLayer: layer }).catch(() =>
      connection.layers.delete(remote.consumerId),
    );
  }

  /** The layer last asked for the consumer of `producerId` (for display and tests). */
  requestedLayer(producerId: string): number | null {
    const remote = this.state.remote.find((r) => r.producerId === producerId);
    return remote ? (this.connection?.layers.get(remote.consumerId) ?? null) : null;
  }

  /** The UI reports the first frame it showed of a remote video (for the join → first-frame measurement). */
  noteFirstFrame(): void {
    this.timing.firstFrameAt ??= performance.now();
  }

  // ---- what the server pushes, beyond the state ---------------------------------------------------------

  private onPeerUpdated(peer: PeerInfo): void {
    this.dispatch({ type: 'peerUpdated', peer });
    // A grant that ended: the server closed the microphone; stop it here too.
    if (peer.peerId === this.state.me?.peerId && this.tracks.has('microphone') && !this.mayProduce('microphone'))
      this.forgetTrack('microphone');
  }

  private onProducerUpdated(connection: Connection, producer: ProducerInfo): void {
    if (producer.peerId !== connection.peerId) {
      this.dispatch({ type: 'producerUpdated', producer });
      return;
    }
    // The host muted us: reflect it here (we may unmute ourselves).
    const entry = this.tracks.get(producer.source);
    const own = connection.producers.get(producer.source);
    if (entry && own?.id === producer.producerId && producer.paused && !own.paused) {
      own.pause();
      entry.paused = true;
      this.syncLocal();
    }
  }

  private onProducerClosed(connection: Connection, { producerId, peerId }: { producerId: string; peerId: string }): void {
    if (peerId === connection.peerId) {
      for (const [source, producer] of connection.producers) if (producer.id === producerId) this.forgetTrack(source);
      return;
    }
    for (const consumer of [...connection.consumers.values()])
      if (consumer.producerId === producerId) this.dropConsumer(connection, consumer.id);
    connection.consuming.delete(producerId);
    this.dispatch({ type: 'producerClosed', producerId });
  }

  /** Chat, stills and annotations pushed live (the join answer's history is replayed by the reducer, unannounced). */
  private onRoomEvent(event: RoomEventRecord): void {
    const fresh = !hasSeen(this.state, event);
    this.dispatch({ type: 'roomEvent', event });
    if (fresh) this.emit('roomEvent', event);
  }

  // ---- actions ---------------------------------------------------------------------------------------

  chat(text: string): Promise<RoomEventRecord> {
    return this.act('chat', { text });
  }

  annotate(annotation: Annotation): Promise<RoomEventRecord> {
    return this.act('annotate', { ...annotation });
  }

  /** The still's annotations, or with a target the marks over that live video. */
  clearAnnotations(target?: AnnotationTarget): Promise<RoomEventRecord> {
    return this.act('clearAnnotations', target ? { target } : {});
  }

  shareStill(imageId: string): Promise<RoomEventRecord> {
    return this.act('shareStill', { imageId });
  }

  /** The class's host asks a question (everyone, the host too, is told through `quizLaunched`). */
  launchQuiz(request: LaunchQuizRequest): Promise<QuizQuestion> {
    return this.act('launchQuiz', request);
  }

  /** A trainee's one answer; kept in the state once the server took it. */
  async answerQuiz(quizId: string, taxonId: string): Promise<QuizAnswerReceipt> {
    const receipt = await this.act('answerQuiz', { quizId, taxonId });
    this.dispatch({ type: 'quiz', event: { type: 'answered', quizId: receipt.quizId, taxonId: receipt.taxonId } });
    return receipt;
  }

  revealQuiz(quizId: string): Promise<QuizResult> {
    return this.act('revealQuiz', { quizId });
  }

  raiseHand(raised: boolean): Promise<void> {
    return this.act('raiseHand', { raised });
  }

  grantMicrophone(peerId: string, seconds: number): Promise<void> {
    return this.act('grantMicrophone', { peerId, seconds });
  }

  mute(peerId: string): Promise<void> {
    return this.act('mute', { peerId });
  }

  remove(peerId: string): Promise<void> {
    return this.act('remove', { peerId });
  }

  /** Host: ends the room for everybody. */
  end(): Promise<void> {
    return this.act('end', {});
  }

  // ---- connection quality ----------------------------------------------------------------------------

  private async measureQuality(connection: Connection): Promise<void> {
    if (connection.generation !== this.generation || this.state.phase !== 'joined') return;
    try {
      const byPeer: Record<string, Quality> = {};
      const rtt = roundTripOf(await (await connection.recvTransport).getStats());
      for (const consumer of connection.consumers.values()) {
        const counts = inboundCountsOf(await consumer.getStats());
        const loss = lossBetween(connection.lastInbound.get(consumer.id), counts);
        connection.lastInbound.set(consumer.id, counts);
        const { peerId } = consumer.appData;
        byPeer[peerId] = worse(byPeer[peerId] ?? 'unknown', qualityOf(loss, rtt));
      }
      const sending = connection.sendTransport && connection.producers.size > 0 ? await connection.sendTransport : null;
      const myQuality = sending ? sendingQualityOf(await sending.getStats()) : 'unknown';
      if (connection.generation === this.generation) this.update({ quality: byPeer, myQuality });
    } catch {
      // statistics are best effort (a transport closing meanwhile)
    }
  }

  // ---- test hook -------------------------------------------------------------------------------------

  /** Inbound video statistics of every consumer (from the receiving RTCPeerConnection). */
  async inboundVideoStats(): Promise<InboundVideoStats[]> {
    const connection = this.connection;
    if (!connection) return [];
    const results: InboundVideoStats[] = [];
    for (const consumer of connection.consumers.values()) {
      if (consumer.kind !== 'video' || consumer.closed) continue;
      const { peerId, source } = consumer.appData;
      results.push({ consumerId: consumer.id, peerId, source, ...inboundVideoTotalsOf(await consumer.getStats()) });
    }
    return results;
  }

  testHook(): RoomTestHook {
    return {
      info: () => ({
        phase: this.state.phase,
        peerId: this.connection?.peerId ?? null,
        role: this.state.me?.role ?? null,
        joins: this.state.joins,
        iceRestarts: this.iceRestarts,
        consumers: this.connection?.consumers.size ?? 0,
        producers: [...(this.connection?.producers.keys() ?? [])],
        annotations: this.state.annotations.length,
        still: this.state.still?.imageId ?? null,
        layers: Object.fromEntries(
          this.state.remote.flatMap((remote) => {
            const layer = this.connection?.layers.get(remote.consumerId);
            return layer === undefined ? [] : [[remote.producerId, layer]];
          }),
        ),
        timing: { ...this.timing },
      }),
      stats: () => this.inboundVideoStats(),
      produce: async (source) => {
        const stream = await navigator.mediaDevices.getUserMedia(source === 'microphone' ? { audio: true } : { video: true });
        const track = source === 'microphone' ? stream.getAudioTracks()[0] : stream.getVideoTracks()[0];
        if (!track) return { ok: false, code: 'no_track', message: 'getUserMedia gave no track' };
        try {
          await this.publish(source, track);
          const producerId = this.connection?.producers.get(source)?.id;
          return producerId ? { ok: true, producerId } : { ok: false, code: 'not_joined', message: 'not sent' };
        } catch (error) {
          return { ok: false, code: error instanceof RoomRequestError ? error.code : 'error', message: messageOf(error) };
        }
      },
      dropConnection: () => {
        const connection = this.connection;
        if (!connection) return;
        const closePc = (transport: types.Transport) => (transport.handler as unknown as { _pc?: RTCPeerConnection })._pc?.close();
        void connection.recvTransport.then(closePc, () => undefined);
        void connection.sendTransport?.then(closePc, () => undefined);
        // As a network cut does: the engine goes away under socket.io (reason "transport close"), not a clean leave.
        connection.socket.io.engine?.close();
      },
      restartIce: async () => {
        const connection = this.connection;
        if (!connection) throw new Error('not connected');
        await this.restartIce(connection, await connection.recvTransport);
      },
    };
  }
}

function isMediaSource(value: unknown): value is MediaSource {
  return (MEDIA_SOURCES as readonly unknown[]).includes(value);
}

/** Errors after which trying again cannot help: the room ended, or this person may not be in it. */
function fatalReason(error: unknown): ClosedReason | null {
  if (error instanceof ApiError) {
    if (error.status === 409) return 'ended';
    if (error.status === 401 || error.status === 403 || error.status === 404) return 'forbidden';
    return null;
  }
  if (error instanceof RoomRequestError) return error.code === 'forbidden' ? 'forbidden' : null;
  if (error instanceof Error && error.name === 'UnsupportedError') return 'failed';
  return null;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
