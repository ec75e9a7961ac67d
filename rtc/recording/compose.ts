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
  /** The video track shown in the file (the longest one), if any. */
  video: ComposableTrack | undefined;
  audio: ComposableTrack[];
}

/**
 * One file to play back a recording: every voice mixed (Opus, each delayed to when it started) over one video
 * track copied as it was sent, the longest-running one (usually the specimen's camera or microscope). The other
 * video tracks stay downloadable on their own, untouched; composing them into a grid would mean decoding and
 * re-encoding every frame (see docs/adr/0010-room-recording.md).
 */
export async function composeRecording(
  tracks: ComposableTrack[],
  directory: string,
  baseName: string,
  tools: FfmpegTools,
): Promise<Composition | undefined> {
  const audio = tracks.filter((track) => track.kind === 'audio');
  const video = tracks.filter((track) => track.kind === 'video').sort((a, b) => b.durationMs - a.durationMs)[0];
  if (!video && audio.length === 0) return undefined;
  const container = video?.codec.toLowerCase() === 'h264' ? { extension: 'mp4', format: 'mp4' } : { extension: 'webm', format: 'webm' };
  const file = path.join(directory, `${baseName}.${container.extension}`);
  const args: string[] = [];
  if (video) args.push('-itsoffset', seconds(video.offsetMs), '-i', video.file);
  for (const track of audio) args.push('-i', track.file);
  const firstAudioInput = video ? 1 : 0;
  if (audio.length > 0) {
    const delayed = audio.map(
      (track, index) => `[${firstAudioInput + index}:a]adelay=delays=${Math.max(0, Math.round(track.offsetMs))}:all=1[a${index}]`,
    );
    const mix =
      audio.length === 1
        ? '[a0]anull[mixed]'
        : `${audio.map((_, index) => `[a${index}]`).join('')}amix=inputs=${audio.length}:duration=longest:normalize=0[mixed]`;
    args.push('-filter_complex', [...delayed, mix].join(';'), '-map', '[mixed]', '-c:a', 'libopus', '-b:a', '96k');
  }
  if (video) args.push('-map', '0:v:0', '-c:v', 'copy');
  args.push('-f', container.format, file);
  await runFfmpeg(tools, args);
  return { file, mediaType: video ? (container.format === 'mp4' ? 'video/mp4' : 'video/webm') : 'audio/webm', video, audio };
}

function seconds(ms: number): string {
  return (Math.max(0, ms) / 1000).toFixed(3);
}
