// The photo viewer's zoom and pan: the photo fills its stage (scale 1, "fit"); zoomed in, it moves with the pointer
// but never uncovers the stage. A view is `translate(x, y) scale(scale)` from the stage's top left corner.
export interface View {
  scale: number;
  x: number;
  y: number;
}

export interface Size {
  width: number;
  height: number;
}

export interface Point {
  x: number;
  y: number;
}

export const FIT: View = { scale: 1, x: 0, y: 0 };
export const MAX_SCALE = 8;
/** One step of the zoom buttons and keys. */
export const ZOOM_STEP = 1.5;
/** Where `z` zooms to from fit. */
export const TOGGLE_SCALE = 3;

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));

/** The view kept inside its limits: scale between fit and the maximum, the photo covering the whole stage. */
export function clampView(view: View, stage: Size): View {
  const raw = clamp(view.scale, 1, MAX_SCALE);
  // Steps that cancel out (×1.5 then ÷1.5) land on fit exactly, not a hair beside it.
  const scale = Math.abs(raw - 1) < 1e-9 ? 1 : raw;
  return {
    scale,
    x: clamp(view.x, stage.width * (1 - scale), 0),
    y: clamp(view.y, stage.height * (1 - scale), 0),
  };
}

/** Zooms to `scale` keeping the photo's point under `focus` (stage coordinates) where it is. */
export function zoomTo(view: View, scale: number, focus: Point, stage: Size): View {
  const target = clamp(scale, 1, MAX_SCALE);
  const ratio = target / view.scale;
  return clampView({ scale: target, x: focus.x - (focus.x - view.x) * ratio, y: focus.y - (focus.y - view.y) * ratio }, stage);
}

export function zoomBy(view: View, factor: number, focus: Point, stage: Size): View {
  return zoomTo(view, view.scale * factor, focus, stage);
}

export function centreOf(stage: Size): Point {
  return { x: stage.width / 2, y: stage.height / 2 };
}

/** `z`: back to fit when zoomed in, else in to {@link TOGGLE_SCALE} around `focus`. */
export function toggleZoom(view: View, focus: Point, stage: Size): View {
  return view.scale > 1 ? FIT : zoomTo(view, TOGGLE_SCALE, focus, stage);
}

export function panBy(view: View, dx: number, dy: number, stage: Size): View {
  return clampView({ ...view, x: view.x + dx, y: view.y + dy }, stage);
}

/** The zoom factor of a wheel turn (`deltaY` in pixels): up zooms in, down out, a notch about 20 %. */
export function wheelFactor(deltaY: number): number {
  return Math.exp(clamp(-deltaY, -200, 200) * 0.002);
}

export function isZoomed(view: View): boolean {
  return view.scale > 1;
}
