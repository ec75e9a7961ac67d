import { EventEmitter } from 'node:events';
import type { RoomKind } from './permissions.js';
import { Room, type RoomTransportOptions } from './room.js';
import type { WorkerPool } from './worker-pool.js';

export interface RoomRegistryOptions {
  pool: WorkerPool;
  transport: RoomTransportOptions;
  maxConsumersPerWorker?: number;
  /** How long an empty room keeps its router, so a peer reconnecting after a network cut finds it warm. */
  emptyRoomGraceMs?: number;
}

/** The live rooms of this process: opened by the first peer, closed a while after the last one leaves. */
export class RoomRegistry extends EventEmitter<{ 'room-opened': [room: Room] }> {
  private readonly rooms = new Map<string, Promise<Room>>();
  private readonly emptyTimers = new Map<string, NodeJS.Timeout>();
  /** Rooms a host ended in this process: never opened again, whatever a late token says. */
  private readonly ended = new Set<string>();

  constructor(private readonly options: RoomRegistryOptions) {
    super();
  }

  get pool(): WorkerPool {
    return this.options.pool;
  }

  /** The open room with this id, opened now if needed (concurrent callers share one opening). */
  open(id: string, kind: RoomKind): Promise<Room> {
    if (this.ended.has(id)) return Promise.reject(new Error(`room ${id} has ended`));
    this.cancelEmptyTimer(id);
    const existing = this.rooms.get(id);
    if (existing) return existing.then((room) => (room.closed ? this.open(id, kind) : assertKind(room, kind)));
    const opening = Room.create({
      id,
      kind,
      pool: this.options.pool,
      transport: this.options.transport,
      maxConsumersPerWorker: this.options.maxConsumersPerWorker ?? 400,
    }).then(
      (room) => {
        room.once('closed', (reason) => {
          if (reason === 'ended') this.ended.add(id);
          if (this.rooms.get(id) === opening) this.rooms.delete(id);
          this.cancelEmptyTimer(id);
        });
        room.on('peer-left', () => {
          if (room.peers.size === 0) this.closeWhenStillEmpty(room);
        });
        this.emit('room-opened', room);
        return room;
      },
      (error: unknown) => {
        this.rooms.delete(id);
        throw error;
      },
    );
    this.rooms.set(id, opening);
    return opening;
  }

  /** An open room, if any (without opening one). */
  async find(id: string): Promise<Room | undefined> {
    const room = await this.rooms.get(id)?.catch(() => undefined);
    return room && !room.closed ? room : undefined;
  }

  async openRooms(): Promise<Room[]> {
    const rooms = await Promise.all([...this.rooms.values()].map((room) => room.catch(() => undefined)));
    return rooms.filter((room): room is Room => room !== undefined && !room.closed);
  }

  async close(): Promise<void> {
    for (const room of await this.openRooms()) room.close('closed');
    for (const timer of this.emptyTimers.values()) clearTimeout(timer);
    this.emptyTimers.clear();
  }

  private closeWhenStillEmpty(room: Room): void {
    this.cancelEmptyTimer(room.id);
    const timer = setTimeout(() => {
      this.emptyTimers.delete(room.id);
      if (room.peers.size === 0) room.close('closed');
    }, this.options.emptyRoomGraceMs ?? 30_000);
    timer.unref();
    this.emptyTimers.set(room.id, timer);
  }

  private cancelEmptyTimer(id: string): void {
    const timer = this.emptyTimers.get(id);
    if (timer) clearTimeout(timer);
    this.emptyTimers.delete(id);
  }
}

function assertKind(room: Room, kind: RoomKind): Room {
  if (room.kind !== kind) throw new Error(`room ${room.id} is a ${room.kind} room, not a ${kind} room`);
  return room;
}
