import path from 'node:path';
import { Type, type Static } from 'typebox';
import { Compile } from 'typebox/compile';

/**
 * The one place environment variables are read. Everything else receives a typed `AppConfig`,
 * so tests can build any configuration without touching process.env.
 */
const EnvSchema = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8080 }),
  HOST: Type.String({ default: '0.0.0.0' }),
  TRUST_PROXY: Type.Boolean({ default: false }),
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  REDIS_URL: Type.Optional(Type.String({ pattern: '^rediss?://' })),
  DATA_DIR: Type.String({ default: './var' }),
  STORAGE_DIR: Type.Optional(Type.String({ minLength: 1 })),
  MODELS_DIR: Type.String({ default: './models' }),
  WEB_DIST_DIR: Type.String({ default: './web/dist' }),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((level) => Type.Literal(level)),
    { default: 'info' },
  ),
  MAX_UPLOAD_BYTES: Type.Integer({ minimum: 1024, default: 25 * 1024 * 1024 }),
  MAX_UPLOAD_FILES: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  MAX_UPLOAD_TOTAL_BYTES: Type.Integer({ minimum: 1024, default: 100 * 1024 * 1024 }),
  MAX_IMAGE_PIXELS: Type.Integer({ minimum: 1, default: 100_000_000 }),
  TOKEN_TTL_SECONDS: Type.Integer({ minimum: 60, default: 12 * 3600 }),
  LOGIN_RATE_LIMIT_PER_MINUTE: Type.Integer({ minimum: 1, default: 10 }),
  VECTORDESK_ADMIN_PASSWORD: Type.Optional(Type.String({ minLength: 8 })),
  VECTORDESK_SEED_DEMO: Type.Boolean({ default: false }),
  VECTORDESK_DEMO_PASSWORD: Type.String({ minLength: 8, default: 'vectordesk-demo' }),
});
type Env = Static<typeof EnvSchema>;
const compiledEnv = Compile(EnvSchema);

export interface AppConfig {
  port: number;
  host: string;
  /** Believe X-Forwarded-For (only behind a load balancer that sets it): client addresses feed the login rate limit. */
  trustProxy: boolean;
  databaseUrl: string | undefined;
  /** Embedded PGlite directory; `memory://` keeps it in memory (tests). */
  embeddedDatabaseDir: string;
  redisUrl: string | undefined;
  storageDir: string;
  modelsDir: string;
  webDistDir: string;
  logLevel: string;
  uploads: { maxFileBytes: number; maxFiles: number; maxTotalBytes: number; maxImagePixels: number };
  auth: { tokenTtlSeconds: number; loginRateLimitPerMinute: number };
  seed: { adminPassword: string | undefined; demoUsers: boolean; demoPassword: string };
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
    const problems = [...compiledEnv.Errors(converted)].map(
      (error) => `${error.instancePath.slice(1) || 'environment'}: ${error.message}`,
    );
    throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  return fromEnv(converted as Env);
}

function fromEnv(env: Env): AppConfig {
  const dataDir = path.resolve(env.DATA_DIR);
  return {
    port: env.PORT,
    host: env.HOST,
    trustProxy: env.TRUST_PROXY,
    databaseUrl: env.DATABASE_URL,
    embeddedDatabaseDir: path.join(dataDir, 'db'),
    redisUrl: env.REDIS_URL,
    storageDir: path.resolve(env.STORAGE_DIR ?? path.join(dataDir, 'storage')),
    modelsDir: path.resolve(env.MODELS_DIR),
    webDistDir: path.resolve(env.WEB_DIST_DIR),
    logLevel: env.LOG_LEVEL,
    uploads: {
      maxFileBytes: env.MAX_UPLOAD_BYTES,
      maxFiles: env.MAX_UPLOAD_FILES,
      maxTotalBytes: env.MAX_UPLOAD_TOTAL_BYTES,
      maxImagePixels: env.MAX_IMAGE_PIXELS,
    },
    auth: { tokenTtlSeconds: env.TOKEN_TTL_SECONDS, loginRateLimitPerMinute: env.LOGIN_RATE_LIMIT_PER_MINUTE },
    seed: {
      adminPassword: env.VECTORDESK_ADMIN_PASSWORD,
      demoUsers: env.VECTORDESK_SEED_DEMO,
      demoPassword: env.VECTORDESK_DEMO_PASSWORD,
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
