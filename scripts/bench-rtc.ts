/**
 * `npm run bench:rtc [-- --steps 25,50,100 --window 4 --target 80 --skip-browser]`: how many video consumers one
 * mediasoup worker can feed on this machine, then join → first frame in real Chromium (the live-room e2e test's first
 * case, run by vitest; it writes its measurement to the file named in VECTORDESK_FIRST_FRAME_FILE).
 *
 * One Worker, one Router with ROUTER_MEDIA_CODECS, one VP8 producer on a comedia PlainTransport fed by a pure-Node
 * RTP generator over UDP on 127.0.0.1 (30 frames/s, 4 packets per delta frame and 10 per keyframe, 1,100-byte payloads
 * ≈ 1.1 Mbit/s, a browser-like VP8 payload descriptor with a 15-bit picture ID, keyframe bit set every 2 s and on
 * every PLI mediasoup sends back). Each consumer has its own PlainTransport connected to ONE Node UDP socket that
 * counts packets per consumer SSRC; every payload carries the producer-side sequence number and a send timestamp, so
 * loss (expected = packets the generator sent during the window, per consumer) and send→receive latency are exact.
 *
 * N steps up until the worker's CPU (getResourceUsage ru_utime+ru_stime deltas) reaches the target % of one core,
 * the receiver cannot keep up (loss > 20 %), the steps run out or ~150 s have passed. The Node process (generator +
 * receiver + mediasoup's JS side) shares the same cores as the worker: its CPU is printed too.
 */
import { spawnSync } from 'node:child_process';
import dgram from 'node:dgram';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import { ROUTER_MEDIA_CODECS } from '../rtc/media-codecs.js';
import { cpuWindow, fixed, loadavg, log, percentile, sleep, table } from './bench-lib.js';

const { values: args } = parseArgs({
  options: {
    steps: { type: 'string', default: '25,50,100,200,300,400,500,600,800,1000' },
    window: { type: 'string', default: '4' },
    target: { type: 'string', default: '80' },
    budget: { type: 'string', default: '120' },
    'skip-browser': { type: 'boolean', default: false },
  },
});
const STEPS = args.steps
  .split(',')
  .map(Number)
  .filter((n) => Number.isInteger(n) && n > 0);
const WINDOW_S = Number(args.window);
const TARGET_CPU = Number(args.target);
const BUDGET_S = Number(args.budget);
const MAX_LOSS_PERCENT = 20;
const SETUP_CONCURRENCY = 25;
const MEDIASOUP_PUBLISHED = '~500 consumers per worker (mediasoup docs, "Scalability": their estimate on their hardware)';

// --- RTP generator ------------------------------------------------------------------------------------------

const PRODUCER_SSRC = 0x11223344;
const PRODUCER_PT = 96;
const FPS = 30;
const PACKETS_PER_FRAME = 4;
const PACKETS_PER_KEYFRAME = 10;
const PAYLOAD_BYTES = 1100;
const KEYFRAME_EVERY_MS = 2000;
const MIN_KEYFRAME_GAP_MS = 300;
/** Byte offsets inside the RTP payload: VP8 descriptor (4 bytes: X, I, 15-bit picture ID), VP8 header byte, ours. */
const OFFSET_SENT_AT = 8;
const OFFSET_PRODUCER_SEQ = 16;

class RtpGenerator {
  readonly socket = dgram.createSocket('udp4');
  /** Producer-side packet counter (not wrapped; the RTP sequence number is its low 16 bits). */
  sent = 0;
  keyframes = 0;
  plis = 0;
  private pictureId = 0;
  private frames = 0;
  private startedAt = 0;
  private lastKeyframeAt = -Infinity;
  private keyframeRequested = true;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly port: number) {
    this.socket.on('message', (message) => {
      // RTCP from mediasoup (mux'ed): count PLI (PT 206, FMT 1) and FIR (PT 206, FMT 4) as keyframe requests.
      for (let offset = 0; offset + 4 <= message.length;) {
        const fmt = message[offset]! & 0x1f;
        const pt = message[offset + 1]!;
        if (pt === 206 && (fmt === 1 || fmt === 4)) {
          this.plis += 1;
          this.keyframeRequested = true;
        }
        offset += (message.readUInt16BE(offset + 2) + 1) * 4;
      }
    });
  }

  start(): void {
    this.startedAt = performance.now();
    this.timer = setInterval(() => this.tick(), 4);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private tick(): void {
    const now = performance.now();
    const due = Math.floor(((now - this.startedAt) / 1000) * FPS);
    while (this.frames < due) {
      this.frames += 1;
      const keyframe =
        (this.keyframeRequested && now - this.lastKeyframeAt >= MIN_KEYFRAME_GAP_MS) || now - this.lastKeyframeAt >= KEYFRAME_EVERY_MS;
      if (keyframe) {
        this.keyframeRequested = false;
        this.lastKeyframeAt = now;
        this.keyframes += 1;
      }
      this.sendFrame(keyframe, Math.round((this.frames * 90000) / FPS) >>> 0);
    }
  }

  private sendFrame(keyframe: boolean, timestamp: number): void {
    const count = keyframe ? PACKETS_PER_KEYFRAME : PACKETS_PER_FRAME;
    this.pictureId = (this.pictureId + 1) & 0x7fff;
    for (let i = 0; i < count; i += 1) {
      const packet = Buffer.alloc(12 + PAYLOAD_BYTES);
      packet[0] = 0x80; // V=2, no padding, no extension, no CSRC
      packet[1] = (i === count - 1 ? 0x80 : 0) | PRODUCER_PT; // marker on the frame's last packet
      packet.writeUInt16BE(this.sent & 0xffff, 2);
      packet.writeUInt32BE(timestamp, 4);
      packet.writeUInt32BE(PRODUCER_SSRC, 8);
      const payload = packet.subarray(12);
      payload[0] = 0x80 | (i === 0 ? 0x10 : 0); // X=1, S=1 on the frame's first packet, partition index 0
      payload[1] = 0x80; // I=1: picture ID present
      payload[2] = 0x80 | (this.pictureId >> 8); // M=1: 15-bit picture ID
      payload[3] = this.pictureId & 0xff;
      // VP8 payload header on the first packet: bit 0 is the inverse keyframe bit (0 = keyframe).
      payload[4] = i === 0 && !keyframe ? 0x01 : 0x00;
      payload.writeDoubleBE(performance.now(), OFFSET_SENT_AT);
      payload.writeUInt32BE(this.sent, OFFSET_PRODUCER_SEQ);
      this.socket.send(packet, this.port, '127.0.0.1');
      this.sent += 1;
    }
  }
}

// --- receiver -----------------------------------------------------------------------------------------------

interface Window {
  fromSeq: number;
  toSeq: number; // exclusive; Infinity while the window is open
  perConsumer: Map<number, number>;
  latencies: number[];
}

class Receiver {
  readonly socket = dgram.createSocket({ type: 'udp4', recvBufferSize: 4 * 1024 * 1024 });
  /** SSRC → consumer index (consumers' SSRCs are mediasoup's own). */
  readonly ssrcs = new Map<number, number>();
  /** Consumer index → packets received since its creation (to check every consumer receives at all). */
  total: number[] = [];
  rtcp = 0;
  unknown = 0;
  window: Window | undefined;

  constructor() {
    this.socket.on('message', (message) => this.onMessage(message));
  }

  private onMessage(message: Buffer): void {
    const arrivedAt = performance.now();
    if (message.length < 12) return;
    const pt = message[1]!;
    if (pt >= 200 && pt <= 207) {
      this.rtcp += 1; // mediasoup's sender reports
      return;
    }
    const index = this.ssrcs.get(message.readUInt32BE(8));
    if (index === undefined) {
      this.unknown += 1;
      return;
    }
    this.total[index] = (this.total[index] ?? 0) + 1;
    const window = this.window;
    if (!window) return;
    // Header length: fixed 12 + CSRCs + header extension (mediasoup may add extensions on the consumer side).
    let offset = 12 + (message[0]! & 0x0f) * 4;
    if (message[0]! & 0x10) offset += 4 + message.readUInt16BE(offset + 2) * 4;
    if (message.length < offset + OFFSET_PRODUCER_SEQ + 4) return;
    const producerSeq = message.readUInt32BE(offset + OFFSET_PRODUCER_SEQ);
    if (producerSeq < window.fromSeq || producerSeq >= window.toSeq) return;
    window.perConsumer.set(index, (window.perConsumer.get(index) ?? 0) + 1);
    window.latencies.push(arrivedAt - message.readDoubleBE(offset + OFFSET_SENT_AT));
  }
}

function udpRcvbufErrors(): number | undefined {
  try {
    const lines = readFileSync('/proc/net/snmp', 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('Udp:'));
    const names = lines[0]!.split(/\s+/);
    const values = lines[1]!.split(/\s+/);
    return Number(values[names.indexOf('RcvbufErrors')]);
  } catch {
    return undefined;
  }
}

// --- the run ------------------------------------------------------------------------------------------------

const startedAt = performance.now();
log(`loadavg at start (1/5/15 min): ${loadavg()}`);
log(
  `mediasoup ${mediasoup.version}; steps ${STEPS.join(', ')}; ${WINDOW_S} s window each; stop at worker CPU ≥ ${TARGET_CPU}% of one core`,
);

const worker = await mediasoup.createWorker({ logLevel: 'error', rtcMinPort: 40000, rtcMaxPort: 49999 });
const receiver = new Receiver();
let generator: RtpGenerator | undefined;
const rows: string[][] = [];
const points: { n: number; cpu: number }[] = [];
let stopReason = 'steps exhausted';
try {
  const router = await worker.createRouter({ mediaCodecs: ROUTER_MEDIA_CODECS });
  const listenInfo: types.TransportListenInfo = { protocol: 'udp', ip: '127.0.0.1' };
  const producerTransport = await router.createPlainTransport({ listenInfo, rtcpMux: true, comedia: true });
  const producer = await producerTransport.produce({
    kind: 'video',
    rtpParameters: {
      codecs: [
        {
          mimeType: 'video/VP8',
          payloadType: PRODUCER_PT,
          clockRate: 90000,
          rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }],
        },
      ],
      encodings: [{ ssrc: PRODUCER_SSRC }],
    },
  });

  await new Promise<void>((resolve) => receiver.socket.bind(0, '127.0.0.1', resolve));
  const receiverPort = receiver.socket.address().port;
  log(`receiver socket buffer ${receiver.socket.getRecvBufferSize()} bytes (kernel doubles the asked value up to rmem_max)`);
  generator = new RtpGenerator(producerTransport.tuple.localPort);
  await new Promise<void>((resolve) => generator!.socket.bind(0, '127.0.0.1', resolve));
  generator.start();

  // What a browser receiving VP8 would declare, minus RTX and header extensions (plain RTP receiver).
  const vp8 = router.rtpCapabilities.codecs!.find((codec) => codec.mimeType.toLowerCase() === 'video/vp8')!;
  const rtpCapabilities: types.RtpCapabilities = {
    codecs: [{ ...vp8, rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }] }],
    headerExtensions: [],
  };
  if (!router.canConsume({ producerId: producer.id, rtpCapabilities })) throw new Error('router cannot consume the VP8 producer');

  const consumers: types.Consumer[] = [];
  const addConsumer = async () => {
    const transport = await router.createPlainTransport({ listenInfo, rtcpMux: true, comedia: false });
    await transport.connect({ ip: '127.0.0.1', port: receiverPort });
    const consumer = await transport.consume({ producerId: producer.id, rtpCapabilities });
    const index = consumers.length;
    consumers.push(consumer);
    receiver.total[index] = 0;
    receiver.ssrcs.set(consumer.rtpParameters.encodings![0]!.ssrc!, index);
  };

  for (const n of STEPS) {
    if ((performance.now() - startedAt) / 1000 > BUDGET_S) {
      stopReason = `time budget (${BUDGET_S} s) spent`;
      break;
    }
    const setupStart = performance.now();
    // Consumers join in parallel batches (as a room filling up would), while the existing ones keep receiving.
    while (consumers.length < n && (performance.now() - startedAt) / 1000 <= BUDGET_S) {
      await Promise.all(Array.from({ length: Math.min(SETUP_CONCURRENCY, n - consumers.length) }, () => addConsumer()));
    }
    const setupMs = performance.now() - setupStart;
    if (consumers.length < n) {
      stopReason = `time budget (${BUDGET_S} s) spent while creating consumers for N=${n} (${consumers.length} created in ${Math.round(setupMs)} ms)`;
      break;
    }
    // Warm-up: new consumers wait for a keyframe (their PLI makes the generator send one within ~0.3 s).
    const warmupDeadline = performance.now() + 5000;
    await sleep(700);
    while (performance.now() < warmupDeadline && receiver.total.slice(0, n).filter((count) => count > 0).length < n) await sleep(100);
    const silent = n - receiver.total.slice(0, n).filter((count) => count > 0).length;

    const window: Window = { fromSeq: generator.sent, toSeq: Infinity, perConsumer: new Map(), latencies: [] };
    receiver.window = window;
    const rcvbufBefore = udpRcvbufErrors();
    const usageBefore = await worker.getResourceUsage();
    const cpu = cpuWindow();
    const wallStart = performance.now();
    await sleep(WINDOW_S * 1000);
    window.toSeq = generator.sent;
    const usageAfter = await worker.getResourceUsage();
    const node = cpu.stop();
    const seconds = (performance.now() - wallStart) / 1000;
    await sleep(300); // drain packets already in flight for the window
    receiver.window = undefined;
    const rcvbufDrops = udpRcvbufErrors() !== undefined && rcvbufBefore !== undefined ? udpRcvbufErrors()! - rcvbufBefore : undefined;

    const workerCpu = (usageAfter.ru_utime + usageAfter.ru_stime - usageBefore.ru_utime - usageBefore.ru_stime) / 10 / seconds;
    const expectedPerConsumer = window.toSeq - window.fromSeq;
    const expected = expectedPerConsumer * n;
    const received = [...window.perConsumer.values()].reduce((sum, count) => sum + count, 0);
    const lossPercent = expected > 0 ? (100 * (expected - received)) / expected : Number.NaN;
    const worstConsumer = Math.min(...Array.from({ length: n }, (_, index) => window.perConsumer.get(index) ?? 0));
    points.push({ n, cpu: workerCpu });
    rows.push([
      String(n),
      fixed(workerCpu),
      String(Math.round(received / seconds)),
      String(Math.round((expectedPerConsumer * n) / seconds)),
      fixed(lossPercent, 2),
      `${worstConsumer}/${expectedPerConsumer}`,
      fixed(percentile(window.latencies, 50), 2),
      fixed(percentile(window.latencies, 99), 2),
      fixed(node.ownPercent),
      node.machinePercent === undefined ? '–' : fixed(node.machinePercent, 0),
      rcvbufDrops === undefined ? '–' : String(rcvbufDrops),
      String(silent),
      String(Math.round(setupMs)),
    ]);
    log(
      `N=${n}: worker ${fixed(workerCpu)}%, loss ${fixed(lossPercent, 2)}%, p50 ${fixed(percentile(window.latencies, 50), 2)} ms, node ${fixed(node.ownPercent)}%, setup ${Math.round(setupMs)} ms`,
    );
    if (workerCpu >= TARGET_CPU) {
      stopReason = `worker CPU reached ${TARGET_CPU}% of one core`;
      break;
    }
    if (lossPercent > MAX_LOSS_PERCENT) {
      stopReason = `loss > ${MAX_LOSS_PERCENT}%: the receiving side (or the worker) cannot keep up`;
      break;
    }
  }

  // --- report -----------------------------------------------------------------------------------------------
  const header = [
    'N',
    'worker CPU %',
    'pkts/s recv',
    'pkts/s expected',
    'loss %',
    'worst consumer',
    'p50 ms',
    'p99 ms',
    'node CPU %',
    'machine CPU %',
    'rcvbuf drops',
    'silent',
    'setup ms',
  ];
  console.log('');
  console.log(
    `mediasoup ${mediasoup.version} RTC fan-out: 1 worker, 1 VP8 producer ≈ ${fixed((generator.sent * (12 + PAYLOAD_BYTES) * 8) / ((performance.now() - startedAt) / 1000) / 1e6, 2)} Mbit/s (${FPS} fps), N plain-RTP consumers on 127.0.0.1, ${WINDOW_S} s per step`,
  );
  console.log(table(header, rows));
  console.log('');
  console.log(
    'worker CPU % = mediasoup worker ru_utime+ru_stime, % of one core; node CPU % = this process (RTP generator + receiver + mediasoup JS), % of one core;',
  );
  console.log(
    'machine CPU % = all processes (200 % = both cores); loss = (expected − received) / expected over all consumers; worst consumer = fewest packets',
  );
  console.log(
    'received by one consumer / packets the producer sent in the window; latency = generator send → receiver socket callback (includes Node event-loop',
  );
  console.log(
    'queueing); rcvbuf drops = kernel UDP RcvbufErrors during the window (machine-wide); silent = consumers with no packet at all before the window.',
  );
  console.log('');
  const target = crossing(points, TARGET_CPU);
  console.log(`worker at ${TARGET_CPU}% of one core: ${target}   (stopped: ${stopReason})`);
  console.log(`mediasoup's published figure: ${MEDIASOUP_PUBLISHED}`);
  console.log(
    `keyframes sent ${generator.keyframes}, PLI/FIR received ${generator.plis}, RTCP packets at the receiver ${receiver.rtcp}, unknown-SSRC packets ${receiver.unknown}`,
  );
  console.log(`loadavg at end (1/5/15 min): ${loadavg()}; total ${fixed((performance.now() - startedAt) / 1000)} s`);
} finally {
  generator?.stop();
  generator?.socket.close();
  receiver.socket.close();
  worker.close();
}

if (!args['skip-browser']) {
  log("join → first frame: running the live-room e2e test's first case in Chromium…");
  console.log(`join → first frame (Chromium with a fake camera, real signalling + WebRTC through the web app): ${browserFirstFrame()}`);
}

/** The e2e test's measurement of join → first decoded frame, or why there is none. */
function browserFirstFrame(): string {
  const directory = mkdtempSync(path.join(os.tmpdir(), 'vectordesk-bench-rtc-'));
  const file = path.join(directory, 'first-frame.json');
  try {
    const run = spawnSync('npx', ['vitest', 'run', 'tests/e2e/live-room.e2e.test.ts', '-t', 'an expert starts a consultation'], {
      env: { ...process.env, VECTORDESK_FIRST_FRAME_FILE: file },
      encoding: 'utf8',
      timeout: 300_000,
    });
    if (!existsSync(file)) {
      const skipped = /SKIPPED: (.*)/.exec(run.stderr + run.stdout)?.[1];
      return `not measured (${skipped ?? `the e2e test exited with ${run.status ?? run.signal}`})`;
    }
    const measured = JSON.parse(readFileSync(file, 'utf8')) as { joinToFirstFrameMs: number; phases: Record<string, number | null> };
    const phases = Object.entries(measured.phases)
      .map(([phase, ms]) => `${phase} ${ms ?? '–'}`)
      .join(', ');
    return `${measured.joinToFirstFrameMs} ms (from join: ${phases} ms)`;
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

function crossing(measured: { n: number; cpu: number }[], targetPercent: number): string {
  for (let i = 0; i < measured.length; i += 1) {
    const point = measured[i]!;
    if (point.cpu < targetPercent) continue;
    const previous = measured[i - 1];
    if (!previous) return `≤ ${point.n} (already ${fixed(point.cpu)}% at the first step)`;
    const n = previous.n + ((targetPercent - previous.cpu) * (point.n - previous.n)) / (point.cpu - previous.cpu);
    return `N ≈ ${Math.round(n)} (linear interpolation between N=${previous.n} and N=${point.n})`;
  }
  const last = measured.at(-1);
  if (!last) return 'not measured';
  // Linear fit through the origin-free least squares of the measured points, as a labelled extrapolation only.
  const fit = measured.length >= 2 ? leastSquares(measured) : undefined;
  const extrapolated =
    fit && fit.slope > 0
      ? ` (linear extrapolation of the measured points: N ≈ ${Math.round((targetPercent - fit.intercept) / fit.slope)}; not measured)`
      : '';
  return `> ${last.n} (max N tried; worker at ${fixed(last.cpu)}%)${extrapolated}`;
}

function leastSquares(measured: { n: number; cpu: number }[]): { slope: number; intercept: number } {
  const mx = measured.reduce((sum, p) => sum + p.n, 0) / measured.length;
  const my = measured.reduce((sum, p) => sum + p.cpu, 0) / measured.length;
  const sxy = measured.reduce((sum, p) => sum + (p.n - mx) * (p.cpu - my), 0);
  const sxx = measured.reduce((sum, p) => sum + (p.n - mx) ** 2, 0);
  const slope = sxx === 0 ? 0 : sxy / sxx;
  return { slope, intercept: my - slope * mx };
}
