import type { types } from 'mediasoup';
import type { MediaSource, PermissionSubject, RoomKind, RoomRole } from './permissions.js';
import type { PeerInfo, ProducerInfo } from './protocol.js';

/** Who a peer is, as the API vouched for it in the room token. */
export interface PeerIdentity {
  userId: string;
  displayName: string;
  role: RoomRole;
}

/**
 * One connection of one person to a room: the router its transports live on, its transports, producers and
 * consumers, and its room state (hand, microphone grant). A person who reconnects becomes a new peer.
 */
export class Peer {
  readonly transports = new Map<string, types.WebRtcTransport>();
  readonly producers = new Map<string, { producer: types.Producer; source: MediaSource }>();
  readonly consumers = new Map<string, types.Consumer>();
  handRaised = false;
  microphoneGrantedUntil: number | undefined;
  rtpCapabilities: types.RtpCapabilities | undefined;

  constructor(
    readonly id: string,
    readonly identity: PeerIdentity,
    readonly roomKind: RoomKind,
    /** Where this peer's transports (and so its producers and consumers) are created. */
    readonly router: types.Router,
  ) {}

  get subject(): PermissionSubject {
    return { kind: this.roomKind, role: this.identity.role, microphoneGrantedUntil: this.microphoneGrantedUntil };
  }

  info(): PeerInfo {
    return { peerId: this.id, ...this.identity, handRaised: this.handRaised, microphoneGrantedUntil: this.microphoneGrantedUntil ?? null };
  }

  producerInfos(): ProducerInfo[] {
    return [...this.producers.values()].map(({ producer, source }) => ({
      producerId: producer.id,
      peerId: this.id,
      kind: producer.kind,
      source,
      paused: producer.paused,
    }));
  }

  transport(transportId: string): types.WebRtcTransport {
    const transport = this.transports.get(transportId);
    if (!transport) throw new Error(`no transport ${transportId} on this peer`);
    return transport;
  }

  close(): void {
    for (const transport of this.transports.values()) transport.close();
    this.transports.clear();
    this.producers.clear();
    this.consumers.clear();
  }
}
