import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { RoomRegistry } from '../../rtc/room-registry.js';
import { RoomLiveElsewhere } from '../../rtc/signalling.js';
import type { RoomHost, RoomHostRepository } from '../repositories/room-host.repository.js';

/** A live room is open on another api process: its peers are there, and so must the caller be. */
export class RoomHostedElsewhere extends RoomLiveElsewhere {
  constructor(
    readonly roomId: string,
    readonly host: RoomHost,
  ) {
    super(
      host.signallingUrl
        ? `room ${roomId} is live on another server: connect to ${host.signallingUrl}`
        : `room ${roomId} is live on another server that has no PUBLIC_URL to send you to`,
      host.signallingUrl,
    );
    this.name = 'RoomHostedElsewhere';
  }
}

export interface RoomHostingOptions {
  /** Where browsers reach this process (PUBLIC_URL), or null. */
  publicUrl: string | null;
  leaseMs: number;
  log: Pick<FastifyBaseLogger, 'warn' | 'info'>;
}

/**
 * Keeps each live room on one api process when several serve the same rooms (ADR 0011). Admission claims the room
 * for this process unless another holds it; the lease is renewed while the room is open here and given up when it
 * closes. A room whose lease was lost (this process stalled past it, and another took the room) is closed here,
 * with its peers told to rejoin, which brings them to the other process.
 */
export class RoomHosting {
  readonly self: RoomHost;
  private readonly renewal: NodeJS.Timeout;
  private renewing: Promise<void> = Promise.resolve();
  private readonly releasing = new Set<Promise<void>>();

  constructor(
    private readonly hosts: RoomHostRepository,
    private readonly rooms: RoomRegistry,
    private readonly options: RoomHostingOptions,
  ) {
    this.self = { processId: randomUUID(), signallingUrl: options.publicUrl };
    rooms.on('room-opened', (room) => {
      room.once('closed', () => {
        const release = this.hosts
          .release(room.id, this.self.processId)
          .catch((error: unknown) => options.log.warn({ err: error, room: room.id }, 'could not give up the lease on a closed room'))
          .finally(() => this.releasing.delete(release));
        this.releasing.add(release);
      });
    });
    this.renewal = setInterval(
      () => {
        this.renewing = this.renewing.then(() => this.renew());
      },
      Math.max(250, Math.floor(options.leaseMs / 3)),
    );
    this.renewal.unref();
  }

  /** Admission: this process hosts the room from now on, unless another process does (RoomHostedElsewhere). */
  async claim(roomId: string): Promise<void> {
    const host = await this.hosts.claim(roomId, this.self, this.options.leaseMs);
    if (host.processId !== this.self.processId) throw new RoomHostedElsewhere(roomId, host);
  }

  /** The process hosting the room, when that is not this one. */
  async hostElsewhere(roomId: string): Promise<RoomHost | undefined> {
    const host = await this.hosts.holder(roomId);
    return host && host.processId !== this.self.processId ? host : undefined;
  }

  /**
   * Where to connect for the room's signalling: the hosting process's URL; null where no process hosts it yet
   * (whichever one the browser reaches will), or where the host has no PUBLIC_URL (one address for everything).
   */
  async signallingUrlFor(roomId: string): Promise<string | null> {
    return (await this.hosts.holder(roomId))?.signallingUrl ?? null;
  }

  /** Stops renewing; call after this process's rooms are closed, so their leases are given up before it exits. */
  async close(): Promise<void> {
    clearInterval(this.renewal);
    await this.renewing;
    await Promise.all([...this.releasing]);
  }

  private async renew(): Promise<void> {
    try {
      const open = await this.rooms.openRooms();
      const lost = new Set(
        await this.hosts.renew(
          this.self.processId,
          open.map((room) => room.id),
          this.options.leaseMs,
        ),
      );
      for (const room of open.filter((candidate) => lost.has(candidate.id))) {
        try {
          await this.claim(room.id);
        } catch (error) {
          if (!(error instanceof RoomHostedElsewhere)) throw error;
          this.options.log.warn(
            { room: room.id, host: error.host },
            'another process took over a live room: closing it here, its peers rejoin there',
          );
          room.close('closed');
        }
      }
    } catch (error) {
      this.options.log.warn({ err: error }, 'could not renew the leases on live rooms');
    }
  }
}
