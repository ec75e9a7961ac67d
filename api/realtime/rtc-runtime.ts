import type { FastifyBaseLogger } from 'fastify';
import type { types } from 'mediasoup';
import type { PeerInfo } from '../../rtc/protocol.js';
import { RoomRegistry } from '../../rtc/room-registry.js';
import { WorkerPool } from '../../rtc/worker-pool.js';
import type { AppConfig } from '../config.js';
import type { RoomHostRepository } from '../repositories/room-host.repository.js';
import { RoomHosting } from './room-hosting.js';

/** The live-room machinery of this process: its mediasoup workers and its open rooms. */
export interface RtcRuntime {
  pool: WorkerPool;
  rooms: RoomRegistry;
  /** Which process hosts which room, when several share the rooms (ADR 0011). */
  hosting: RoomHosting;
  close(): Promise<void>;
}

export interface RtcRuntimeOptions {
  config: AppConfig['rtc'];
  /** A host ended a live room (through the signalling, or the API closed it): record that it is over. */
  onRoomEnded(roomId: string): Promise<void>;
  /** A class went live: its presenter (or an administrator, as host) joined it, the first time since it opened here. */
  onClassStarted(roomId: string): Promise<void>;
  hosts: RoomHostRepository;
  log: Pick<FastifyBaseLogger, 'info' | 'warn' | 'error'>;
}

export class RtcStartError extends Error {}

/**
 * Starts the worker pool and the room registry when live rooms are enabled (undefined otherwise). A worker that
 * cannot start at all (no binary for this platform, say) stops start-up with a message saying what to set: running
 * without live rooms is a decision (`RTC_ENABLED=false`), not something to discover from a failed call.
 */
export async function startRtcRuntime({
  config,
  onRoomEnded,
  onClassStarted,
  hosts,
  log,
}: RtcRuntimeOptions): Promise<RtcRuntime | undefined> {
  if (!config.enabled) return undefined;
  let pool: WorkerPool;
  try {
    pool = await WorkerPool.start({ size: config.workers, workerBin: config.workerBin });
  } catch (error) {
    throw new RtcStartError(
      `could not start mediasoup workers (${error instanceof Error ? error.message : String(error)}); ` +
        'point MEDIASOUP_WORKER_BIN at a built mediasoup-worker, or set RTC_ENABLED=false to run without live rooms',
      { cause: error },
    );
  }
  pool.on('worker-died', (index) => log.error({ worker: index }, 'a mediasoup worker died; its rooms close and their peers rejoin'));
  pool.on('worker-replaced', (index) => log.info({ worker: index }, 'mediasoup worker replaced'));

  const rooms = new RoomRegistry({ pool, transport: { listenInfos: listenInfos(config) } });
  rooms.on('room-opened', (room) => {
    log.info({ room: room.id, kind: room.kind }, 'live room opened');
    room.once('closed', (reason) => {
      log.info({ room: room.id, reason }, 'live room closed');
      if (reason === 'ended')
        onRoomEnded(room.id).catch((error: unknown) => log.warn({ err: error, room: room.id }, 'could not record that a room ended'));
    });
    // Trainees who joined early wait for the presenter: the class starts when a host arrives.
    if (room.kind === 'class') {
      const announceOnHost = (peer: PeerInfo) => {
        if (peer.role !== 'host') return;
        room.off('peer-joined', announceOnHost);
        onClassStarted(room.id).catch((error: unknown) => log.warn({ err: error, room: room.id }, 'could not announce a class start'));
      };
      room.on('peer-joined', announceOnHost);
    }
  });
  const hosting = new RoomHosting(hosts, rooms, { publicUrl: config.publicUrl, leaseMs: config.hostLeaseMs, log });
  return {
    pool,
    rooms,
    hosting,
    async close() {
      await rooms.close();
      await hosting.close();
      pool.close();
    },
  };
}

/** UDP (preferred) and TCP on the configured address and port range, announcing the public address if one is set. */
export function listenInfos(config: AppConfig['rtc']): types.TransportListenInfo[] {
  return (['udp', 'tcp'] as const).map((protocol) => ({
    protocol,
    ip: config.listenIp,
    ...(config.announcedAddress ? { announcedAddress: config.announcedAddress } : {}),
    portRange: config.portRange,
  }));
}
