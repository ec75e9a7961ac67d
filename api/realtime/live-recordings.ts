import { EventEmitter } from 'node:events';
import { RoomRecording, type RecordingOutcome } from '../../rtc/recording/room-recording.js';
import type { FfmpegTools } from '../../rtc/recording/ffmpeg.js';
import type { RoomRegistry } from '../../rtc/room-registry.js';
import type { Room } from '../../rtc/room.js';

export class RoomNotLive extends Error {}

export const ROOM_NOT_LIVE = 'Nobody is in this room on this server: join it, then record';

export interface LiveRecordingsEvents {
  /** The room closed (ended, emptied, its worker died) while it was being recorded: the recording stopped by itself. */
  'stopped-with-room': [recordingId: string, outcome: Promise<RecordingOutcome>];
}

/**
 * The recordings running in this process, one per live room: starts a RoomRecording on a room open here, tells
 * the room's peers (the room's recording notice), and stops it when asked or when the room closes.
 */
export class LiveRecordings extends EventEmitter<LiveRecordingsEvents> {
  private readonly running = new Map<string, { recordingId: string; recording: RoomRecording; room: Room; onClosed: () => void }>();

  constructor(
    private readonly rooms: RoomRegistry,
    private readonly options: { listenIp: string; tools: FfmpegTools },
  ) {
    super();
  }

  isRecording(roomId: string): boolean {
    return this.running.has(roomId);
  }

  /** Whether the room is open in this process (someone is in it, or left moments ago). */
  async isOpen(roomId: string): Promise<boolean> {
    return (await this.rooms.find(roomId)) !== undefined;
  }

  async start(roomId: string, recordingId: string, startedBy: string, directory: string): Promise<void> {
    const room = await this.rooms.find(roomId);
    if (!room) throw new RoomNotLive(ROOM_NOT_LIVE);
    if (this.running.has(roomId)) throw new Error(`room ${roomId} is already being recorded`);
    const recording = await RoomRecording.start(room, { directory, listenIp: this.options.listenIp, tools: this.options.tools });
    if (room.closed) {
      await recording.stop();
      throw new RoomNotLive('The room closed as the recording started');
    }
    const onClosed = () => this.emit('stopped-with-room', recordingId, this.stop(roomId)!);
    this.running.set(roomId, { recordingId, recording, room, onClosed });
    room.setRecording({ recordingId, startedAt: new Date().toISOString(), startedBy });
    room.once('closed', onClosed);
  }

  /** Stops the room's recording (undefined when that one does not run here); the outcome comes once the files are written. */
  stop(roomId: string, recordingId?: string): Promise<RecordingOutcome> | undefined {
    const running = this.running.get(roomId);
    if (!running || (recordingId !== undefined && running.recordingId !== recordingId)) return undefined;
    this.running.delete(roomId);
    running.room.off('closed', running.onClosed);
    running.room.setRecording(null);
    return running.recording.stop();
  }

  /** Every running recording stopped (process shutdown), each announced as stopping with its room. */
  stopAll(): void {
    for (const [roomId, { recordingId }] of [...this.running]) this.emit('stopped-with-room', recordingId, this.stop(roomId)!);
  }
}
