// Annotations on a shared specimen still: shapes in coordinates relative to the image (0–1), so every screen
// and the exported PNG agree. Pure drawing functions, used by the live canvas and by the PNG export.
import { ANNOTATION_SHAPES, type RoomEventRecord, type RtcRequestPayload } from '@contract';

export { ANNOTATION_SHAPES };
export type AnnotationShape = (typeof ANNOTATION_SHAPES)[number];

/**
 * What `annotate` sends and an `annotation` room event carries as payload. Points: arrow [tail, head]; circle
 * [centre, a point on the circle]; freehand the path; text [anchor].
 */
export type Annotation = RtcRequestPayload<'annotate'>;
export type Point = Annotation['points'][number];
export type AnnotationTarget = NonNullable<Annotation['target']>;

/** The server accepts at most this many points per shape. */
export const MAX_POINTS = 2000;

/** A person's colour, the same on every screen: a hue from their user id, saturated enough to stand out. */
export function colourFor(userId: string): string {
  let hash = 2166136261;
  for (let i = 0; i < userId.length; i += 1) {
    hash ^= userId.charCodeAt(i);
    hash = Math.imul(hash, 16777619);
  }
  const hue = (hash >>> 0) % 360;
  return hslToHex(hue, 0.85, 0.48);
}

function hslToHex(h: number, s: number, l: number): string {
  const a = s * Math.min(l, 1 - l);
  const channel = (n: number): string => {
    const k = (n + h / 30) % 12;
    const value = l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return Math.round(value * 255)
      .toString(16)
      .padStart(2, '0');
  };
  return `#${channel(0)}${channel(8)}${channel(4)}`;
}

const clamp01 = (value: number): number => Math.min(1, Math.max(0, value));

export function clampPoint([x, y]: Point): Point {
  return [clamp01(x), clamp01(y)];
}

/** Fewer points for a long freehand path (keeps the first and last), so it fits in one message. */
export function simplify(points: Point[], max = MAX_POINTS): Point[] {
  if (points.length <= max) return points;
  const step = (points.length - 1) / (max - 1);
  return Array.from({ length: max }, (_, i) => points[Math.round(i * step)]!);
}

/**
 * The annotation a room event carries, or null when the payload is not one this client can draw. One with a
 * `target` is a mark over that live video, not on the still.
 */
export function annotationOf(event: RoomEventRecord): Annotation | null {
  if (event.kind !== 'annotation') return null;
  const { shape, points, colour, text, persistent } = event.payload as Partial<Annotation>;
  if (!shape || !(ANNOTATION_SHAPES as readonly string[]).includes(shape)) return null;
  if (!Array.isArray(points) || points.length === 0) return null;
  if (typeof colour !== 'string') return null;
  const target = targetOf(event);
  return {
    shape,
    points,
    colour,
    ...(typeof text === 'string' ? { text } : {}),
    ...(target ? { target } : {}),
    ...(persistent === true ? { persistent } : {}),
  };
}

/** The live video an annotation or a clear is about; undefined for the still. */
export function targetOf(event: RoomEventRecord): AnnotationTarget | undefined {
  const { target } = event.payload as { target?: Partial<AnnotationTarget> };
  return typeof target?.producerId === 'string' ? { producerId: target.producerId } : undefined;
}

/** Draws one annotation on a canvas whose drawing area is `width` × `height` pixels (the image's extent). */
export function drawAnnotation(ctx: CanvasRenderingContext2D, annotation: Annotation, width: number, height: number): void {
  const scale = Math.max(width, height);
  const line = Math.max(2, scale / 250);
  const px = ([x, y]: Point): Point => [x * width, y * height];
  ctx.save();
  ctx.strokeStyle = annotation.colour;
  ctx.fillStyle = annotation.colour;
  ctx.lineWidth = line;
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  const [first, second] = annotation.points;
  switch (annotation.shape) {
    case 'arrow': {
      if (!first) break;
      const [x1, y1] = px(first);
      const [x2, y2] = px(second ?? first);
      ctx.beginPath();
      ctx.moveTo(x1, y1);
      ctx.lineTo(x2, y2);
      ctx.stroke();
      const angle = Math.atan2(y2 - y1, x2 - x1);
      const head = line * 5;
      ctx.beginPath();
      ctx.moveTo(x2, y2);
      ctx.lineTo(x2 - head * Math.cos(angle - Math.PI / 7), y2 - head * Math.sin(angle - Math.PI / 7));
      ctx.lineTo(x2 - head * Math.cos(angle + Math.PI / 7), y2 - head * Math.sin(angle + Math.PI / 7));
      ctx.closePath();
      ctx.fill();
      break;
    }
    case 'circle': {
      if (!first) break;
      const [cx, cy] = px(first);
      const [ex, ey] = px(second ?? first);
      ctx.beginPath();
      ctx.arc(cx, cy, Math.max(line, Math.hypot(ex - cx, ey - cy)), 0, Math.PI * 2);
      ctx.stroke();
      break;
    }
    case 'freehand': {
      if (!first) break;
      ctx.beginPath();
      const [x0, y0] = px(first);
      ctx.moveTo(x0, y0);
      if (annotation.points.length === 1) ctx.lineTo(x0 + 0.01, y0);
      for (const point of annotation.points.slice(1)) {
        const [x, y] = px(point);
        ctx.lineTo(x, y);
      }
      ctx.stroke();
      break;
    }
    case 'text': {
      if (!first || !annotation.text) break;
      const [x, y] = px(first);
      const size = Math.max(12, scale / 40);
      ctx.font = `600 ${size}px system-ui, sans-serif`;
      ctx.textBaseline = 'middle';
      ctx.lineWidth = Math.max(2, size / 6);
      ctx.strokeStyle = 'rgba(255, 255, 255, 0.9)';
      ctx.strokeText(annotation.text, x, y);
      ctx.fillText(annotation.text, x, y);
      break;
    }
  }
  ctx.restore();
}

/**
 * Sizes `canvas` to the box `image` is shown in (at the screen's pixel density) and clears it, so that annotations
 * drawn on it sit on the image; its context and drawing area, or null where there is no 2D canvas.
 */
export function canvasOver(
  canvas: HTMLCanvasElement,
  image: HTMLImageElement,
): { ctx: CanvasRenderingContext2D; width: number; height: number } | null {
  const ratio = window.devicePixelRatio || 1;
  const width = Math.max(1, Math.round(image.clientWidth * ratio));
  const height = Math.max(1, Math.round(image.clientHeight * ratio));
  if (canvas.width !== width || canvas.height !== height) {
    canvas.width = width;
    canvas.height = height;
  }
  const ctx = canvas.getContext('2d');
  if (!ctx) return null;
  ctx.clearRect(0, 0, width, height);
  return { ctx, width, height };
}

/**
 * The still with its annotations at the image's full resolution, as a PNG. The image must be same-origin (it is:
 * `/api/v1/images/:id/original`, sent with the session cookie), else the canvas would be tainted.
 */
export async function exportAnnotatedPng(image: HTMLImageElement, annotations: readonly Annotation[]): Promise<Blob> {
  if (!image.complete || image.naturalWidth === 0) await image.decode();
  const canvas = document.createElement('canvas');
  canvas.width = image.naturalWidth;
  canvas.height = image.naturalHeight;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2D canvas');
  ctx.drawImage(image, 0, 0);
  for (const annotation of annotations) drawAnnotation(ctx, annotation, canvas.width, canvas.height);
  return canvasToBlob(canvas, 'image/png');
}

/** The canvas encoded as `type` (`image/png`, `image/jpeg` with `quality` 0–1). */
export function canvasToBlob(canvas: HTMLCanvasElement, type: 'image/png' | 'image/jpeg', quality?: number): Promise<Blob> {
  return new Promise<Blob>((resolve, reject) =>
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error(`could not encode the ${type} image`))), type, quality),
  );
}

/** Saves a blob as a file through a temporary link. */
export function downloadBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
