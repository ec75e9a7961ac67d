import path from 'node:path';
import { RecorderUnavailable } from '../../rtc/recording/ffmpeg.js';
import type { RecordingOutcome } from '../../rtc/recording/room-recording.js';
import type { Actor } from '../domain/access.js';
import { AppError, conflict, notFound } from '../domain/errors.js';
import { ROOM_NOT_LIVE, RoomNotLive, type LiveRecordings } from '../realtime/live-recordings.js';
import type { RecordingRecord, RecordingRepository } from '../repositories/recording.repository.js';
import type { RoomService } from './room.service.js';

const ABANDONED = 'The server process that was recording this room stopped before the recording was';

export interface RecordingFile {
  path: string;
  mediaType: string;
  downloadName: string;
}

/**
 * Recordings of live rooms (ADR 0010): the host starts and stops them; everybody who can see the room lists and
 * downloads them. The media work happens in LiveRecordings (this process's rooms); this keeps the record and files.
 */
export class RecordingService {
  /** Recordings being written after a stop: shutdown waits for them. */
  private readonly finishing = new Set<Promise<void>>();

  constructor(
    private readonly rooms: RoomService,
    private readonly recordings: RecordingRepository,
    private readonly live: LiveRecordings | undefined,
    private readonly storageDir: string,
    private readonly log: { warn(details: object, message: string): void },
  ) {
    live?.on('stopped-with-room', (recordingId, outcome) => this.track(this.finishStopped(recordingId, null, outcome)));
  }

  async start(actor: Actor, roomId: string): Promise<RecordingRecord> {
    const room = await this.rooms.visibleRoom(actor, roomId);
    await this.rooms.assertHost(actor, room, 'Only the host records a room');
    if (room.endedAt) throw conflict('room_ended', 'This room has ended');
    const live = this.live;
    if (!live) throw conflict('room_not_live', 'Live rooms are disabled on this server (RTC_ENABLED=false)');
    if (live.isRecording(room.id)) throw conflict('already_recording', 'This room is already being recorded');
    if (!(await live.isOpen(room.id))) throw conflict('room_not_live', ROOM_NOT_LIVE);
    const recordingId = await this.startRow(room.id, actor.id);
    try {
      await live.start(room.id, recordingId, actor.displayName, this.directoryOf(room.id, recordingId));
    } catch (error) {
      await this.recordings.fail(recordingId, [], [(error as Error).message]);
      if (error instanceof RoomNotLive) throw conflict('room_not_live', error.message);
      if (error instanceof RecorderUnavailable) throw new AppError(503, 'recorder_unavailable', error.message);
      throw error;
    }
    return this.get(actor, room.id, recordingId);
  }

  /** Stops a running recording; it is `processing` until its files are written, then `ready` (or `failed`). */
  async stop(actor: Actor, roomId: string, recordingId: string): Promise<RecordingRecord> {
    const room = await this.rooms.visibleRoom(actor, roomId);
    await this.rooms.assertHost(actor, room, 'Only the host stops a recording');
    const recording = await this.recordings.find(room.id, recordingId);
    if (!recording) throw notFound('Recording');
    if (recording.status !== 'recording') throw conflict('not_recording', `This recording is ${recording.status}, not running`);
    await this.recordings.markStopped(recordingId, actor.id);
    const outcome = this.live?.stop(room.id, recordingId);
    if (outcome) this.track(this.finishStopped(recordingId, actor.id, outcome));
    // Its process is gone (a restart): what it wrote cannot be trusted to be complete.
    else await this.recordings.fail(recordingId, [], [ABANDONED]);
    return this.get(actor, room.id, recordingId);
  }

  async list(actor: Actor, roomId: string): Promise<RecordingRecord[]> {
    const room = await this.rooms.visibleRoom(actor, roomId);
    return this.recordings.list(room.id);
  }

  async get(actor: Actor, roomId: string, recordingId: string): Promise<RecordingRecord> {
    const room = await this.rooms.visibleRoom(actor, roomId);
    const recording = await this.recordings.find(room.id, recordingId);
    if (!recording) throw notFound('Recording');
    return recording;
  }

  /** The playback file, or one producer's track (`track` counts from 1, as listed). */
  async file(actor: Actor, roomId: string, recordingId: string, track?: number): Promise<RecordingFile> {
    const recording = await this.get(actor, roomId, recordingId);
    const directory = this.directoryOf(recording.roomId, recording.id);
    const stamp = recording.startedAt.toISOString().slice(0, 19).replace(/[:T]/g, '-');
    if (track === undefined) {
      if (recording.status !== 'ready' || !recording.fileName || !recording.mediaType)
        throw conflict('recording_not_ready', `This recording is ${recording.status}; its file is not ready`);
      return {
        path: path.join(directory, recording.fileName),
        mediaType: recording.mediaType,
        downloadName: `room-${recording.roomId.slice(0, 8)}-${stamp}${path.extname(recording.fileName)}`,
      };
    }
    const stored = recording.tracks[track - 1];
    if (!stored) throw notFound('Track');
    const extension = path.extname(stored.file);
    return {
      path: path.join(directory, stored.file),
      mediaType: `${stored.kind}/${extension === '.webm' ? 'webm' : 'x-matroska'}`,
      downloadName: `room-${recording.roomId.slice(0, 8)}-${stamp}-track-${track}-${stored.source}${extension}`,
    };
  }

  /** Waits for recordings being written (shutdown, tests). */
  async drain(): Promise<void> {
    while (this.finishing.size > 0) await Promise.all([...this.finishing]);
  }

  /** A new running row; a row left running by a process that is gone (this one holds no recording of the room) is failed first. */
  private async startRow(roomId: string, userId: string): Promise<string> {
    const id = await this.recordings.start(roomId, userId);
    if (id) return id;
    for (const stale of (await this.recordings.list(roomId)).filter((recording) => recording.status === 'recording')) {
      await this.recordings.fail(stale.id, stale.tracks, [ABANDONED]);
    }
    const retried = await this.recordings.start(roomId, userId);
    if (!retried) throw conflict('already_recording', 'This room is already being recorded');
    return retried;
  }

  private async finishStopped(recordingId: string, stoppedBy: string | null, outcome: Promise<RecordingOutcome>): Promise<void> {
    await this.recordings.markStopped(recordingId, stoppedBy);
    let finished: RecordingOutcome;
    try {
      finished = await outcome;
    } catch (error) {
      await this.recordings.fail(recordingId, [], [`The recording could not be finished: ${(error as Error).message}`]);
      return;
    }
    const { composite, tracks, problems } = finished;
    if (!composite) {
      await this.recordings.fail(
        recordingId,
        tracks,
        problems.length > 0 ? problems : ['Nothing was sent while the room was being recorded'],
      );
      return;
    }
    await this.recordings.finish(recordingId, {
      fileName: composite.file,
      mediaType: composite.mediaType,
      sizeBytes: composite.sizeBytes,
      durationMs: composite.durationMs,
      tracks,
      problems,
    });
  }

  private track(work: Promise<void>): void {
    const tracked = work.catch((error: unknown) => this.log.warn({ err: error }, 'could not store a finished recording'));
    this.finishing.add(tracked);
    void tracked.finally(() => this.finishing.delete(tracked));
  }

  private directoryOf(roomId: string, recordingId: string): string {
    return path.join(this.storageDir, 'recordings', roomId, recordingId);
  }
}
