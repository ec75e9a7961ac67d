import { access, constants } from 'node:fs/promises';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { sql } from 'kysely';
import { Type } from 'typebox';
import type { DatabaseHandle } from '../db/database.js';
import type { RtcRuntime } from '../realtime/rtc-runtime.js';
import type { IdentificationRuntime } from '../services/identification-runtime.js';

export interface HealthRoutesOptions {
  database: DatabaseHandle;
  storageDir: string;
  identification: IdentificationRuntime;
  /** Live rooms' mediasoup workers; undefined when live rooms are disabled. */
  rtc: RtcRuntime | undefined;
}

const CheckSchema = Type.Object({ ok: Type.Boolean(), detail: Type.String() });

/** `/health`: the process answers. `/ready`: it can do its work (database, storage, job queue, models, workers). */
export const healthRoutes: FastifyPluginAsyncTypebox<HealthRoutesOptions> = async (app, { database, storageDir, identification, rtc }) => {
  app.get(
    '/health',
    { schema: { tags: ['operations'], summary: 'Liveness', response: { 200: Type.Object({ status: Type.Literal('ok') }) } } },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/ready',
    {
      schema: {
        tags: ['operations'],
        summary: 'Readiness: every backend this process needs answers',
        response: {
          200: Type.Object({ status: Type.Literal('ready'), checks: Type.Record(Type.String(), CheckSchema) }),
          503: Type.Object({ status: Type.Literal('not_ready'), checks: Type.Record(Type.String(), CheckSchema) }),
        },
      },
    },
    async (_request, reply) => {
      const checks = {
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
          return `${count} process(es) consuming identify jobs` + (identification.pool ? `; ${identification.pool.status().threads} inference thread(s) here` : '');
        }),
        rtc: await check(async () => {
          if (!rtc) return 'live rooms disabled (RTC_ENABLED=false)';
          const alive = rtc.pool.alive;
          const summary = `${alive}/${rtc.pool.size} mediasoup worker(s) alive, ${(await rtc.rooms.openRooms()).length} room(s) open`;
          if (alive === 0) throw new Error(summary);
          return summary;
        }),
      };
      const ready = Object.values(checks).every((result) => result.ok);
      return ready ? { status: 'ready' as const, checks } : reply.status(503).send({ status: 'not_ready' as const, checks });
    },
  );
};

async function check(probe: () => Promise<string>): Promise<{ ok: boolean; detail: string }> {
  try {
    return { ok: true, detail: await probe() };
  } catch (error) {
    return { ok: false, detail: error instanceof Error ? error.message : String(error) };
  }
}
