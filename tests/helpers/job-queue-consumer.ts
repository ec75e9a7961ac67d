/**
 * A BullMQ consumer in its own process, for tests/integration/job-queue.test.ts.
 *
 * Environment: REDIS_URL, QUEUE_NAME, QUEUE_PREFIX, LOCK_DURATION_MS, STALLED_INTERVAL_MS,
 * COMPLETIONS_KEY (a Redis list the handler appends each completed job id to) and MODE:
 * `hang` (the handler never returns: the parent kills the process mid-job) or `complete`.
 * Prints one JSON line per job started: {"event":"started","jobId":…,"attempt":…}.
 */
import { Redis } from 'ioredis';
import { BullMqJobQueue } from '../../api/jobs/index.js';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const redisUrl = env('REDIS_URL');
const mode = env('MODE');
const completionsKey = env('COMPLETIONS_KEY');
const recorder = new Redis(redisUrl);
const queue = new BullMqJobQueue<{ label: string }>(env('QUEUE_NAME'), {
  redisUrl,
  prefix: env('QUEUE_PREFIX'),
  lockDurationMs: Number(env('LOCK_DURATION_MS')),
  stalledIntervalMs: Number(env('STALLED_INTERVAL_MS')),
  drainDelaySeconds: 1,
});

queue.process(async (job) => {
  process.stdout.write(`${JSON.stringify({ event: 'started', jobId: job.id, attempt: job.attempt })}\n`);
  if (mode === 'hang') await new Promise<never>(() => undefined);
  await recorder.rpush(completionsKey, job.id);
});

const stop = async () => {
  await queue.close();
  recorder.disconnect();
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
