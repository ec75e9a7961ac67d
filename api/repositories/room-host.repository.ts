import { sql } from 'kysely';
import type { Db } from '../db/database.js';

/** An api process that hosts live rooms: its id for this run, and where browsers reach it (null: no PUBLIC_URL). */
export interface RoomHost {
  processId: string;
  signallingUrl: string | null;
}

/** Leases on live rooms (ADR 0011), timed by the database's clock. */
export class RoomHostRepository {
  constructor(private readonly db: Db) {}

  /**
   * Takes or renews the room's lease for `host` unless another process holds a lease still running; answers who
   * hosts the room now (`host` itself, or that other process). A lease held at `host`'s own address is an earlier
   * run of this same process (each process has its own PUBLIC_URL), which a restart takes back at once.
   */
  async claim(roomId: string, host: RoomHost, leaseMs: number): Promise<RoomHost> {
    for (;;) {
      const claimed = await this.db
        .insertInto('room_hosts')
        .values({ room_id: roomId, process_id: host.processId, signalling_url: host.signallingUrl, lease_until: leaseEnd(leaseMs) })
        .onConflict((oc) =>
          oc
            .column('room_id')
            .doUpdateSet({ process_id: host.processId, signalling_url: host.signallingUrl, lease_until: leaseEnd(leaseMs) })
            .where((eb) =>
              eb.or([
                eb('room_hosts.process_id', '=', host.processId),
                eb('room_hosts.lease_until', '<', sql<Date>`now()`),
                // Never true for a process without an address (null = null is not true in SQL).
                eb('room_hosts.signalling_url', '=', host.signallingUrl),
              ]),
            ),
        )
        .returning('room_id')
        .executeTakeFirst();
      if (claimed) return host;
      // Held by another process; if its lease ran out between the two statements, claim again.
      const holder = await this.holder(roomId);
      if (holder) return holder;
    }
  }

  /** The process whose lease on the room is still running, if any. */
  async holder(roomId: string): Promise<RoomHost | undefined> {
    const row = await this.db
      .selectFrom('room_hosts')
      .select(['process_id', 'signalling_url'])
      .where('room_id', '=', roomId)
      .where('lease_until', '>=', sql<Date>`now()`)
      .executeTakeFirst();
    return row && { processId: row.process_id, signallingUrl: row.signalling_url };
  }

  /** Extends the leases `processId` still holds on these rooms; answers the rooms whose lease it no longer holds. */
  async renew(processId: string, roomIds: string[], leaseMs: number): Promise<string[]> {
    if (roomIds.length === 0) return [];
    const renewed = await this.db
      .updateTable('room_hosts')
      .set({ lease_until: leaseEnd(leaseMs) })
      .where('process_id', '=', processId)
      .where('room_id', 'in', roomIds)
      .returning('room_id')
      .execute();
    const kept = new Set(renewed.map((row) => row.room_id));
    return roomIds.filter((id) => !kept.has(id));
  }

  /** Gives the room up (it closed here), unless another process has taken it meanwhile. */
  async release(roomId: string, processId: string): Promise<void> {
    await this.db.deleteFrom('room_hosts').where('room_id', '=', roomId).where('process_id', '=', processId).execute();
  }
}

const leaseEnd = (leaseMs: number) => sql<Date>`now() + ${leaseMs}::integer * interval '1 millisecond'`;
