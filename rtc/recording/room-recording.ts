import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { MediaSource } from '../permissions.js';
import { composeRecording } from './compose.js';
import { checkFfmpeg, probeMedia, type FfmpegTools } from './ffmpeg.js';
import { TrackRecorder, type ProducerTap } from './track-recorder.js';

export interface RoomRecordingOptions {
  /** Where this recording's files go (created if missing); nothing else is written there. */
  directory: string;
  /** Address the recorder's RTP flows over (loopback: FFmpeg runs on this machine). */
  listenIp: string;
  tools: FfmpegTools;
}

/** What the recorder needs of a room (rtc/room.ts's Room): its producers now, and word of producers coming and going. */
export interface RecordableRoom {
  readonly id: string;
  readonly closed: boolean;
  producerTaps(): ProducerTap[];
  on(event: 'producer-added' | 'producer-closed', listener: (producer: { producerId: string }) => void): unknown;
  off(event: 'producer-added' | 'producer-closed', listener: (producer: { producerId: string }) => void): unknown;
}

/** One recorded producer, as stored: file names are relative to the recording's directory. */
export interface RecordedTrack {
  producerId: string;
  userId: string;
  displayName: string;
  kind: 'audio' | 'video';
  source: MediaSource;
  codec: string;
  file: string;
  /** When the track starts, counted from the start of the recording. */
  offsetMs: number;
  durationMs: number;
  sizeBytes: number;
  width?: number;
  height?: number;
}

export interface RecordingOutcome {
  tracks: RecordedTrack[];
  /** The file to play back (voices mixed over the main video), when anything was recorded. */
  composite: { file: string; mediaType: string; durationMs: number; sizeBytes: number } | undefined;
  /** What could not be recorded, in words (a producer that sent nothing, a track FFmpeg could not write). */
  problems: string[];
}

/**
 * Records a live room (ADR 0010): every producer it has now and every one added until it stops, each into its own
 * file by a TrackRecorder; on stop, FFmpeg composes them into one file to play back.
 */
export class RoomRecording {
  private readonly startedAt = Date.now();
  private readonly tracks = new Map<string, Promise<TrackRecorder | undefined>>();
  private readonly problems: string[] = [];
  private stopping: Promise<RecordingOutcome> | undefined;
  private readonly onProducerAdded = ({ producerId }: { producerId: string }) => this.record(producerId);
  private readonly onProducerClosed = ({ producerId }: { producerId: string }) =>
    void this.tracks.get(producerId)?.then((track) => track?.stop());

  private constructor(
    private readonly room: RecordableRoom,
    private readonly options: RoomRecordingOptions,
  ) {}

  static async start(room: RecordableRoom, options: RoomRecordingOptions): Promise<RoomRecording> {
    if (room.closed) throw new Error(`room ${room.id} is closed`);
    await checkFfmpeg(options.tools);
    await mkdir(options.directory, { recursive: true });
    const recording = new RoomRecording(room, options);
    room.on('producer-added', recording.onProducerAdded);
    room.on('producer-closed', recording.onProducerClosed);
    for (const tap of room.producerTaps()) recording.record(tap.producer.id);
    return recording;
  }

  get stopped(): boolean {
    return this.stopping !== undefined;
  }

  /** Stops every track, then composes the playback file. Safe to call more than once. */
  stop(): Promise<RecordingOutcome> {
    this.stopping ??= this.finish();
    return this.stopping;
  }

  private record(producerId: string): void {
    if (this.stopping || this.tracks.has(producerId)) return;
    const tap = this.room.producerTaps().find((candidate) => candidate.producer.id === producerId);
    if (!tap) return;
    const baseName = `track-${String(this.tracks.size + 1).padStart(2, '0')}-${tap.source}`;
    this.tracks.set(
      producerId,
      TrackRecorder.start(tap, {
        directory: this.options.directory,
        baseName,
        listenIp: this.options.listenIp,
        tools: this.options.tools,
      }).catch((error: unknown) => {
        this.problems.push(`${describe(tap)}: ${(error as Error).message}`);
        return undefined;
      }),
    );
  }

  private async finish(): Promise<RecordingOutcome> {
    this.room.off('producer-added', this.onProducerAdded);
    this.room.off('producer-closed', this.onProducerClosed);
    const recorders = (await Promise.all(this.tracks.values())).filter((track): track is TrackRecorder => track !== undefined);
    await Promise.all(recorders.map((track) => track.stop()));
    const tracks = (await Promise.all(recorders.map((track) => this.storedTrack(track)))).filter(
      (track): track is RecordedTrack => track !== undefined,
    );
    let composite: RecordingOutcome['composite'];
    try {
      const composed = await composeRecording(
        tracks.map((track) => ({ ...track, file: path.join(this.options.directory, track.file) })),
        this.options.directory,
        'recording',
        this.options.tools,
      );
      const probed = composed && (await probeMedia(this.options.tools, composed.file));
      if (composed && probed)
        composite = {
          file: path.basename(composed.file),
          mediaType: composed.mediaType,
          durationMs: probed.durationMs,
          sizeBytes: (await stat(composed.file)).size,
        };
    } catch (error) {
      this.problems.push(`the playback file could not be composed: ${(error as Error).message}`);
    }
    return { tracks, composite, problems: [...this.problems] };
  }

  /** The track as stored, or undefined (with the reason noted) when its file holds no playable media. */
  private async storedTrack(track: TrackRecorder): Promise<RecordedTrack | undefined> {
    const probed = await probeMedia(this.options.tools, track.file);
    const stream = probed?.streams[0];
    if (!probed || !stream) {
      const errors = track.errors();
      this.problems.push(`${describe(track.tap)}: nothing was received${errors ? ` (${errors.split('\n').at(-1)})` : ''}`);
      return undefined;
    }
    return {
      producerId: track.tap.producer.id,
      userId: track.tap.userId,
      displayName: track.tap.displayName,
      kind: track.tap.producer.kind,
      source: track.tap.source,
      codec: track.codec,
      file: path.basename(track.file),
      offsetMs: track.startedAt - this.startedAt,
      durationMs: probed.durationMs,
      sizeBytes: (await stat(track.file)).size,
      ...(stream.width ? { width: stream.width } : {}),
      ...(stream.height ? { height: stream.height } : {}),
    };
  }
}

function describe(tap: ProducerTap): string {
  return `${tap.displayName}'s ${tap.source}`;
}
