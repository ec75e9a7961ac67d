import type { RoomEventRecord } from '../../rtc/protocol.js';
import type { RoomRecorder } from '../../rtc/signalling.js';
import { presentRoomEvent } from '../presenters/index.js';
import type { RoomRepository } from '../repositories/room.repository.js';

/**
 * The record of live rooms in `room_events` (ADR 0009): what the signalling stores as it happens (joins, leaves, chat,
 * annotations, clears, shared stills) and what a late joiner replays (all chat, the latest still and what was drawn
 * since). `GET /api/v1/rooms/:id/events` reads the same rows.
 */
export class DatabaseRoomRecorder implements RoomRecorder {
  constructor(private readonly rooms: RoomRepository) {}

  async record(roomId: string, event: Omit<RoomEventRecord, 'id' | 'at'>): Promise<RoomEventRecord> {
    return presentRoomEvent(await this.rooms.recordEvent(roomId, event));
  }

  async history(roomId: string): Promise<RoomEventRecord[]> {
    return (await this.rooms.history(roomId)).map(presentRoomEvent);
  }
}
