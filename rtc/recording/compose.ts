import path from 'node:path';
import { runFfmpeg, type FfmpegTools } from './ffmpeg.js';

/** A track file with where it starts on the recording's clock. */
export interface ComposableTrack {
  kind: 'audio' | 'video';
  codec: string;
  file: string;
  offsetMs: number;
  durationMs: number;
}

export interface Composition {
  file: string;
  mediaType: 'video/webm' | 'video/mp4' | 'audio/webm';
  /** The video tracks shown in the file: one copied as sent, or several tiled in a grid. */
  video: ComposableTrack[];
  audio: ComposableTrack[];
}

/** One cell of the grid several video tracks are tiled in, and the frame rate it is drawn at. */
const CELL = { width: 640, height: 360, fps: 15 };

/**
 * One file to play back a recording: every voice mixed (Opus, each delayed to when it started) over the video. A single
 * video track is copied as it was sent; several are tiled in a grid (each scaled into a 640×360 cell, black until it
 * starts) and encoded once as VP8 — every camera, the microscope and a shared screen are seen side by side. Each video
 * track also stays downloadable on its own, untouched (docs/adr/0010-room-recording.md).
 */
export async function composeRecording(
  tracks: ComposableTrack[],
  directory: string,
  baseName: string,
  tools: FfmpegTools,
): Promise<Composition | undefined> {
  const audio = tracks.filter((track) => track.kind === 'audio');
  const video = tracks.filter((track) => track.kind === 'video').sort((a, b) => a.offsetMs - b.offsetMs);
  if (video.length === 0 && audio.length === 0) return undefined;
  const copied = video.length === 1 ? video[0] : undefined;
  const container = copied?.codec.toLowerCase() === 'h264' ? { extension: 'mp4', format: 'mp4' } : { extension: 'webm', format: 'webm' };
  const file = path.join(directory, `${baseName}.${container.extension}`);
  const args: string[] = [];
  const filters: string[] = [];
  if (copied) args.push('-itsoffset', seconds(copied.offsetMs), '-i', copied.file);
  else for (const track of video) args.push('-i', track.file);
  if (video.length > 1) filters.push(...gridFilters(video));
  for (const track of audio) args.push('-i', track.file);
  const firstAudioInput = video.length;
  if (audio.length > 0) {
    filters.push(
      ...audio.map(
        (track, index) => `[${firstAudioInput + index}:a]adelay=delays=${Math.max(0, Math.round(track.offsetMs))}:all=1[a${index}]`,
      ),
      audio.length === 1
        ? '[a0]anull[mixed]'
        : `${audio.map((_, index) => `[a${index}]`).join('')}amix=inputs=${audio.length}:duration=longest:normalize=0[mixed]`,
    );
  }
  if (filters.length > 0) args.push('-filter_complex', filters.join(';'));
  if (audio.length > 0) args.push('-map', '[mixed]', '-c:a', 'libopus', '-b:a', '96k');
  if (copied) args.push('-map', '0:v:0', '-c:v', 'copy');
  else if (video.length > 1)
    args.push('-map', '[grid]', '-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', `${video.length * 600}k`);
  args.push('-f', container.format, file);
  await runFfmpeg(tools, args);
  return { file, mediaType: video.length > 0 ? (container.format === 'mp4' ? 'video/mp4' : 'video/webm') : 'audio/webm', video, audio };
}

/** Inputs 0… are `video`: each fitted into a cell and padded in time to its start, then tiled as `[grid]`. */
function gridFilters(video: ComposableTrack[]): string[] {
  const columns = Math.ceil(Math.sqrt(video.length));
  const cells = video.map(
    (track, index) =>
      `[${index}:v]setpts=PTS-STARTPTS,fps=${CELL.fps},` +
      `scale=${CELL.width}:${CELL.height}:force_original_aspect_ratio=decrease,` +
      `pad=${CELL.width}:${CELL.height}:(ow-iw)/2:(oh-ih)/2:color=black,setsar=1,` +
      `tpad=start_duration=${seconds(track.offsetMs)}:color=black[v${index}]`,
  );
  const layout = video.map((_, index) => `${(index % columns) * CELL.width}_${Math.floor(index / columns) * CELL.height}`).join('|');
  const inputs = video.map((_, index) => `[v${index}]`).join('');
  return [...cells, `${inputs}xstack=inputs=${video.length}:layout=${layout}:fill=black[grid]`];
}

function seconds(ms: number): string {
  return (Math.max(0, ms) / 1000).toFixed(3);
}
