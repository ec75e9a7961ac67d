// The live room's pure parts in the browser app: the room state and how the server's pushes change it, connection
// quality from WebRTC statistics, and the simulcast layer a tile needs.
import { describe, expect, it } from 'vitest';
import { canAnnotate, canModerate, canProduce, type PeerInfo, type RoomEventRecord } from '@contract';
import {
  inboundCountsOf,
  inboundVideoTotalsOf,
  lossBetween,
  qualityOf,
  roundTripOf,
  sendingQualityOf,
  worse,
  type RtcStat,
  type StatsReport,
} from '../../web/src/rtc/quality';
import {
  allows,
  FADING_MARKS_KEPT_MS,
  initialRoomState,
  reduce,
  subjectOf,
  type RemoteTrack,
  type RoomState,
  type RoomStateEvent,
} from '../../web/src/rtc/room-state';
import { layerForWidth } from '../../web/src/rtc/simulcast';

const peer = (peerId: string, overrides: Partial<PeerInfo> = {}): PeerInfo => ({
  peerId,
  userId: `user-${peerId}`,
  displayName: `Person ${peerId}`,
  role: 'participant',
  handRaised: false,
  microphoneGrantedUntil: null,
  ...overrides,
});

let eventCount = 0;
const roomEvent = (
  kind: RoomEventRecord['kind'],
  payload: Record<string, unknown> = {},
  id = `event-${++eventCount}`,
): RoomEventRecord => ({
  id,
  kind,
  userId: 'user-host',
  displayName: 'Host',
  payload,
  at: '2026-05-01T10:00:00.000Z',
});
const arrow = (id?: string) =>
  roomEvent(
    'annotation',
    {
      shape: 'arrow',
      points: [
        [0.1, 0.1],
        [0.5, 0.5],
      ],
      colour: '#ff0000',
    },
    id,
  );

/** A stand-in for the MediaStreamTrack a consumer hands over (the reducer only carries it). */
const track = { id: 'track' } as MediaStreamTrack;
const remote = (consumerId: string, producerId: string, peerId: string, kind: 'audio' | 'video' = 'video'): RemoteTrack => ({
  consumerId,
  producerId,
  peerId,
  kind,
  source: kind === 'audio' ? 'microphone' : 'camera',
  track,
  paused: false,
  layered: kind === 'video',
  spatialLayers: kind === 'video' ? 3 : 1,
});

const apply = (state: RoomState, ...events: RoomStateEvent[]): RoomState => events.reduce(reduce, state);

function joined(history: RoomEventRecord[] = [], others: PeerInfo[] = []): RoomState {
  return reduce(initialRoomState('room-1'), {
    type: 'joined',
    answer: { kind: 'consultation', you: peer('me', { role: 'host' }), peers: others, recording: null, history },
  });
}

describe('room state', () => {
  it('takes the join answer: who is here, the phase, and one more join', () => {
    const state = joined([], [peer('a')]);
    expect(state.phase).toBe('joined');
    expect(state.kind).toBe('consultation');
    expect(state.me?.peerId).toBe('me');
    expect(state.peers.map((p) => p.peerId)).toEqual(['a']);
    expect(state.joins).toBe(1);
    expect(
      reduce(state, { type: 'joined', answer: { kind: 'consultation', you: peer('me-again'), peers: [], recording: null, history: [] } })
        .joins,
    ).toBe(2);
  });

  it('adds joining peers once, updates them, and forgets the ones who leave with their tracks and quality', () => {
    let state = apply(
      joined(),
      { type: 'peerJoined', peer: peer('a') },
      { type: 'peerJoined', peer: peer('b') },
      { type: 'peerJoined', peer: peer('a') },
    );
    expect(state.peers.map((p) => p.peerId)).toEqual(['b', 'a']);
    state = apply(state, { type: 'peerUpdated', peer: peer('b', { handRaised: true }) });
    expect(state.peers.find((p) => p.peerId === 'b')?.handRaised).toBe(true);
    state = apply(
      { ...state, quality: { a: 'good', b: 'fair' } },
      { type: 'remoteTrackAdded', remote: remote('c1', 'p1', 'a') },
      { type: 'remoteTrackAdded', remote: remote('c2', 'p2', 'b') },
      { type: 'activeSpeaker', peerId: 'a' },
      { type: 'peerLeft', peerId: 'a' },
    );
    expect(state.peers.map((p) => p.peerId)).toEqual(['b']);
    expect(state.remote.map((r) => r.consumerId)).toEqual(['c2']);
    expect(state.activeSpeaker).toBeNull();
    expect(state.quality).toEqual({ b: 'fair' });
  });

  it('updates this person from their own peerUpdated (a microphone grant)', () => {
    const state = reduce(joined(), { type: 'peerUpdated', peer: peer('me', { role: 'host', microphoneGrantedUntil: 123 }) });
    expect(state.me?.microphoneGrantedUntil).toBe(123);
    expect(state.peers).toEqual([]);
  });

  it('drops the remote track of a producer that closed, and reflects a paused one', () => {
    let state = apply(
      joined([], [peer('a')]),
      { type: 'remoteTrackAdded', remote: remote('c1', 'p1', 'a') },
      { type: 'remoteTrackAdded', remote: remote('c2', 'p2', 'a', 'audio') },
      { type: 'producerUpdated', producer: { producerId: 'p2', peerId: 'a', kind: 'audio', source: 'microphone', paused: true } },
    );
    expect(state.remote.find((r) => r.producerId === 'p2')?.paused).toBe(true);
    state = reduce(state, { type: 'producerClosed', producerId: 'p1' });
    expect(state.remote.map((r) => r.producerId)).toEqual(['p2']);
    state = reduce(state, { type: 'remoteTrackRemoved', consumerId: 'c2' });
    expect(state.remote).toEqual([]);
  });

  it('replaces the track of a producer consumed again', () => {
    const state = apply(
      joined(),
      { type: 'remoteTrackAdded', remote: remote('c1', 'p1', 'a') },
      { type: 'remoteTrackAdded', remote: remote('c9', 'p1', 'a') },
    );
    expect(state.remote.map((r) => r.consumerId)).toEqual(['c9']);
  });

  it('applies a room event once, whether replayed in the join answer or pushed again', () => {
    const hello = roomEvent('chat', { text: 'hello' });
    const mark = arrow();
    let state = apply(joined([hello, mark]), { type: 'roomEvent', event: hello }, { type: 'roomEvent', event: mark });
    expect(state.chat.map((message) => message.id)).toEqual([hello.id]);
    expect(state.annotations.map((annotation) => annotation.id)).toEqual([mark.id]);
    const before = state;
    state = reduce(state, { type: 'roomEvent', event: hello });
    expect(state).toBe(before);
    const again = roomEvent('chat', { text: 'again' });
    state = apply(state, { type: 'roomEvent', event: again }, { type: 'roomEvent', event: again });
    expect(state.chat.map((message) => message.payload.text)).toEqual(['hello', 'again']);
  });

  it('starts over on a new join: the history is what counts', () => {
    const hello = roomEvent('chat', { text: 'hello' });
    const state = reduce(joined([hello]), {
      type: 'joined',
      answer: { kind: 'consultation', you: peer('me-again'), peers: [], recording: null, history: [hello] },
    });
    expect(state.chat.map((message) => message.id)).toEqual([hello.id]);
  });

  it('resets the annotations when a still is shared, and clears them on request', () => {
    let state = apply(
      joined(),
      { type: 'roomEvent', event: roomEvent('still', { imageId: 'image-1' }) },
      { type: 'roomEvent', event: arrow() },
      { type: 'roomEvent', event: arrow() },
    );
    expect(state.still).toMatchObject({ imageId: 'image-1', userId: 'user-host', displayName: 'Host' });
    expect(state.annotations).toHaveLength(2);
    expect(state.annotations[0]).toMatchObject({ shape: 'arrow', colour: '#ff0000', userId: 'user-host' });

    state = reduce(state, { type: 'roomEvent', event: roomEvent('still', { imageId: 'image-2' }) });
    expect(state.still?.imageId).toBe('image-2');
    expect(state.annotations).toEqual([]);

    state = apply(state, { type: 'roomEvent', event: arrow() }, { type: 'roomEvent', event: roomEvent('annotations-cleared') });
    expect(state.annotations).toEqual([]);
    expect(state.still?.imageId).toBe('image-2');
  });

  it('keeps marks over live video apart from the still: cleared per video, gone with their video, only persistent ones replayed', () => {
    const mark = (producerId: string, persistent = false) =>
      roomEvent('annotation', {
        shape: 'freehand',
        points: [[0.2, 0.3]],
        colour: '#00ff00',
        target: { producerId },
        ...(persistent ? { persistent } : {}),
      });
    const microscopeMark = mark('microscope-1');
    let state = apply(
      joined(),
      { type: 'roomEvent', event: roomEvent('still', { imageId: 'image-1' }) },
      { type: 'roomEvent', event: arrow() },
      { type: 'roomEvent', event: microscopeMark },
      { type: 'roomEvent', event: mark('screen-1', true) },
      { type: 'roomEvent', event: mark('camera-1') },
    );
    expect(state.annotations).toHaveLength(1);
    expect(state.liveMarks.map((live) => live.target.producerId)).toEqual(['microscope-1', 'screen-1', 'camera-1']);
    expect(state.liveMarks[0]).toMatchObject({ id: microscopeMark.id, points: [[0.2, 0.3]], at: microscopeMark.at, userId: 'user-host' });
    expect(state.liveMarks[1]!.persistent).toBe(true);

    state = apply(
      state,
      { type: 'roomEvent', event: roomEvent('annotations-cleared', { target: { producerId: 'microscope-1' } }) },
      { type: 'producerClosed', producerId: 'camera-1' },
    );
    expect(state.liveMarks.map((live) => live.target.producerId)).toEqual(['screen-1']);
    expect(state.annotations).toHaveLength(1);

    state = reduce(state, { type: 'roomEvent', event: roomEvent('annotations-cleared') });
    expect([state.annotations, state.liveMarks.length]).toEqual([[], 1]);

    const late = joined([mark('microscope-1'), mark('microscope-1', true)]);
    expect(late.liveMarks.map((live) => live.persistent)).toEqual([true]);

    // Fading marks long past are let go as new ones arrive (by the server's clock); kept ones stay.
    const later = (event: RoomEventRecord, seconds: number) => ({
      ...event,
      at: new Date(Date.parse(event.at) + seconds * 1000).toISOString(),
    });
    const pointer = apply(
      joined(),
      { type: 'roomEvent', event: mark('screen-1') },
      { type: 'roomEvent', event: mark('screen-1', true) },
      { type: 'roomEvent', event: later(mark('screen-1'), 10) },
      { type: 'roomEvent', event: later(mark('screen-1'), FADING_MARKS_KEPT_MS / 1000 + 5) },
    );
    expect(pointer.liveMarks.map((live) => [live.persistent ?? false, live.at.slice(11, 19)])).toEqual([
      [true, '10:00:00'],
      [false, '10:00:10'],
      [false, '10:00:35'],
    ]);
  });

  it('ignores what it cannot show: an annotation of an unknown shape, a still without an image, joined and left records', () => {
    const before = joined();
    const state = apply(
      before,
      { type: 'roomEvent', event: roomEvent('annotation', { shape: 'hexagon', points: [[0, 0]], colour: '#000000' }) },
      { type: 'roomEvent', event: roomEvent('still', {}) },
      { type: 'roomEvent', event: roomEvent('joined', { role: 'participant' }) },
      { type: 'roomEvent', event: roomEvent('left') },
    );
    expect(state.annotations).toEqual([]);
    expect(state.still).toBeNull();
    expect(state.chat).toEqual([]);
    expect(state.seenEventIds.size).toBe(4);
  });

  it('shows the recording notice while the room is recorded, from the join answer and from pushes', () => {
    const notice = { recordingId: 'rec-1', startedAt: '2026-05-01T10:00:00.000Z', startedBy: 'Host' };
    let state = reduce(initialRoomState('room-1'), {
      type: 'joined',
      answer: { kind: 'class', you: peer('me', { role: 'trainee' }), peers: [], recording: notice, history: [] },
    });
    expect(state.recording).toEqual(notice);
    state = reduce(state, { type: 'recordingChanged', recording: null });
    expect(state.recording).toBeNull();
    state = reduce(state, { type: 'recordingChanged', recording: { ...notice, recordingId: 'rec-2' } });
    expect(state.recording?.recordingId).toBe('rec-2');
  });
});

const report = (...stats: RtcStat[]): StatsReport => new Map(stats.map((stat, index) => [String(index), stat]));

describe('room permissions of this person', () => {
  it('allows nothing before joining', () => {
    expect(subjectOf(initialRoomState('room-1'))).toBeNull();
    expect(allows(initialRoomState('room-1'), canAnnotate)).toBe(false);
  });

  it('asks rtc/permissions.ts with the room kind, the role and the microphone grant', () => {
    const trainee = reduce(initialRoomState('room-1'), {
      type: 'joined',
      answer: {
        kind: 'class',
        you: peer('me', { role: 'trainee', microphoneGrantedUntil: 5000 }),
        peers: [],
        recording: null,
        history: [],
      },
    });
    expect(subjectOf(trainee)).toEqual({ kind: 'class', role: 'trainee', microphoneGrantedUntil: 5000 });
    expect(allows(trainee, canAnnotate)).toBe(false);
    expect(allows(trainee, (subject) => canProduce(subject, 'microphone', 4000))).toBe(true);
    expect(allows(trainee, (subject) => canProduce(subject, 'microphone', 6000))).toBe(false);
    expect(allows(joined(), (subject) => canModerate(subject, 'record'))).toBe(true);
    expect(allows(joined(), (subject) => canModerate(subject, 'grant-microphone'))).toBe(false);
  });
});

describe('connection quality', () => {
  it('grades loss and round trip as a traffic light', () => {
    expect(qualityOf(null, null)).toBe('unknown');
    expect(qualityOf(0, 0.05)).toBe('good');
    expect(qualityOf(0.01, null)).toBe('good');
    expect(qualityOf(0.05, 0.1)).toBe('fair');
    expect(qualityOf(0, 0.3)).toBe('fair');
    expect(qualityOf(0.1, 0.1)).toBe('poor');
    expect(qualityOf(null, 0.5)).toBe('poor');
  });

  it('keeps the worse of two readings, any reading being worse than none', () => {
    expect(worse('unknown', 'good')).toBe('good');
    expect(worse('good', 'poor')).toBe('poor');
    expect(worse('fair', 'good')).toBe('fair');
    expect(worse('poor', 'unknown')).toBe('poor');
  });

  it('takes the round trip of the succeeded candidate pairs only', () => {
    expect(roundTripOf(report({ type: 'candidate-pair', state: 'in-progress', currentRoundTripTime: 2 }))).toBeNull();
    expect(
      roundTripOf(
        report(
          { type: 'candidate-pair', state: 'succeeded', currentRoundTripTime: 0.03 },
          { type: 'candidate-pair', state: 'succeeded', currentRoundTripTime: 0.08 },
          { type: 'inbound-rtp', currentRoundTripTime: 5 },
        ),
      ),
    ).toBe(0.08);
  });

  it('measures loss between two readings of a consumer', () => {
    const first = inboundCountsOf(
      report({ type: 'inbound-rtp', packetsLost: 2, packetsReceived: 98 }, { type: 'outbound-rtp', packetsLost: 50 }),
    );
    expect(first).toEqual({ lost: 2, received: 98 });
    expect(lossBetween(undefined, first)).toBeCloseTo(0.02);
    const second = inboundCountsOf(report({ type: 'inbound-rtp', packetsLost: 12, packetsReceived: 188 }));
    expect(lossBetween(first, second)).toBeCloseTo(0.1);
    expect(lossBetween(second, second)).toBeNull();
  });

  it('grades sending by what the receiving end reports, else by the round trip', () => {
    expect(sendingQualityOf(report())).toBe('unknown');
    expect(
      sendingQualityOf(
        report({ type: 'remote-inbound-rtp', fractionLost: 0.01, roundTripTime: 0.05 }, { type: 'remote-inbound-rtp', fractionLost: 0.2 }),
      ),
    ).toBe('poor');
    expect(sendingQualityOf(report({ type: 'candidate-pair', state: 'succeeded', currentRoundTripTime: 0.2 }))).toBe('fair');
  });

  it('adds up the video a consumer received', () => {
    const totals = inboundVideoTotalsOf(
      report(
        { type: 'inbound-rtp', kind: 'video', framesDecoded: 30, bytesReceived: 1000, packetsLost: 1, frameWidth: 320, frameHeight: 180 },
        { type: 'inbound-rtp', kind: 'video', framesDecoded: 10, bytesReceived: 500, frameWidth: 640, frameHeight: 360 },
        { type: 'inbound-rtp', kind: 'audio', bytesReceived: 9999, packetsLost: 9 },
      ),
    );
    expect(totals).toEqual({ framesDecoded: 40, bytesReceived: 1500, packetsLost: 1, frameWidth: 640, frameHeight: 360 });
  });
});

describe('simulcast layer by tile width', () => {
  it('asks for the lowest layer for small tiles and the highest for large ones', () => {
    expect(layerForWidth(160, 3)).toBe(0);
    expect(layerForWidth(320, 3)).toBe(1);
    expect(layerForWidth(639, 3)).toBe(1);
    expect(layerForWidth(1280, 3)).toBe(2);
  });

  it('never asks for a layer the sender does not have', () => {
    expect(layerForWidth(1280, 1)).toBe(0);
    expect(layerForWidth(1280, 2)).toBe(1);
    expect(layerForWidth(0, 0)).toBe(0);
  });
});
