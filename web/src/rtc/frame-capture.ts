// One frame of a live video track as a JPEG: the "capture from camera" of a live room's still.
import { canvasToBlob } from './annotations';

/** How long a track may take to show its first frame in the capturing element. */
const FIRST_FRAME_TIMEOUT_MS = 10_000;
const NO_PICTURE = 'the camera showed no picture';

/**
 * The current frame of `track` (the person's own camera or microscope) at the track's full resolution, as a JPEG.
 * The track keeps running: a separate, muted video element shows it just long enough to draw one frame on a canvas.
 */
export async function captureFrame(track: MediaStreamTrack, quality = 0.92): Promise<Blob> {
  if (track.kind !== 'video' || track.readyState !== 'live') throw new Error('the camera is not running');
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.srcObject = new MediaStream([track]);
  try {
    await video.play();
    if (video.readyState < HTMLMediaElement.HAVE_CURRENT_DATA) await firstFrame(video);
    if (video.videoWidth === 0 || video.videoHeight === 0) throw new Error(NO_PICTURE);
    const canvas = document.createElement('canvas');
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2D canvas');
    ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
    return await canvasToBlob(canvas, 'image/jpeg', quality);
  } finally {
    video.pause();
    video.srcObject = null;
  }
}

function firstFrame(video: HTMLVideoElement): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      video.removeEventListener('loadeddata', loaded);
      reject(new Error(NO_PICTURE));
    }, FIRST_FRAME_TIMEOUT_MS);
    function loaded(): void {
      clearTimeout(timer);
      resolve();
    }
    video.addEventListener('loadeddata', loaded, { once: true });
  });
}
