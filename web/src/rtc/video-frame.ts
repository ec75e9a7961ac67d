// Marks over live video are stored relative to the video's own frame (0–1 of its intrinsic width and height), not
// to the box a page shows it in: with `object-fit: contain` the picture is letterboxed differently in every tile
// shape and window, and a mirrored own camera is flipped. These map between a box's pixels and the frame.
import type { Point } from './annotations';

export interface Size {
  width: number;
  height: number;
}

/** A rectangle in the box's pixels. */
export interface Rect {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Where the picture lies inside its box under `object-fit: contain`: as large as fits, centred, bars on two sides. */
export function containedFrame(box: Size, frame: Size): Rect {
  if (frame.width <= 0 || frame.height <= 0) return { left: 0, top: 0, width: box.width, height: box.height };
  const scale = Math.min(box.width / frame.width, box.height / frame.height);
  const width = frame.width * scale;
  const height = frame.height * scale;
  return { left: (box.width - width) / 2, top: (box.height - height) / 2, width, height };
}

/**
 * The frame point (0–1) under a box pixel, or null on the bars beside the picture; `clamp` pulls an outside pixel
 * onto the picture's edge instead (a stroke that wanders off it).
 */
export function framePointOf(pixel: Point, box: Size, frame: Size, { mirrored = false, clamp = false } = {}): Point | null {
  const picture = containedFrame(box, frame);
  let x = (pixel[0] - picture.left) / picture.width;
  const y = (pixel[1] - picture.top) / picture.height;
  if (mirrored) x = 1 - x;
  const inside = x >= 0 && x <= 1 && y >= 0 && y <= 1;
  if (inside) return [x, y];
  return clamp ? [Math.min(1, Math.max(0, x)), Math.min(1, Math.max(0, y))] : null;
}

/** The box pixel showing a frame point (0–1). */
export function pixelOf(point: Point, box: Size, frame: Size, { mirrored = false } = {}): Point {
  const picture = containedFrame(box, frame);
  const x = mirrored ? 1 - point[0] : point[0];
  return [picture.left + x * picture.width, picture.top + point[1] * picture.height];
}
