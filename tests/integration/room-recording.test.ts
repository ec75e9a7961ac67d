import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { types } from 'mediasoup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTER_MEDIA_CODECS } from '../../rtc/media-codecs.js';
import type { MediaSource } from '../../rtc/permissions.js';
import { probeMedia, stopProcess } from '../../rtc/recording/ffmpeg.js';
import { RoomRecording, type RecordableRoom } from '../../rtc/recording/room-recording.js';
import { sessionDescription, type ProducerTap } from '../../rtc/recording/track-recorder.js';
import { WorkerPool } from '../../rtc/worker-pool.js';
import { waitForRecordedTracks } from '../helpers/recordings.js';
import { FFMPEG_TOOLS, ffmpegAvailability, mediasoupAvailability } from '../helpers/services.js';

const [mediasoup, ffmpeg] = await Promise.all([mediasoupAvailability(), ffmpegAvailability()]);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const listenInfo = { protocol: 'udp' as const, ip: '127.0.0.1' };
const VP8: types.RtpCodecParameters = { mimeType: 'video/VP8', payloadType: 101, clockRate: 90000 };
const H264: types.RtpCodecParameters = {
  mimeType: 'video/H264',
  payloadType: 107,
  clockRate: 90000,
  parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f' },
};
const OPUS: types.RtpCodecParameters = { mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 };
const VPX_TEST_PATTERN = [
  '-f',
  'lavfi',
  '-i',
  'testsrc=size=320x240:rate=15',
  '-c:v',
  'libvpx',
  '-deadline',
  'realtime',
  '-cpu-used',
  '8',
  '-b:v',
  '300k',
  '-g',
  '15',
];
const X264_TEST_PATTERN = [
  '-f',
  'lavfi',
  '-i',
  'testsrc2=size=640x480:rate=15',
  '-c:v',
  'libx264',
  '-profile:v',
  'baseline',
  '-tune',
  'zerolatency',
  '-preset',
  'ultrafast',
  '-pix_fmt',
  'yuv420p',
  '-g',
  '15',
];
const OPUS_TONE = ['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-c:a', 'libopus', '-ac', '2', '-b:a', '48k'];

describe('the SDP the recorder hands FFmpeg', () => {
  it("names the consumer's codec, payload type, ports and format parameters", () => {
    const opus = sessionDescription(
      { kind: 'audio', rtpParameters: { codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }] } },
      '127.0.0.1',
      50000,
    );
    expect(opus.split('\r\n')).toEqual(
      expect.arrayContaining(['m=audio 50000 RTP/AVP 100', 'a=rtcp:50001', 'a=rtpmap:100 opus/48000/2', 'c=IN IP4 127.0.0.1']),
    );
    const h264 = sessionDescription(
      {
        kind: 'video',
        rtpParameters: {
          codecs: [
            {
              mimeType: 'video/H264',
              payloadType: 107,
              clockRate: 90000,
              parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f' },
            },
          ],
        },
      },
      '::1',
      50002,
    );
    expect(h264.split('\r\n')).toEqual(
      expect.arrayContaining([
        'm=video 50002 RTP/AVP 107',
        'a=rtpmap:107 H264/90000',
        'a=fmtp:107 packetization-mode=1;profile-level-id=42e01f',
        'c=IN IP6 ::1',
      ]),
    );
  });
});

/**
 * Real media end to end: FFmpeg encodes a test pattern (VP8, H264) and a tone (Opus) and sends the RTP into
 * PlainTransport producers of a real mediasoup router; the recorder taps them as it taps a room's producers.
 */
describe.skipIf(!mediasoup.available || !ffmpeg.available)(
  `room recording with real mediasoup and FFmpeg ${mediasoup.reason} ${ffmpeg.reason}`,
  () => {
    let pool: WorkerPool;
    let router: types.Router;
    let directory: string;
    const senders: ChildProcess[] = [];

    beforeAll(async () => {
      pool = await WorkerPool.start({ size: 1, logLevel: 'error', workerBin: process.env.MEDIASOUP_WORKER_BIN || undefined });
      router = await pool.createRouter(ROUTER_MEDIA_CODECS);
      directory = await mkdtemp(path.join(os.tmpdir(), 'vectordesk-recording-'));
    });
    afterAll(async () => {
      await Promise.all(senders.map((sender) => stopProcess(sender, 2000)));
      pool?.close();
      if (directory) await rm(directory, { recursive: true, force: true });
    });

    /** A producer fed by FFmpeg over RTP; `encoder` undefined makes one that never receives anything. */
    async function producer(
      kind: 'audio' | 'video',
      source: MediaSource,
      codec: types.RtpCodecParameters,
      encoder?: string[],
    ): Promise<ProducerTap> {
      const transport = await router.createPlainTransport({ listenInfo, rtcpMux: false, comedia: true });
      const ssrc = 10_000 + senders.length * 1000 + codec.payloadType;
      const created = await transport.produce({ kind, rtpParameters: { codecs: [codec], encodings: [{ ssrc }] } });
      if (encoder) {
        const target = `rtp://127.0.0.1:${transport.tuple.localPort}?rtcpport=${transport.rtcpTuple!.localPort}&pkt_size=1200`;
        senders.push(
          spawn(
            'ffmpeg',
            [
              '-hide_banner',
              '-loglevel',
              'error',
              '-re',
              ...encoder,
              '-payload_type',
              String(codec.payloadType),
              '-ssrc',
              String(ssrc),
              '-f',
              'rtp',
              target,
            ],
            { stdio: 'ignore' },
          ),
        );
      }
      return { producer: created, source, peerId: `peer-${source}`, userId: `user-${source}`, displayName: `Sender of ${source}`, router };
    }

    it('records every producer, present and added later, as sent, and composes one playable WebM showing every video', async () => {
      const camera = await producer('video', 'camera', VP8, VPX_TEST_PATTERN);
      const microphone = await producer('audio', 'microphone', OPUS, OPUS_TONE);
      const silent = await producer('audio', 'microphone', OPUS);
      const room = new TestRoom([camera, microphone, silent]);
      const recording = await RoomRecording.start(room, { directory, listenIp: '127.0.0.1', tools: FFMPEG_TOOLS });
      // No earlier than the recording's own start: offsets measured from here are lower bounds.
      const recordingStartedAt = Date.now();

      await waitForRecordedTracks(directory, 2);
      await sleep(1500);
      const microscope = await producer('video', 'microscope', H264, X264_TEST_PATTERN);
      const addedAt = Date.now();
      room.add(microscope);
      await waitForRecordedTracks(directory, 3);
      await sleep(1500);
      const outcome = await recording.stop();

      const bySource = Object.fromEntries(outcome.tracks.map((track) => [track.source, track]));
      expect(outcome.tracks).toHaveLength(3);
      expect(bySource.camera).toMatchObject({ kind: 'video', codec: 'VP8', width: 320, height: 240 });
      expect(bySource.camera!.file).toMatch(/\.webm$/);
      expect(bySource.microphone).toMatchObject({ kind: 'audio', codec: 'opus', producerId: microphone.producer.id });
      expect(bySource.microscope).toMatchObject({ kind: 'video', codec: 'H264', width: 640, height: 480 });
      expect(bySource.microscope!.file).toMatch(/\.mkv$/);
      expect(bySource.microscope!.offsetMs).toBeGreaterThanOrEqual(addedAt - recordingStartedAt);
      expect(bySource.camera!.durationMs).toBeGreaterThan(bySource.microscope!.durationMs);
      // The producer that never sent anything is reported, not stored.
      expect(outcome.problems).toEqual([expect.stringMatching(/Sender of microphone's microphone: nothing was received/)]);

      expect(outcome.composite).toMatchObject({ file: 'recording.webm', mediaType: 'video/webm' });
      expect(outcome.composite!.durationMs).toBeGreaterThanOrEqual(bySource.camera!.durationMs);
      const composite = await probeMedia(FFMPEG_TOOLS, path.join(directory, 'recording.webm'));
      expect(composite?.streams.map((stream) => `${stream.kind}:${stream.codec}`).sort()).toEqual(['audio:opus', 'video:vp8']);
      // Both video tracks, side by side: two 640×360 cells, each track scaled into its own.
      expect(composite?.streams.find((stream) => stream.kind === 'video')).toMatchObject({ width: 1280, height: 360 });
      // Stopping again answers the same outcome rather than recording anew.
      await expect(recording.stop()).resolves.toBe(outcome);
    });

    it('composes an MP4 when the main video is H264', async () => {
      const microscope = await producer('video', 'microscope', H264, X264_TEST_PATTERN);
      const microphone = await producer('audio', 'microphone', OPUS, OPUS_TONE);
      const room = new TestRoom([microscope, microphone]);
      const h264Directory = path.join(directory, 'h264');
      const recording = await RoomRecording.start(room, { directory: h264Directory, listenIp: '127.0.0.1', tools: FFMPEG_TOOLS });
      await waitForRecordedTracks(h264Directory, 2);
      await sleep(1500);
      const outcome = await recording.stop();
      expect(outcome.problems).toEqual([]);
      expect(outcome.composite).toMatchObject({ file: 'recording.mp4', mediaType: 'video/mp4' });
      const composite = await probeMedia(FFMPEG_TOOLS, path.join(h264Directory, 'recording.mp4'));
      expect(composite?.streams.map((stream) => `${stream.kind}:${stream.codec}`).sort()).toEqual(['audio:opus', 'video:h264']);
    });
  },
);

/** The producers of a room and word of new ones: the part of rtc/room.ts's Room the recorder uses. */
class TestRoom
  extends EventEmitter<{ 'producer-added': [{ producerId: string }]; 'producer-closed': [{ producerId: string }] }>
  implements RecordableRoom
{
  readonly id = 'recorded-room';
  readonly closed = false;

  constructor(private readonly taps: ProducerTap[]) {
    super();
  }

  producerTaps(): ProducerTap[] {
    return this.taps;
  }

  add(tap: ProducerTap): void {
    this.taps.push(tap);
    this.emit('producer-added', { producerId: tap.producer.id });
  }
}
