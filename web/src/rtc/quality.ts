// Connection quality from the browser's WebRTC statistics: a traffic light per peer we receive from (packet loss
// since the last reading, round-trip time) and one for what we send (what the server reports back about our packets).

export type Quality = 'good' | 'fair' | 'poor' | 'unknown';

/** One entry of an RTCStatsReport, as far as it is read here. */
export interface RtcStat {
  type: string;
  kind?: string;
  state?: string;
  currentRoundTripTime?: number;
  roundTripTime?: number;
  fractionLost?: number;
  packetsLost?: number;
  packetsReceived?: number;
  bytesReceived?: number;
  framesDecoded?: number;
  frameWidth?: number;
  frameHeight?: number;
}

/** What is read of an RTCStatsReport (a Map of stats does as well). */
export interface StatsReport {
  forEach(callback: (stat: RtcStat) => void): void;
}

/** Packet loss (0–1) and round-trip time (s) → a traffic light. */
export function qualityOf(loss: number | null, rtt: number | null): Quality {
  if (loss === null && rtt === null) return 'unknown';
  const l = loss ?? 0;
  const r = rtt ?? 0;
  if (l < 0.02 && r < 0.15) return 'good';
  if (l < 0.08 && r < 0.4) return 'fair';
  return 'poor';
}

const WORSENING: readonly Quality[] = ['unknown', 'good', 'fair', 'poor'];

/** The worse of two readings (a known reading is worse than none). */
export function worse(a: Quality, b: Quality): Quality {
  return WORSENING.indexOf(a) >= WORSENING.indexOf(b) ? a : b;
}

/** The round-trip time (s) of the transport's working ICE candidate pair, if it has one. */
export function roundTripOf(stats: StatsReport): number | null {
  let rtt: number | null = null;
  stats.forEach((stat) => {
    if (stat.type === 'candidate-pair' && stat.state === 'succeeded' && stat.currentRoundTripTime !== undefined) {
      rtt = Math.max(rtt ?? 0, stat.currentRoundTripTime);
    }
  });
  return rtt;
}

/** Packets a consumer has lost and received so far. */
export interface InboundCounts {
  lost: number;
  received: number;
}

export function inboundCountsOf(stats: StatsReport): InboundCounts {
  const counts = { lost: 0, received: 0 };
  stats.forEach((stat) => {
    if (stat.type !== 'inbound-rtp') return;
    counts.lost += stat.packetsLost ?? 0;
    counts.received += stat.packetsReceived ?? 0;
  });
  return counts;
}

/** The share of packets lost between two readings of the same consumer (null: no packets meanwhile). */
export function lossBetween(previous: InboundCounts | undefined, current: InboundCounts): number | null {
  const lost = Math.max(0, current.lost - (previous?.lost ?? 0));
  const received = Math.max(0, current.received - (previous?.received ?? 0));
  return lost + received > 0 ? lost / (lost + received) : null;
}

/** Sending quality from the sending transport's statistics: the worst loss and round trip the receiving end reports. */
export function sendingQualityOf(stats: StatsReport): Quality {
  let fractionLost: number | null = null;
  let remoteRtt: number | null = null;
  stats.forEach((stat) => {
    if (stat.type !== 'remote-inbound-rtp') return;
    if (stat.fractionLost !== undefined) fractionLost = Math.max(fractionLost ?? 0, stat.fractionLost);
    if (stat.roundTripTime !== undefined) remoteRtt = Math.max(remoteRtt ?? 0, stat.roundTripTime);
  });
  return qualityOf(fractionLost, remoteRtt ?? roundTripOf(stats));
}

/** What one consumer's video has delivered so far. */
export interface InboundVideoTotals {
  framesDecoded: number;
  bytesReceived: number;
  packetsLost: number;
  frameWidth: number;
  frameHeight: number;
}

export function inboundVideoTotalsOf(stats: StatsReport): InboundVideoTotals {
  const totals = { framesDecoded: 0, bytesReceived: 0, packetsLost: 0, frameWidth: 0, frameHeight: 0 };
  stats.forEach((stat) => {
    if (stat.type !== 'inbound-rtp' || stat.kind !== 'video') return;
    totals.framesDecoded += stat.framesDecoded ?? 0;
    totals.bytesReceived += stat.bytesReceived ?? 0;
    totals.packetsLost += stat.packetsLost ?? 0;
    totals.frameWidth = Math.max(totals.frameWidth, stat.frameWidth ?? 0);
    totals.frameHeight = Math.max(totals.frameHeight, stat.frameHeight ?? 0);
  });
  return totals;
}
