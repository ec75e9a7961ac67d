import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import { ROUTER_MEDIA_CODECS } from './media-codecs.js';
import { Peer, type PeerIdentity } from './peer.js';
import {
  canModerate,
  canProduce,
  canRaiseHand,
  mediaKindOf,
  PermissionDenied,
  roleAllowedIn,
  type MediaSource,
  type ModerationAction,
  type RoomKind,
} from './permissions.js';
import type { PeerInfo, ProducerInfo, RecordingNotice } from './protocol.js';
import type { ProducerTap } from './recording/track-recorder.js';
import type { WorkerPool } from './worker-pool.js';

export interface RoomTransportOptions {
  /** Where WebRTC transports listen (and what address they announce to browsers). */
  listenInfos: types.TransportListenInfo[];
  initialAvailableOutgoingBitrate?: number;
  /** Cap on what one producer may send in (bps), so one camera cannot starve a room. */
  maxIncomingBitrate?: number;
}

export interface RoomOptions {
  id: string;
  kind: RoomKind;
  pool: WorkerPool;
  transport: RoomTransportOptions;
  /** Consumers a router's worker takes before new peers of this room go to a router on another worker. */
  maxConsumersPerWorker?: number;
}

export type RoomCloseReason = 'ended' | 'worker-died' | 'closed';

export interface RoomEvents {
  'peer-joined': [peer: PeerInfo];
  'peer-left': [peerId: string];
  'peer-updated': [peer: PeerInfo];
  'producer-added': [producer: ProducerInfo];
  'producer-updated': [producer: ProducerInfo];
  'producer-closed': [producer: { producerId: string; peerId: string }];
  /** Sent to one peer: a consumer of theirs ended (its producer went away). */
  'consumer-closed': [peerId: string, consumerId: string];
  /** Sent to one peer: the host removed them. */
  'peer-removed': [peerId: string];
  'active-speaker': [peerId: string | null];
  'recording-changed': [recording: RecordingNotice | null];
  closed: [reason: RoomCloseReason];
}

export interface TransportParameters {
  id: string;
  iceParameters: types.IceParameters;
  iceCandidates: types.IceCandidate[];
  dtlsParameters: types.DtlsParameters;
}

export interface ConsumerParameters {
  id: string;
  producerId: string;
  peerId: string;
  kind: 'audio' | 'video';
  source: MediaSource;
  rtpParameters: types.RtpParameters;
  /** simulcast/SVC layers the consumer can select between. */
  layered: boolean;
}

/**
 * One live room: a router (plus routers on other workers once it outgrows one, fed by pipe transports), its
 * peers and everything they send and receive. Every operation names the acting peer and is checked against
 * the permission model; the signalling layer only translates messages into these calls and events back out.
 */
export class Room extends EventEmitter<RoomEvents> {
  readonly peers = new Map<string, Peer>();
  private readonly routers: types.Router[];
  private readonly speakerObservers = new Map<types.Router, types.ActiveSpeakerObserver>();
  /** `producerId → target router id` pipes already made. */
  private readonly pipes = new Set<string>();
  private readonly grantTimers = new Map<string, NodeJS.Timeout>();
  private closedReason: RoomCloseReason | undefined;
  private recordingNotice: RecordingNotice | null = null;

  private constructor(
    private readonly options: RoomOptions,
    router: types.Router,
  ) {
    super();
    this.routers = [];
    this.adopt(router);
  }

  static async create(options: RoomOptions): Promise<Room> {
    const router = await options.pool.createRouter(ROUTER_MEDIA_CODECS);
    const room = new Room(options, router);
    await room.observeSpeakers(router);
    return room;
  }

  get id(): string {
    return this.options.id;
  }

  get kind(): RoomKind {
    return this.options.kind;
  }

  get closed(): boolean {
    return this.closedReason !== undefined;
  }

  get rtpCapabilities(): types.RtpCapabilities {
    return this.routers[0]!.rtpCapabilities;
  }

  get routerCount(): number {
    return this.routers.length;
  }

  async join(peerId: string, identity: PeerIdentity): Promise<Peer> {
    this.assertOpen();
    if (!roleAllowedIn(this.kind, identity.role)) throw new PermissionDenied(`a ${identity.role} cannot join a ${this.kind} room`);
    if (this.peers.has(peerId)) throw new Error(`peer ${peerId} already joined`);
    const peer = new Peer(peerId, identity, this.kind, await this.routerForNewPeer());
    this.peers.set(peerId, peer);
    this.emit('peer-joined', peer.info());
    return peer;
  }

  leave(peerId: string): void {
    const peer = this.peers.get(peerId);
    if (!peer) return;
    this.clearGrant(peerId);
    const producers = [...peer.producers.keys()];
    peer.close();
    this.peers.delete(peerId);
    for (const producerId of producers) this.emit('producer-closed', { producerId, peerId });
    this.emit('peer-left', peerId);
  }

  /** Everybody else in the room and what they send: what a joining peer needs to start consuming. */
  snapshot(forPeerId: string): { peers: PeerInfo[]; producers: ProducerInfo[]; recording: RecordingNotice | null } {
    const others = [...this.peers.values()].filter((peer) => peer.id !== forPeerId);
    return {
      peers: others.map((peer) => peer.info()),
      producers: others.flatMap((peer) => peer.producerInfos()),
      recording: this.recordingNotice,
    };
  }

  /** Every producer in the room with its sender and router: what a server-side consumer (the recorder) taps. */
  producerTaps(): ProducerTap[] {
    return [...this.peers.values()].flatMap((peer) =>
      [...peer.producers.values()].map(({ producer, source }) => ({
        producer,
        source,
        peerId: peer.id,
        userId: peer.identity.userId,
        displayName: peer.identity.displayName,
        router: peer.router,
      })),
    );
  }

  /** What the producer carries, if it is in the room (anyone's). */
  sourceOf(producerId: string): MediaSource | undefined {
    for (const peer of this.peers.values()) {
      const produced = peer.producers.get(producerId);
      if (produced) return produced.source;
    }
    return undefined;
  }

  get recording(): RecordingNotice | null {
    return this.recordingNotice;
  }

  /** Everyone is told when recording starts and stops: nobody is recorded without seeing it. */
  setRecording(notice: RecordingNotice | null): void {
    this.recordingNotice = notice;
    if (!this.closed) this.emit('recording-changed', notice);
  }

  async createTransport(peerId: string, direction: 'send' | 'recv'): Promise<TransportParameters> {
    const peer = this.peer(peerId);
    const transport = await peer.router.createWebRtcTransport({
      listenInfos: this.options.transport.listenInfos,
      enableUdp: true,
      enableTcp: true,
      preferUdp: true,
      initialAvailableOutgoingBitrate: this.options.transport.initialAvailableOutgoingBitrate ?? 1_000_000,
      appData: { direction },
    });
    if (direction === 'send' && this.options.transport.maxIncomingBitrate)
      await transport.setMaxIncomingBitrate(this.options.transport.maxIncomingBitrate);
    peer.transports.set(transport.id, transport);
    transport.observer.once('close', () => peer.transports.delete(transport.id));
    return {
      id: transport.id,
      iceParameters: transport.iceParameters,
      iceCandidates: transport.iceCandidates,
      dtlsParameters: transport.dtlsParameters,
    };
  }

  async connectTransport(peerId: string, transportId: string, dtlsParameters: types.DtlsParameters): Promise<void> {
    await this.peer(peerId).transport(transportId).connect({ dtlsParameters });
  }

  /** New ICE credentials after a network change; the browser restarts ICE with them. */
  async restartIce(peerId: string, transportId: string): Promise<types.IceParameters> {
    return this.peer(peerId).transport(transportId).restartIce();
  }

  async produce(
    peerId: string,
    transportId: string,
    kind: 'audio' | 'video',
    source: MediaSource,
    rtpParameters: types.RtpParameters,
  ): Promise<string> {
    const peer = this.peer(peerId);
    if (mediaKindOf(source) !== kind) throw new Error(`a ${source} track must be ${mediaKindOf(source)}, not ${kind}`);
    if (!canProduce(peer.subject, source)) {
      throw new PermissionDenied(
        peer.identity.role === 'trainee'
          ? 'trainees may only speak while the presenter has granted them the microphone'
          : `a ${peer.identity.role} may not send ${source}`,
      );
    }
    const transport = peer.transport(transportId);
    const producer = await transport.produce({ kind, rtpParameters, appData: { source, peerId } });
    peer.producers.set(producer.id, { producer, source });
    producer.observer.once('close', () => {
      if (peer.producers.delete(producer.id)) this.emit('producer-closed', { producerId: producer.id, peerId });
    });
    if (kind === 'audio')
      await this.speakerObservers
        .get(peer.router)
        ?.addProducer({ producerId: producer.id })
        .catch(() => undefined);
    this.emit('producer-added', { producerId: producer.id, peerId, kind, source, paused: producer.paused });
    return producer.id;
  }

  closeProducer(peerId: string, producerId: string): void {
    this.ownProducer(peerId, producerId).producer.close();
  }

  async setProducerPaused(peerId: string, producerId: string, paused: boolean): Promise<void> {
    const peer = this.peer(peerId);
    const { producer, source } = this.ownProducer(peerId, producerId);
    if (!paused && !canProduce(peer.subject, source)) throw new PermissionDenied(`you may not send ${source} now`);
    if (paused) await producer.pause();
    else await producer.resume();
    this.emit('producer-updated', { producerId, peerId, kind: producer.kind, source, paused: producer.paused });
  }

  /** A paused consumer of `producerId` for the peer (resume it once the browser has it wired up). */
  async consume(peerId: string, producerId: string, rtpCapabilities: types.RtpCapabilities): Promise<ConsumerParameters> {
    const peer = this.peer(peerId);
    const owner = [...this.peers.values()].find((candidate) => candidate.producers.has(producerId));
    const produced = owner?.producers.get(producerId);
    if (!owner || !produced) throw new Error(`no producer ${producerId} in this room`);
    if (owner === peer) throw new Error('a peer does not consume its own producer');
    await this.pipeIfNeeded(producerId, owner.router, peer.router);
    if (!peer.router.canConsume({ producerId, rtpCapabilities }))
      throw new Error('your browser cannot receive this media (no common codec)');
    const transport = [...peer.transports.values()].find((candidate) => candidate.appData.direction === 'recv');
    if (!transport) throw new Error('create a receiving transport first');
    const consumer = await transport.consume({
      producerId,
      rtpCapabilities,
      paused: true,
      appData: { peerId: owner.id, source: produced.source },
    });
    peer.consumers.set(consumer.id, consumer);
    consumer.observer.once('close', () => {
      if (peer.consumers.delete(consumer.id)) this.emit('consumer-closed', peer.id, consumer.id);
    });
    return {
      id: consumer.id,
      producerId,
      peerId: owner.id,
      kind: consumer.kind,
      source: produced.source,
      rtpParameters: consumer.rtpParameters,
      layered: consumer.type === 'simulcast' || consumer.type === 'svc',
    };
  }

  async resumeConsumer(peerId: string, consumerId: string): Promise<void> {
    await this.ownConsumer(peerId, consumerId).resume();
  }

  /** Layer selection by tile size: the browser asks for the spatial layer its tile needs. */
  async setConsumerLayers(peerId: string, consumerId: string, spatialLayer: number, temporalLayer?: number): Promise<void> {
    await this.ownConsumer(peerId, consumerId).setPreferredLayers({
      spatialLayer,
      ...(temporalLayer === undefined ? {} : { temporalLayer }),
    });
  }

  async consumerStats(peerId: string, consumerId: string): Promise<types.ConsumerStat[]> {
    return (await this.ownConsumer(peerId, consumerId).getStats()) as types.ConsumerStat[];
  }

  raiseHand(peerId: string, raised: boolean): void {
    const peer = this.peer(peerId);
    if (!canRaiseHand(peer.subject)) throw new PermissionDenied('the host gives the floor rather than raising a hand');
    peer.handRaised = raised;
    this.emit('peer-updated', peer.info());
  }

  /** Lets a trainee speak for `seconds` (0 revokes); when the time is up their microphone is closed. */
  grantMicrophone(hostPeerId: string, targetPeerId: string, seconds: number): void {
    this.assertModerator(hostPeerId, 'grant-microphone');
    const target = this.peer(targetPeerId);
    this.clearGrant(targetPeerId);
    if (seconds > 0) {
      target.microphoneGrantedUntil = Date.now() + seconds * 1000;
      target.handRaised = false;
      this.grantTimers.set(targetPeerId, setTimeout(() => this.revokeMicrophone(targetPeerId), seconds * 1000).unref());
      this.emit('peer-updated', target.info());
    } else {
      this.revokeMicrophone(targetPeerId);
    }
  }

  /** Host mute: pauses the target's microphone server-side (a participant may unmute; a trainee's grant ends). */
  async mute(hostPeerId: string, targetPeerId: string): Promise<void> {
    this.assertModerator(hostPeerId, 'mute');
    const target = this.peer(targetPeerId);
    if (target.identity.role === 'trainee') {
      this.revokeMicrophone(targetPeerId);
      return;
    }
    for (const [producerId, { source }] of target.producers)
      if (source === 'microphone') await this.setProducerPaused(targetPeerId, producerId, true);
  }

  remove(hostPeerId: string, targetPeerId: string): void {
    this.assertModerator(hostPeerId, 'remove');
    if (hostPeerId === targetPeerId) throw new Error('a host leaves rather than removes themselves');
    this.peer(targetPeerId);
    this.emit('peer-removed', targetPeerId);
    this.leave(targetPeerId);
  }

  end(hostPeerId: string): void {
    this.assertModerator(hostPeerId, 'end');
    this.close('ended');
  }

  assertModerator(peerId: string, action: ModerationAction): void {
    if (!canModerate(this.peer(peerId).subject, action)) throw new PermissionDenied(`only the host may ${action.replace('-', ' ')}`);
  }

  close(reason: RoomCloseReason = 'closed'): void {
    if (this.closedReason) return;
    this.closedReason = reason;
    for (const timer of this.grantTimers.values()) clearTimeout(timer);
    this.grantTimers.clear();
    for (const peer of this.peers.values()) peer.close();
    this.peers.clear();
    for (const router of this.routers) router.close();
    this.emit('closed', reason);
  }

  peer(peerId: string): Peer {
    this.assertOpen();
    const peer = this.peers.get(peerId);
    if (!peer) throw new Error(`peer ${peerId} is not in room ${this.id}`);
    return peer;
  }

  private revokeMicrophone(peerId: string): void {
    this.clearGrant(peerId);
    const peer = this.peers.get(peerId);
    if (!peer) return;
    peer.microphoneGrantedUntil = undefined;
    if (peer.identity.role === 'trainee') {
      for (const { producer, source } of [...peer.producers.values()]) if (source === 'microphone') producer.close();
    }
    this.emit('peer-updated', peer.info());
  }

  private clearGrant(peerId: string): void {
    const timer = this.grantTimers.get(peerId);
    if (timer) clearTimeout(timer);
    this.grantTimers.delete(peerId);
  }

  private ownProducer(peerId: string, producerId: string): { producer: types.Producer; source: MediaSource } {
    const produced = this.peer(peerId).producers.get(producerId);
    if (!produced) throw new Error(`no producer ${producerId} of yours`);
    return produced;
  }

  private ownConsumer(peerId: string, consumerId: string): types.Consumer {
    const consumer = this.peer(peerId).consumers.get(consumerId);
    if (!consumer) throw new Error(`no consumer ${consumerId} of yours`);
    return consumer;
  }

  /** The room's router with room to spare, else a new router on another worker (piped to as needed). */
  private async routerForNewPeer(): Promise<types.Router> {
    const limit = this.options.maxConsumersPerWorker ?? 400;
    const roomy = this.routers.find((router) => this.options.pool.consumersOn(router) < limit);
    if (roomy) return roomy;
    const router = await this.options.pool.createRouter(ROUTER_MEDIA_CODECS, this.routers[this.routers.length - 1]);
    if (this.closed) {
      router.close();
      this.assertOpen();
    }
    this.adopt(router);
    await this.observeSpeakers(router);
    return router;
  }

  /** A dead worker takes its routers with it: the room closes and its clients rejoin on a live worker. */
  private adopt(router: types.Router): void {
    this.routers.push(router);
    router.on('workerclose', () => this.close('worker-died'));
  }

  private async pipeIfNeeded(producerId: string, from: types.Router, to: types.Router): Promise<void> {
    const key = `${producerId}->${to.id}`;
    if (from === to || this.pipes.has(key)) return;
    this.pipes.add(key);
    try {
      await from.pipeToRouter({ producerId, router: to });
    } catch (error) {
      this.pipes.delete(key);
      throw error;
    }
  }

  private async observeSpeakers(router: types.Router): Promise<void> {
    const observer = await router.createActiveSpeakerObserver({ interval: 300 });
    observer.on('dominantspeaker', ({ producer }) => this.emit('active-speaker', (producer.appData as { peerId?: string }).peerId ?? null));
    this.speakerObservers.set(router, observer);
  }

  private assertOpen(): void {
    if (this.closedReason) throw new Error(`room ${this.options.id} is closed (${this.closedReason})`);
  }
}
