import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { types } from 'mediasoup';
import type { MediaSource } from '../permissions.js';
import { collectTail, freeUdpPortPair, stopProcess, type FfmpegTools } from './ffmpeg.js';

/** A producer the recorder taps: the media, who sends it, and the router it lives on. */
export interface ProducerTap {
  producer: types.Producer;
  source: MediaSource;
  peerId: string;
  userId: string;
  displayName: string;
  router: types.Router;
}

/**
 * Codecs the recorder stores without transcoding, and the container each goes into. VP8 and Opus (what browsers
 * send by default) go into WebM; H264 (offered for hardware encoders) into Matroska, as WebM does not carry it.
 */
const CONTAINERS: Record<string, { extension: string; format: string }> = {
  'video/vp8': { extension: 'webm', format: 'webm' },
  'audio/opus': { extension: 'webm', format: 'webm' },
  'video/h264': { extension: 'mkv', format: 'matroska' },
};

/** Key frames asked for after the consumer starts, so FFmpeg starts a video file on one even if it bound late. */
const KEY_FRAME_REQUESTS_MS = [300, 1000, 2500];

/**
 * Records one producer: a PlainTransport on the producer's router sends its RTP to an FFmpeg process that listens
 * where an SDP tells it and writes the packets into a file as they are (no decoding, no re-encoding).
 */
export class TrackRecorder {
  readonly startedAt = Date.now();
  private stoppedAt: number | undefined;
  private readonly timers: NodeJS.Timeout[] = [];

  private constructor(
    readonly tap: ProducerTap,
    readonly file: string,
    readonly codec: string,
    private readonly transport: types.PlainTransport,
    private readonly consumer: types.Consumer,
    private readonly ffmpeg: ChildProcess,
    readonly errors: () => string,
  ) {}

  static async start(
    tap: ProducerTap,
    options: { directory: string; baseName: string; listenIp: string; tools: FfmpegTools },
  ): Promise<TrackRecorder> {
    const transport = await tap.router.createPlainTransport({
      listenInfo: { protocol: 'udp', ip: options.listenIp },
      rtcpMux: false,
      comedia: false,
    });
    try {
      const consumer = await transport.consume({
        producerId: tap.producer.id,
        rtpCapabilities: recorderCapabilities(tap.router),
        paused: true,
      });
      const codec = consumer.rtpParameters.codecs[0];
      const container = codec && CONTAINERS[codec.mimeType.toLowerCase()];
      if (!codec || !container) throw new Error(`the recorder does not store ${codec?.mimeType ?? 'this codec'}`);
      const port = await freeUdpPortPair(options.listenIp);
      const file = path.join(options.directory, `${options.baseName}.${container.extension}`);
      const ffmpeg = spawn(
        options.tools.ffmpeg,
        // genpts: the RTP demuxer gives no presentation times to some packets; the muxer needs them all.
        // Packets flushed as written and a cluster closed every second: a killed FFmpeg leaves a file playable up to
        // its last second, and a file with data means FFmpeg has started writing the track.
        [
          '-hide_banner',
          '-loglevel',
          'warning',
          '-protocol_whitelist',
          'pipe,udp,rtp',
          '-fflags',
          '+genpts',
          '-f',
          'sdp',
          '-i',
          'pipe:0',
          '-map',
          '0',
          '-c',
          'copy',
          '-flush_packets',
          '1',
          '-cluster_time_limit',
          '1000',
          '-f',
          container.format,
          '-y',
          file,
        ],
        { stdio: ['pipe', 'ignore', 'pipe'] },
      );
      const errors = collectTail(ffmpeg);
      ffmpeg.once('error', () => undefined);
      ffmpeg.stdin?.end(sessionDescription(consumer, options.listenIp, port));
      await transport.connect({ ip: options.listenIp, port, rtcpPort: port + 1 });
      const recorder = new TrackRecorder(tap, file, codec.mimeType.split('/')[1] ?? codec.mimeType, transport, consumer, ffmpeg, errors);
      await consumer.resume();
      if (consumer.kind === 'video')
        for (const delay of KEY_FRAME_REQUESTS_MS)
          recorder.timers.push(setTimeout(() => void consumer.requestKeyFrame().catch(() => undefined), delay).unref());
      return recorder;
    } catch (error) {
      transport.close();
      throw error;
    }
  }

  get endedAt(): number | undefined {
    return this.stoppedAt;
  }

  /** Stops forwarding and lets FFmpeg close the file properly. */
  async stop(): Promise<void> {
    if (this.stoppedAt !== undefined) return;
    this.stoppedAt = Date.now();
    for (const timer of this.timers) clearTimeout(timer);
    // FFmpeg first, while packets still arrive to wake its loop; then the transport.
    await stopProcess(this.ffmpeg);
    this.consumer.close();
    this.transport.close();
  }
}

/** The router's codecs without RTX and header extensions: FFmpeg asks for no retransmissions and reads no extensions. */
function recorderCapabilities(router: types.Router): types.RtpCapabilities {
  return {
    codecs: (router.rtpCapabilities.codecs ?? [])
      .filter((codec) => !codec.mimeType.toLowerCase().endsWith('/rtx'))
      .map((codec) => ({ ...codec, rtcpFeedback: [] })),
    headerExtensions: [],
  };
}

/** The SDP FFmpeg reads: one media section, the consumer's codec, RTP on `port` and RTCP on `port + 1`. */
export function sessionDescription(consumer: Pick<types.Consumer, 'kind' | 'rtpParameters'>, ip: string, port: number): string {
  const codec = consumer.rtpParameters.codecs[0];
  if (!codec) throw new Error('the consumer has no codec');
  const family = ip.includes(':') ? 'IP6' : 'IP4';
  const name = codec.mimeType.split('/')[1];
  const rtpmap = `${name}/${codec.clockRate}${codec.channels && codec.channels > 1 ? `/${codec.channels}` : ''}`;
  const fmtp = Object.entries(codec.parameters ?? {})
    .map(([key, value]) => `${key}=${String(value)}`)
    .join(';');
  return [
    'v=0',
    `o=- 0 0 IN ${family} ${ip}`,
    's=VectorDesk room recording',
    `c=IN ${family} ${ip}`,
    't=0 0',
    `m=${consumer.kind} ${port} RTP/AVP ${codec.payloadType}`,
    `a=rtcp:${port + 1}`,
    `a=rtpmap:${codec.payloadType} ${rtpmap}`,
    ...(fmtp ? [`a=fmtp:${codec.payloadType} ${fmtp}`] : []),
    'a=recvonly',
    '',
  ].join('\r\n');
}
