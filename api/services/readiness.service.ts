import { access, constants } from 'node:fs/promises';
import { sql } from 'kysely';
import type { DatabaseHandle } from '../db/database.js';
import type { RtcRuntime } from '../realtime/rtc-runtime.js';
import type { IdentificationRuntime } from './identification-runtime.js';
import type { PasswordHashPool } from './password-hash-pool.js';

export interface ReadinessDependencies {
  database: DatabaseHandle;
  storageDir: string;
  identification: IdentificationRuntime;
  /** Live rooms' mediasoup workers; undefined when live rooms are disabled. */
  rtc: RtcRuntime | undefined;
  passwords: PasswordHashPool;
}

export interface ReadinessCheck {
  ok: boolean;
  detail: string;
}

/** Whether this process can do its work: every backend it needs answers (for load balancers and operators). */
export class ReadinessService {
  constructor(private readonly dependencies: ReadinessDependencies) {}

  async checks(): Promise<Record<string, ReadinessCheck>> {
    const { database, storageDir, identification, rtc, passwords } = this.dependencies;
    return {
      database: await check(async () => {
        await sql`select 1`.execute(database.db);
        return database.kind;
      }),
      storage: await check(async () => {
        await access(storageDir, constants.W_OK);
        return storageDir;
      }),
      queue: await check(async () => {
        const health = await identification.queue.health();
        if (!health.ok) throw new Error(health.reason ?? 'unreachable');
        return identification.queue.backend;
      }),
      models: await check(async () => {
        const models = identification.registry.readiness();
        if (!models.ok) throw new Error(models.detail);
        return models.detail;
      }),
      workers: await check(async () => {
        // Informational: with BullMQ, identify jobs wait (without failing) until some process consumes them.
        const count = await identification.queue.workerCount();
        return (
          `${count} process(es) consuming identify jobs` +
          (identification.pool ? `; ${identification.pool.status().threads} inference thread(s) here` : '')
        );
      }),
      rtc: await check(async () => {
        if (!rtc) return 'live rooms disabled (RTC_ENABLED=false)';
        const alive = rtc.pool.alive;
        const summary = `${alive}/${rtc.pool.size} mediasoup worker(s) alive, ${(await rtc.rooms.openRooms()).length} room(s) open`;
        if (alive === 0) throw new Error(summary);
        return summary;
      }),
      passwordHashing: await check(async () => {
        // Informational: a full queue refuses sign-ins (503 login_busy) but the process still serves everything else.
        const { active, concurrency, queued, maxQueued, rejected } = passwords.status();
        const saturated = active >= concurrency && queued >= maxQueued ? '; saturated' : '';
        return `${active}/${concurrency} hashing, ${queued}/${maxQueued} queued, ${rejected} refused since start${saturated}`;
      }),
    };
  }
}

async function check(probe: () => Promise<string>): Promise<ReadinessCheck> {
  try {
    return { ok: true, detail: await probe() };
  } catch (error) {
    return { ok: false, detail: error instanceof Error ? error.message : String(error) };
  }
}
