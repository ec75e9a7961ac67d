import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  type PointerEvent as ReactPointerEvent,
} from 'react';
import { useTranslation } from 'react-i18next';
import { colourFor, drawAnnotation, simplify, type Annotation, type AnnotationTarget, type Point } from '../../rtc/annotations';
import type { LiveMark } from '../../rtc/room-state';
import { framePointOf, pixelOf, type Size } from '../../rtc/video-frame';
import { Icon } from '../Icon';

/** How long a mark not drawn as persistent stays, fading out over its last part: a pointer, not a drawing. */
const FADE_AFTER_MS = 4000;
const FADING_FOR_MS = 1500;

/** What the layers over the room's videos share: the marks, who draws, and where their strokes and clears go. */
export interface LiveAnnotations {
  marks: readonly LiveMark[];
  userId: string;
  canAnnotate: boolean;
  annotate: (annotation: Annotation) => Promise<unknown>;
  clear: (target: AnnotationTarget) => Promise<unknown>;
  onError: (error: unknown) => void;
}

export const LiveAnnotationsContext = createContext<LiveAnnotations | null>(null);

interface Props {
  producerId: string;
  videoRef: React.RefObject<HTMLVideoElement | null>;
}

/** Whether CSS shows the video flipped left–right (an own camera, like a mirror). */
function isMirrored(video: HTMLVideoElement): boolean {
  const { transform } = getComputedStyle(video);
  return transform !== 'none' && new DOMMatrixReadOnly(transform).a < 0;
}

const frameOf = (video: HTMLVideoElement): Size => ({ width: video.videoWidth, height: video.videoHeight });

/**
 * Everyone's marks over one live video tile, drawn on a canvas over it, and the pen to add one. Points are stored
 * relative to the video's own frame, so a mark lands on the same spot of the picture in every tile shape; marks
 * fade after a few seconds unless drawn with "keep".
 */
export function LiveAnnotationLayer({ producerId, videoRef }: Props) {
  const { t } = useTranslation();
  const shared = useContext(LiveAnnotationsContext);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [drawing, setDrawing] = useState(false);
  const [keep, setKeep] = useState(false);
  const draft = useRef<Point[] | null>(null);
  /** When this page first showed each mark: fading runs on the local clock, whatever the server's says. */
  const firstShown = useRef(new Map<string, number>());
  const allMarks = shared?.marks;
  const marks = useMemo(() => allMarks?.filter((mark) => mark.target.producerId === producerId) ?? [], [allMarks, producerId]);
  const colour = colourFor(shared?.userId ?? '');
  const [visibleCount, setVisibleCount] = useState(0);

  /** Draws the marks at their current opacity; answers whether any is still fading (so another frame is due). */
  const redraw = useCallback((): boolean => {
    const canvas = canvasRef.current;
    const video = videoRef.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !video || !ctx) return false;
    const ratio = window.devicePixelRatio || 1;
    const box = { width: canvas.clientWidth, height: canvas.clientHeight };
    const width = Math.max(1, Math.round(box.width * ratio));
    const height = Math.max(1, Math.round(box.height * ratio));
    if (canvas.width !== width || canvas.height !== height) {
      canvas.width = width;
      canvas.height = height;
    }
    ctx.clearRect(0, 0, width, height);
    const frame = frameOf(video);
    const mirrored = isMirrored(video);
    const now = performance.now();
    const inBox = (point: Point): Point => {
      const [x, y] = pixelOf(point, box, frame, { mirrored });
      return [x / box.width, y / box.height];
    };
    const draw = (annotation: Annotation, opacity: number) => {
      ctx.globalAlpha = opacity;
      drawAnnotation(ctx, { ...annotation, points: annotation.points.map(inBox) }, width, height);
    };
    let fading = false;
    let visible = 0;
    for (const mark of marks) {
      const shownAt = firstShown.current.get(mark.id) ?? now;
      firstShown.current.set(mark.id, shownAt);
      const left = FADE_AFTER_MS - (now - shownAt);
      const opacity = mark.persistent ? 1 : Math.min(1, left / FADING_FOR_MS);
      if (opacity <= 0) continue;
      fading ||= !mark.persistent;
      visible += 1;
      draw(mark, opacity);
    }
    for (const id of firstShown.current.keys()) if (!marks.some((mark) => mark.id === id)) firstShown.current.delete(id);
    if (draft.current) draw({ shape: 'freehand', points: draft.current, colour }, 1);
    ctx.globalAlpha = 1;
    setVisibleCount(visible);
    return fading;
  }, [marks, colour, videoRef]);

  useEffect(() => {
    let frame = 0;
    const tick = () => {
      if (redraw()) frame = requestAnimationFrame(tick);
    };
    tick();
    return () => cancelAnimationFrame(frame);
  }, [redraw]);

  useEffect(() => {
    const canvas = canvasRef.current;
    const video = videoRef.current;
    if (!canvas || !video) return;
    const onChange = () => redraw();
    const observer = new ResizeObserver(onChange);
    observer.observe(canvas);
    // The intrinsic size arrives with the first frame and changes with simulcast layers and screen windows.
    video.addEventListener('resize', onChange);
    return () => {
      observer.disconnect();
      video.removeEventListener('resize', onChange);
    };
  }, [redraw, videoRef]);

  if (!shared) return null;
  const target: AnnotationTarget = { producerId };

  function pointOf(event: ReactPointerEvent<HTMLCanvasElement>, clamp: boolean): Point | null {
    const video = videoRef.current;
    if (!video) return null;
    const rect = event.currentTarget.getBoundingClientRect();
    const pixel: Point = [event.clientX - rect.left, event.clientY - rect.top];
    return framePointOf(pixel, rect, frameOf(video), { mirrored: isMirrored(video), clamp });
  }

  function onPointerDown(event: ReactPointerEvent<HTMLCanvasElement>): void {
    if (event.button !== 0) return;
    const point = pointOf(event, false);
    // A press on the bars beside the picture starts nothing.
    if (!point) return;
    event.currentTarget.setPointerCapture(event.pointerId);
    draft.current = [point];
    redraw();
  }

  function onPointerMove(event: ReactPointerEvent<HTMLCanvasElement>): void {
    const point = draft.current && pointOf(event, true);
    if (!point) return;
    draft.current?.push(point);
    redraw();
  }

  function onPointerUp(): void {
    const points = draft.current;
    draft.current = null;
    if (!points || !shared) return;
    const annotation: Annotation = { shape: 'freehand', points: simplify(points), colour, target, ...(keep ? { persistent: true } : {}) };
    shared.annotate(annotation).catch(shared.onError);
  }

  return (
    <>
      <canvas
        ref={canvasRef}
        className={`live-marks${drawing ? ' is-drawing' : ''}`}
        onPointerDown={drawing ? onPointerDown : undefined}
        onPointerMove={drawing ? onPointerMove : undefined}
        onPointerUp={drawing ? onPointerUp : undefined}
        onPointerCancel={() => {
          draft.current = null;
          redraw();
        }}
        data-testid="live-marks"
        data-producer-id={producerId}
        data-mark-count={visibleCount}
      />
      {shared.canAnnotate && (
        <div className="live-marks-tools" role="toolbar" aria-label={t('room.liveMarks.tools')}>
          <button
            type="button"
            className={`btn btn-small ${drawing ? 'btn-primary' : 'btn-secondary'}`}
            aria-pressed={drawing}
            title={drawing ? t('room.liveMarks.stopDrawing') : t('room.liveMarks.draw')}
            onClick={() => setDrawing(!drawing)}
            data-testid="live-marks-draw"
          >
            <Icon name="pen" label={drawing ? t('room.liveMarks.stopDrawing') : t('room.liveMarks.draw')} />
          </button>
          {drawing && (
            <>
              <label className="live-marks-keep" title={t('room.liveMarks.keepHint')}>
                <input type="checkbox" checked={keep} onChange={(e) => setKeep(e.target.checked)} data-testid="live-marks-keep" />
                {t('room.liveMarks.keep')}
              </label>
              <button
                type="button"
                className="btn btn-small btn-secondary"
                title={t('room.liveMarks.clear')}
                onClick={() => shared.clear(target).catch(shared.onError)}
                data-testid="live-marks-clear"
              >
                <Icon name="close" label={t('room.liveMarks.clear')} />
              </button>
            </>
          )}
        </div>
      )}
    </>
  );
}
