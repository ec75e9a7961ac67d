import os from 'node:os';
import path from 'node:path';
import { Type, type Static } from 'typebox';
import { Compile } from 'typebox/compile';
import { IMAGE_QUALITY_MODES, type ImageQualityMode } from './domain/vocabulary.js';

/**
 * The one place environment variables are read. Everything else receives a typed `AppConfig`,
 * so tests can build any configuration without touching process.env.
 */
const EnvSchema = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8080 }),
  HOST: Type.String({ default: '0.0.0.0' }),
  TRUST_PROXY: Type.Boolean({ default: false }),
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  DATABASE_SCHEMA: Type.Optional(Type.String({ pattern: '^[a-z_][a-z0-9_]*$', maxLength: 63 })),
  REDIS_URL: Type.Optional(Type.String({ pattern: '^rediss?://' })),
  DATA_DIR: Type.String({ default: './var' }),
  STORAGE_DIR: Type.Optional(Type.String({ minLength: 1 })),
  MODELS_DIR: Type.String({ default: './models' }),
  // Stored files no row refers to, and temporary files, older than the age: removed at start and every interval.
  ORPHAN_SWEEP_INTERVAL_MS: Type.Integer({ minimum: 1000, default: 3600_000 }),
  SPECIMEN_COUNT_FOLD_INTERVAL_MS: Type.Integer({ minimum: 100, default: 10_000 }),
  // At least a minute: younger files may belong to an upload still writing or committing.
  ORPHAN_MIN_AGE_MS: Type.Integer({ minimum: 60_000, default: 3600_000 }),
  // Dataset snapshots of confirmed specimens (ADR 0031): where they are written, and the licence of the lab's photos.
  DATASETS_DIR: Type.Optional(Type.String({ minLength: 1 })),
  DATASET_LICENCE: Type.String({ minLength: 1, maxLength: 200, default: 'VectorDesk laboratory photograph, internal use' }),
  WEB_DIST_DIR: Type.String({ default: './web/dist' }),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((level) => Type.Literal(level)),
    { default: 'info' },
  ),
  MAX_UPLOAD_BYTES: Type.Integer({ minimum: 1024, default: 25 * 1024 * 1024 }),
  MAX_UPLOAD_FILES: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  MAX_UPLOAD_TOTAL_BYTES: Type.Integer({ minimum: 1024, default: 100 * 1024 * 1024 }),
  // Bytes of uploads nothing stores (identify, the quality check) held in memory at once; past it they go to disk (ADR 0042).
  UPLOAD_MEMORY_MB: Type.Integer({ minimum: 0, default: 32 }),
  MAX_IMAGE_PIXELS: Type.Integer({ minimum: 1, default: 100_000_000 }),
  // Decoded pixels held at once (width × height × channels × bytes per sample); beyond it requests wait, then get 503.
  DECODE_MEMORY_BUDGET_MB: Type.Integer({ minimum: 16, default: 1024 }),
  // ≈ 4 KB per specimen: 64 MB keeps the answers of ≈ 16,000 (ADR 0040); 0 turns the cache off.
  SPECIMEN_ANSWER_CACHE_MB: Type.Integer({ minimum: 0, default: 64 }),
  DECODE_WAIT_MS: Type.Integer({ minimum: 0, maximum: 120_000, default: 5000 }),
  // Slow clients (ADR 0018): a request's headers, its whole body, a silent connection, an idle keep-alive.
  HEADERS_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 15_000 }),
  REQUEST_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 600_000 }),
  IDLE_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 60_000 }),
  KEEP_ALIVE_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 5000 }),
  MAX_CONNECTIONS_PER_ADDRESS: Type.Integer({ minimum: 1, default: 128 }),
  // Degenerate pictures (tiny, blank, one colour) are refused: the models would answer them with confident nonsense.
  MIN_IMAGE_SIDE: Type.Integer({ minimum: 1, maximum: 4096, default: 32 }),
  MIN_IMAGE_STDEV: Type.Number({ minimum: 0, maximum: 64, default: 2 }),
  // Photos that are usable but poor (small, blurred, badly exposed, nothing in frame): warned about, refused, or let be (ADR 0034).
  IMAGE_QUALITY_GATE: Type.Enum(IMAGE_QUALITY_MODES, { default: 'warn' }),
  // Short lifetimes are for tests of expiry; sockets close when their token expires (ADR 0017).
  TOKEN_TTL_SECONDS: Type.Integer({ minimum: 2, default: 12 * 3600 }),
  LOGIN_RATE_LIMIT_PER_MINUTE: Type.Integer({ minimum: 1, default: 10 }),
  LOGIN_RATE_LIMIT_PER_ADDRESS_PER_MINUTE: Type.Integer({ minimum: 1, default: 30 }),
  // One of libuv's 4 shared threads for argon2 by default, so a login flood leaves three to file and image I/O.
  PASSWORD_HASH_THREADS: Type.Integer({ minimum: 1, maximum: 16, default: 1 }),
  PASSWORD_HASH_QUEUE: Type.Integer({ minimum: 0, default: 32 }),
  // Measured best on 2 cores (docs/benchmarks/inference.md): two threads with one onnxruntime thread each.
  INFERENCE_THREADS: Type.Integer({ minimum: 1, maximum: 64, default: 2 }),
  INFERENCE_INTRA_OP_THREADS: Type.Integer({ minimum: 1, maximum: 64, default: 1 }),
  // Inference yields the cores to HTTP and uploads when both want them: identify jobs cannot slow the intake down.
  INFERENCE_NICENESS: Type.Integer({ minimum: 0, maximum: 19, default: 10 }),
  INFERENCE_MAX_BATCH_IMAGES: Type.Integer({ minimum: 1, maximum: 256, default: 16 }),
  INFERENCE_MAX_DELAY_MS: Type.Integer({ minimum: 0, maximum: 1000, default: 5 }),
  INFERENCE_MAX_QUEUED_IMAGES: Type.Integer({ minimum: 1, default: 256 }),
  IDENTIFY_JOBS_IN_API: Type.Boolean({ default: true }),
  IDENTIFY_JOB_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 256, default: 8 }),
  // Two jobs at once while requests are being answered: measured on 2 cores (docs/benchmarks/inference.md), eight clients
  // uploading without pause keep a p99 under 500 ms, and identification goes on behind them at a quarter of their pace.
  IDENTIFY_JOBS_WHILE_ANSWERING: Type.Integer({ minimum: 1, maximum: 256, default: 2 }),
  IDENTIFY_JOB_ATTEMPTS: Type.Integer({ minimum: 1, maximum: 100, default: 5 }),
  IDENTIFY_SWEEP_INTERVAL_MS: Type.Integer({ minimum: 100, default: 15_000 }),
  IDENTIFY_REQUEUE_AFTER_MS: Type.Integer({ minimum: 1000, default: 5 * 60_000 }),
  MODEL_SYNC_INTERVAL_MS: Type.Integer({ minimum: 100, default: 5000 }),
  // Exports (ADR 0021): a finished file is kept this long, then deleted and its export `expired`.
  EXPORT_RETENTION_HOURS: Type.Integer({ minimum: 1, maximum: 24 * 366, default: 7 * 24 }),
  // Retraining (ADR 0032): the base manifests (comma-separated) are trained on with every dataset snapshot; the trainer
  // runs with this Python.
  RETRAIN_BASE_MANIFESTS: Type.String({ default: '' }),
  RETRAIN_PYTHON: Type.String({ default: './.venv/bin/python' }),
  RETRAIN_TRAINER: Type.String({ default: './models/training/train_all.py' }),
  WORKER_METRICS_PORT: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535 })),
  // Alert delivery (ADR 0014): with the defaults, 8 tries over about ten minutes (5 s, 10 s, … 320 s between them).
  ALERT_DELIVERY_ATTEMPTS: Type.Integer({ minimum: 1, maximum: 100, default: 8 }),
  ALERT_DELIVERY_BACKOFF_MS: Type.Integer({ minimum: 10, maximum: 3_600_000, default: 5000 }),
  ALERT_DELIVERY_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 120_000, default: 10_000 }),
  ALERT_DELIVERY_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 256, default: 16 }),
  ALERT_SWEEP_INTERVAL_MS: Type.Integer({ minimum: 100, default: 15_000 }),
  ALERT_REQUEUE_AFTER_MS: Type.Integer({ minimum: 1000, default: 15 * 60_000 }),
  QUEUE_PREFIX: Type.String({ pattern: '^[A-Za-z0-9_-]+$', default: 'vectordesk' }),
  VECTORDESK_ADMIN_PASSWORD: Type.Optional(Type.String({ minLength: 8 })),
  VECTORDESK_SEED_DEMO: Type.Boolean({ default: false }),
  VECTORDESK_DEMO_PASSWORD: Type.String({ minLength: 8, default: 'vectordesk-demo' }),
  RTC_ENABLED: Type.Boolean({ default: true }),
  // Default: one mediasoup worker per core (os.availableParallelism()), filled in by fromEnv.
  RTC_WORKERS: Type.Optional(Type.Integer({ minimum: 1, maximum: 256 })),
  RTC_LISTEN_IP: Type.String({ minLength: 2, maxLength: 64, default: '127.0.0.1' }),
  RTC_ANNOUNCED_ADDRESS: Type.Optional(Type.String({ minLength: 1, maxLength: 253 })),
  RTC_MIN_PORT: Type.Integer({ minimum: 1024, maximum: 65535, default: 40000 }),
  RTC_MAX_PORT: Type.Integer({ minimum: 1024, maximum: 65535, default: 49999 }),
  MEDIASOUP_WORKER_BIN: Type.Optional(Type.String({ minLength: 1 })),
  // This process's address as browsers reach it; each process sets its own when several serve live rooms (ADR 0011).
  PUBLIC_URL: Type.Optional(Type.String({ pattern: '^https?://[^/?#\\s]+$' })),
  ROOM_HOST_LEASE_MS: Type.Integer({ minimum: 1000, maximum: 300_000, default: 15_000 }),
  FFMPEG_PATH: Type.String({ minLength: 1, default: 'ffmpeg' }),
  FFPROBE_PATH: Type.String({ minLength: 1, default: 'ffprobe' }),
});
type Env = Static<typeof EnvSchema>;
const compiledEnv = Compile(EnvSchema);

export interface AppConfig {
  port: number;
  host: string;
  /** Believe X-Forwarded-For (only behind a load balancer that sets it): client addresses feed the login rate limit. */
  trustProxy: boolean;
  databaseUrl: string | undefined;
  /** PostgreSQL schema to use instead of the default search path (several deployments or test runs in one database). */
  databaseSchema: string | undefined;
  /** Embedded PGlite directory; `memory://` keeps it in memory (tests). */
  embeddedDatabaseDir: string;
  redisUrl: string | undefined;
  storageDir: string;
  /** The orphan file sweep (api/services/orphan-sweep.ts): how often, and how old a file must be to go. */
  orphanSweep: { intervalMs: number; minAgeMs: number };
  /** How often the all-time specimen counts' changes are folded in (migration 0025). */
  specimenCountFoldIntervalMs: number;
  modelsDir: string;
  /** Dataset snapshots (ADR 0031): `<dir>/snapshots/<name>/`, and the licence recorded on the lab's photos. */
  /** Dataset snapshots (ADR 0031): `snapshotsDir` = `<dir>/snapshots`, one folder per snapshot name. */
  datasets: { dir: string; snapshotsDir: string; licence: string };
  webDistDir: string;
  logLevel: string;
  /** Memory for specimens' serialized answers, kept between list requests (ADR 0040); 0: none kept. */
  specimenAnswerCacheBytes: number;
  uploads: {
    maxFileBytes: number;
    maxFiles: number;
    maxTotalBytes: number;
    /** Bytes of uploads that nothing stores held in memory at once, across requests (UploadMemory). */
    memoryBytes: number;
    maxImagePixels: number;
    /** Images with a shorter side are refused (`degenerate_image`). */
    minImageSide: number;
    /** Images whose every colour channel varies less than this (standard deviation, 0–255) are refused as blank. */
    minImageStdev: number;
    /** What the quality gate does with a poor photo: accept it with warnings kept, refuse it (422 `image_quality`), or nothing. */
    qualityGate: ImageQualityMode;
    /** Memory for decoded pixels in this process (DecodeBudget). */
    decodeBudget: { bytes: number; maxWaitMs: number };
  };
  /** Limits that keep slow or numerous clients from holding connections (ADR 0018). */
  connections: {
    /** Time to receive a request's headers. */
    headersTimeoutMs: number;
    /** Time to receive a whole request, body included. */
    requestTimeoutMs: number;
    /** A connection on which nothing moves for this long is closed. */
    idleTimeoutMs: number;
    /** An idle keep-alive connection is closed after this long. */
    keepAliveTimeoutMs: number;
    /** Open connections one client address may hold; more are closed at once. */
    maxPerAddress: number;
  };
  auth: {
    tokenTtlSeconds: number;
    loginRateLimitPerMinute: number;
    loginRateLimitPerAddressPerMinute: number;
    /** Hashes at once and hashes waiting (PasswordHashPool). */
    passwordHashing: { concurrency: number; maxQueued: number };
  };
  seed: { adminPassword: string | undefined; demoUsers: boolean; demoPassword: string };
  inference: {
    /** Worker threads running ONNX sessions in this process. */
    threads: number;
    /** onnxruntime intra-op threads per session. */
    intraOpThreads: number;
    /** How much lower the inference threads' CPU priority is than the rest of the process's (Linux nice). */
    niceness: number;
    maxBatchImages: number;
    maxDelayMs: number;
    /** Images waiting for a batch beyond which the synchronous endpoint answers 503. */
    maxQueuedImages: number;
  };
  jobs: {
    /** Whether this api process also consumes identify jobs (`npm run worker` processes always do). */
    consumeInApi: boolean;
    concurrency: number;
    /** Of those, how many an api process runs at once while it is answering requests (BackgroundLane). */
    whileAnswering: number;
    attempts: number;
    /** BullMQ key prefix (lets tests and several deployments share one Redis). */
    queuePrefix: string;
    /** How often pending requests are handed to the queue again… */
    sweepIntervalMs: number;
    /** …when their last hand-over is older than this (the queue lost them: Redis data loss). */
    requeueAfterMs: number;
    /** How often a process picks up model activations made by another process. */
    modelSyncIntervalMs: number;
    /** `npm run worker`: serve `/metrics` (Prometheus) on this port; none when unset. */
    workerMetricsPort: number | undefined;
  };
  exports: {
    /** How long a finished export's file is kept before it is deleted and the export `expired`. */
    retentionMs: number;
  };
  /** Retrain → evaluate → gate → register (ADR 0032), run as the `retrain` job. */
  retrain: {
    /** Manifests trained on with every snapshot (e.g. datasets/manifests/vectors-v1.json). */
    baseManifests: string[];
    python: string;
    /** `models/training/train_all.py`; the trainer reads its prepared inputs from that repository's `var/prepared`. */
    trainer: string;
    /** Each run's working folder (combined manifest, staged package), removed when it ends. */
    workDir: string;
  };
  /** How alerts go out through their channels (ADR 0014): one `alert-delivery` job per alert and channel. */
  alertDelivery: {
    /** Tries per delivery, the first included; the delivery is `failed` after the last. */
    attempts: number;
    /** Wait before the first retry; doubles for each further one. */
    backoffMs: number;
    /** How long one webhook or SMS-gateway request may take before it counts as failed. */
    timeoutMs: number;
    /** Deliveries sent at once by a process that runs jobs: a slow endpoint holds one slot, not the queue. */
    concurrency: number;
    /** How often pending deliveries are handed to the queue again… */
    sweepIntervalMs: number;
    /** …when their last hand-over is older than this (the queue lost them). */
    requeueAfterMs: number;
  };
  /** Live rooms (ADR 0009): mediasoup workers in this process and where their WebRTC transports listen. */
  rtc: {
    enabled: boolean;
    /** mediasoup worker processes (one core each). */
    workers: number;
    /** A worker binary other than the mediasoup package's own (e.g. one built offline). */
    workerBin: string | undefined;
    /** Address WebRTC transports bind to (UDP and TCP). */
    listenIp: string;
    /** Address or host name put in ICE candidates for browsers; needed when `listenIp` is 0.0.0.0/:: or behind NAT. */
    announcedAddress: string | undefined;
    portRange: { min: number; max: number };
    /** FFmpeg and ffprobe for room recordings (ADR 0010). */
    recorder: { ffmpeg: string; ffprobe: string };
    /** Where browsers reach this process (scheme, host, port), for room hosting across processes (ADR 0011). */
    publicUrl: string | null;
    /** How long a process's claim on a live room lasts without renewal: how soon another takes over its rooms when it dies. */
    hostLeaseMs: number;
  };
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const known = Object.fromEntries(
    Object.keys(EnvSchema.properties)
      .filter((key) => env[key] !== undefined && env[key] !== '')
      .map((key) => [key, env[key]]),
  );
  const converted = compiledEnv.Convert(compiledEnv.Default(known));
  if (!compiledEnv.Check(converted)) {
    const problems = [...compiledEnv.Errors(converted)].map((error) => `${error.instancePath.slice(1) || 'environment'}: ${error.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  const parsed = converted as Env;
  const problems: string[] = [];
  if (parsed.HEADERS_TIMEOUT_MS > parsed.REQUEST_TIMEOUT_MS)
    problems.push(`HEADERS_TIMEOUT_MS: ${parsed.HEADERS_TIMEOUT_MS} is above REQUEST_TIMEOUT_MS (${parsed.REQUEST_TIMEOUT_MS})`);
  if (parsed.RTC_MIN_PORT > parsed.RTC_MAX_PORT)
    problems.push(`RTC_MIN_PORT: ${parsed.RTC_MIN_PORT} is above RTC_MAX_PORT (${parsed.RTC_MAX_PORT})`);
  if (parsed.RTC_ENABLED && UNSPECIFIED_ADDRESSES.has(parsed.RTC_LISTEN_IP) && !parsed.RTC_ANNOUNCED_ADDRESS) {
    problems.push(
      `RTC_ANNOUNCED_ADDRESS: required when RTC_LISTEN_IP is ${parsed.RTC_LISTEN_IP} (browsers must be told an address they can reach)`,
    );
  }
  if (problems.length > 0) throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  return fromEnv(parsed);
}

const UNSPECIFIED_ADDRESSES = new Set(['0.0.0.0', '::', '[::]']);

function fromEnv(env: Env): AppConfig {
  const dataDir = path.resolve(env.DATA_DIR);
  const datasetsDir = path.resolve(env.DATASETS_DIR ?? path.join(dataDir, 'datasets'));
  return {
    port: env.PORT,
    host: env.HOST,
    trustProxy: env.TRUST_PROXY,
    databaseUrl: env.DATABASE_URL,
    databaseSchema: env.DATABASE_SCHEMA,
    embeddedDatabaseDir: path.join(dataDir, 'db'),
    redisUrl: env.REDIS_URL,
    storageDir: path.resolve(env.STORAGE_DIR ?? path.join(dataDir, 'storage')),
    orphanSweep: { intervalMs: env.ORPHAN_SWEEP_INTERVAL_MS, minAgeMs: env.ORPHAN_MIN_AGE_MS },
    specimenCountFoldIntervalMs: env.SPECIMEN_COUNT_FOLD_INTERVAL_MS,
    modelsDir: path.resolve(env.MODELS_DIR),
    datasets: { dir: datasetsDir, snapshotsDir: path.join(datasetsDir, 'snapshots'), licence: env.DATASET_LICENCE },
    webDistDir: path.resolve(env.WEB_DIST_DIR),
    logLevel: env.LOG_LEVEL,
    specimenAnswerCacheBytes: env.SPECIMEN_ANSWER_CACHE_MB * 1024 * 1024,
    uploads: {
      maxFileBytes: env.MAX_UPLOAD_BYTES,
      maxFiles: env.MAX_UPLOAD_FILES,
      maxTotalBytes: env.MAX_UPLOAD_TOTAL_BYTES,
      memoryBytes: env.UPLOAD_MEMORY_MB * 1024 * 1024,
      maxImagePixels: env.MAX_IMAGE_PIXELS,
      minImageSide: env.MIN_IMAGE_SIDE,
      minImageStdev: env.MIN_IMAGE_STDEV,
      qualityGate: env.IMAGE_QUALITY_GATE,
      decodeBudget: { bytes: env.DECODE_MEMORY_BUDGET_MB * 1024 * 1024, maxWaitMs: env.DECODE_WAIT_MS },
    },
    connections: {
      headersTimeoutMs: env.HEADERS_TIMEOUT_MS,
      requestTimeoutMs: env.REQUEST_TIMEOUT_MS,
      idleTimeoutMs: env.IDLE_TIMEOUT_MS,
      keepAliveTimeoutMs: env.KEEP_ALIVE_TIMEOUT_MS,
      maxPerAddress: env.MAX_CONNECTIONS_PER_ADDRESS,
    },
    auth: {
      tokenTtlSeconds: env.TOKEN_TTL_SECONDS,
      loginRateLimitPerMinute: env.LOGIN_RATE_LIMIT_PER_MINUTE,
      loginRateLimitPerAddressPerMinute: env.LOGIN_RATE_LIMIT_PER_ADDRESS_PER_MINUTE,
      passwordHashing: { concurrency: env.PASSWORD_HASH_THREADS, maxQueued: env.PASSWORD_HASH_QUEUE },
    },
    seed: {
      adminPassword: env.VECTORDESK_ADMIN_PASSWORD,
      demoUsers: env.VECTORDESK_SEED_DEMO,
      demoPassword: env.VECTORDESK_DEMO_PASSWORD,
    },
    inference: {
      threads: env.INFERENCE_THREADS,
      intraOpThreads: env.INFERENCE_INTRA_OP_THREADS,
      niceness: env.INFERENCE_NICENESS,
      maxBatchImages: env.INFERENCE_MAX_BATCH_IMAGES,
      maxDelayMs: env.INFERENCE_MAX_DELAY_MS,
      maxQueuedImages: env.INFERENCE_MAX_QUEUED_IMAGES,
    },
    jobs: {
      consumeInApi: env.IDENTIFY_JOBS_IN_API,
      concurrency: env.IDENTIFY_JOB_CONCURRENCY,
      whileAnswering: env.IDENTIFY_JOBS_WHILE_ANSWERING,
      attempts: env.IDENTIFY_JOB_ATTEMPTS,
      queuePrefix: env.QUEUE_PREFIX,
      sweepIntervalMs: env.IDENTIFY_SWEEP_INTERVAL_MS,
      requeueAfterMs: env.IDENTIFY_REQUEUE_AFTER_MS,
      modelSyncIntervalMs: env.MODEL_SYNC_INTERVAL_MS,
      workerMetricsPort: env.WORKER_METRICS_PORT,
    },
    exports: { retentionMs: env.EXPORT_RETENTION_HOURS * 3_600_000 },
    retrain: {
      baseManifests: env.RETRAIN_BASE_MANIFESTS.split(',')
        .map((file) => file.trim())
        .filter((file) => file.length > 0)
        .map((file) => path.resolve(file)),
      python: path.resolve(env.RETRAIN_PYTHON),
      trainer: path.resolve(env.RETRAIN_TRAINER),
      workDir: path.join(dataDir, 'retrain'),
    },
    alertDelivery: {
      attempts: env.ALERT_DELIVERY_ATTEMPTS,
      backoffMs: env.ALERT_DELIVERY_BACKOFF_MS,
      timeoutMs: env.ALERT_DELIVERY_TIMEOUT_MS,
      concurrency: env.ALERT_DELIVERY_CONCURRENCY,
      sweepIntervalMs: env.ALERT_SWEEP_INTERVAL_MS,
      requeueAfterMs: env.ALERT_REQUEUE_AFTER_MS,
    },
    rtc: {
      enabled: env.RTC_ENABLED,
      workers: env.RTC_WORKERS ?? os.availableParallelism(),
      workerBin: env.MEDIASOUP_WORKER_BIN ? path.resolve(env.MEDIASOUP_WORKER_BIN) : undefined,
      listenIp: env.RTC_LISTEN_IP,
      announcedAddress: env.RTC_ANNOUNCED_ADDRESS,
      portRange: { min: env.RTC_MIN_PORT, max: env.RTC_MAX_PORT },
      recorder: { ffmpeg: env.FFMPEG_PATH, ffprobe: env.FFPROBE_PATH },
      publicUrl: env.PUBLIC_URL ?? null,
      hostLeaseMs: env.ROOM_HOST_LEASE_MS,
    },
  };
}

/** What start-up logs: which backend serves each concern, without secrets. */
export function describeBackends(config: AppConfig): Record<string, string> {
  return {
    database: config.databaseUrl ? `postgresql ${redactUrl(config.databaseUrl)}` : `embedded PGlite ${config.embeddedDatabaseDir}`,
    queue: config.redisUrl ? `bullmq ${redactUrl(config.redisUrl)}` : 'in-process',
    realtime: config.redisUrl ? 'socket.io with Redis adapter' : 'socket.io (single process)',
    storage: `local disk ${config.storageDir}`,
    models: `model packages under ${config.modelsDir}`,
    datasets: `dataset snapshots under ${config.datasets.dir}`,
    inference:
      `${config.inference.threads} worker thread(s), batches of ≤ ${config.inference.maxBatchImages} images within ${config.inference.maxDelayMs} ms` +
      (config.jobs.consumeInApi ? '; identify jobs consumed here too' : '; identify jobs left to npm run worker'),
    rtc: config.rtc.enabled
      ? `${config.rtc.workers} mediasoup worker(s)${config.rtc.workerBin ? ` (${config.rtc.workerBin})` : ''}, WebRTC on ${config.rtc.listenIp} ports ${config.rtc.portRange.min}-${config.rtc.portRange.max}, announcing ${config.rtc.announcedAddress ?? config.rtc.listenIp}${config.rtc.publicUrl ? `, signalling at ${config.rtc.publicUrl}` : ''}`
      : 'live rooms disabled (RTC_ENABLED=false)',
  };
}

function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable url)';
  }
}
