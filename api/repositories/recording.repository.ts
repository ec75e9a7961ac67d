import type { Db } from '../db/database.js';
import type { RecordedTrack } from '../../rtc/recording/room-recording.js';
import type { RecordingStatus } from '../domain/vocabulary.js';
import type { PersonRef } from '../domain/room.js';

export interface RecordingRecord {
  id: string;
  roomId: string;
  status: RecordingStatus;
  startedBy: PersonRef;
  startedAt: Date;
  stoppedBy: PersonRef | null;
  stoppedAt: Date | null;
  fileName: string | null;
  mediaType: string | null;
  sizeBytes: number | null;
  durationMs: number | null;
  tracks: RecordedTrack[];
  problems: string[];
}

export interface FinishedRecording {
  fileName: string;
  mediaType: string;
  sizeBytes: number;
  durationMs: number;
  tracks: RecordedTrack[];
  problems: string[];
}

/** Recordings of live rooms (ADR 0010). Callers have already checked that the room is visible to whoever asks. */
export class RecordingRepository {
  constructor(private readonly db: Db) {}

  /** A new running recording of the room, or undefined when one is already running (the partial unique index). */
  async start(roomId: string, userId: string): Promise<string | undefined> {
    const row = await this.db
      .insertInto('room_recordings')
      .values({ room_id: roomId, started_by: userId })
      .onConflict((oc) => oc.column('room_id').where('status', '=', 'recording').doNothing())
      .returning('id')
      .executeTakeFirst();
    return row?.id;
  }

  /** recording → processing; false when it was not running (stopped already, or never started). */
  async markStopped(id: string, stoppedBy: string | null): Promise<boolean> {
    const result = await this.db
      .updateTable('room_recordings')
      .set({ status: 'processing', stopped_by: stoppedBy, stopped_at: new Date() })
      .where('id', '=', id)
      .where('status', '=', 'recording')
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async finish(id: string, outcome: FinishedRecording): Promise<void> {
    await this.db
      .updateTable('room_recordings')
      .set({
        status: 'ready',
        file_name: outcome.fileName,
        media_type: outcome.mediaType,
        size_bytes: outcome.sizeBytes,
        duration_ms: outcome.durationMs,
        tracks: JSON.stringify(outcome.tracks),
        problems: JSON.stringify(outcome.problems),
      })
      .where('id', '=', id)
      .execute();
  }

  /** Nothing playable came out; what was recorded (if anything) stays listed with the reasons. */
  async fail(id: string, tracks: RecordedTrack[], problems: string[]): Promise<void> {
    await this.db
      .updateTable('room_recordings')
      .set({ status: 'failed', tracks: JSON.stringify(tracks), problems: JSON.stringify(problems), stopped_at: new Date() })
      .where('id', '=', id)
      .where('status', 'in', ['recording', 'processing'])
      .execute();
  }

  async list(roomId: string): Promise<RecordingRecord[]> {
    return this.select((query) =>
      query.where('room_recordings.room_id', '=', roomId).orderBy('room_recordings.started_at', 'desc').orderBy('room_recordings.id'),
    );
  }

  async find(roomId: string, id: string): Promise<RecordingRecord | undefined> {
    const [recording] = await this.select((query) =>
      query.where('room_recordings.room_id', '=', roomId).where('room_recordings.id', '=', id),
    );
    return recording;
  }

  private async select(refine: (query: RecordingQuery) => RecordingQuery): Promise<RecordingRecord[]> {
    const rows = await refine(this.baseQuery()).execute();
    return rows.map((row) => ({
      id: row.id,
      roomId: row.room_id,
      status: row.status,
      startedBy: { id: row.started_by, username: row.starter_username, displayName: row.starter_display_name },
      startedAt: row.started_at,
      stoppedBy: row.stopped_by
        ? { id: row.stopped_by, username: row.stopper_username ?? '', displayName: row.stopper_display_name ?? '' }
        : null,
      stoppedAt: row.stopped_at,
      fileName: row.file_name,
      mediaType: row.media_type,
      sizeBytes: row.size_bytes === null ? null : Number(row.size_bytes),
      durationMs: row.duration_ms,
      tracks: row.tracks,
      problems: row.problems,
    }));
  }

  private baseQuery() {
    return this.db
      .selectFrom('room_recordings')
      .innerJoin('users as starter', 'starter.id', 'room_recordings.started_by')
      .leftJoin('users as stopper', 'stopper.id', 'room_recordings.stopped_by')
      .selectAll('room_recordings')
      .select([
        'starter.username as starter_username',
        'starter.display_name as starter_display_name',
        'stopper.username as stopper_username',
        'stopper.display_name as stopper_display_name',
      ]);
  }
}

type RecordingQuery = ReturnType<RecordingRepository['baseQuery']>;
