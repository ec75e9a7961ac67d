import { useCallback, useEffect, useRef, useState, type PointerEvent as ReactPointerEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { endpoints, urlOf, type ImageOrigin, type SpecimenImage } from '@contract';
import { formOf, upload } from '../../api/client';
import {
  ANNOTATION_SHAPES,
  canvasOver,
  clampPoint,
  colourFor,
  downloadBlob,
  drawAnnotation,
  exportAnnotatedPng,
  simplify,
  type Annotation,
  type AnnotationShape,
  type Point,
} from '../../rtc/annotations';
import type { StillState } from '../../rtc/room-state';

/** The consultation's specimen, which stills may be saved onto, and the room they come from. */
export interface StillTarget {
  specimenId: string;
  roomId: string;
}

interface Props {
  still: StillState;
  annotations: readonly Annotation[];
  userId: string;
  canAnnotate: boolean;
  /** Where "save onto specimen" puts the annotated still; null hides the button. */
  saveTarget: StillTarget | null;
  onAnnotate: (annotation: Annotation) => Promise<unknown>;
  onClear: () => Promise<unknown>;
  onError: (error: unknown) => void;
}

export function stillUrl(imageId: string): string {
  return urlOf(endpoints.getImage, { params: { id: imageId, variant: 'original' } });
}

/** Adds `image` to the target's specimen as a new photo, naming the room and where it came from; answers the new image. */
export async function saveOntoSpecimen(target: StillTarget, image: Blob, filename: string, origin: ImageOrigin): Promise<SpecimenImage> {
  const file = new File([image], filename, { type: image.type });
  const form = formOf(endpoints.addSpecimenImages, { origin, roomId: target.roomId }, [file]);
  const { images } = await upload(endpoints.addSpecimenImages, { id: target.specimenId }, form);
  const [added] = images;
  if (!added) throw new Error('the server added no image');
  return added;
}

/**
 * The shared specimen still, sharp (the original image), with everybody's annotations drawn on a canvas over it.
 * Drawing: press, drag, release (arrow: tail → head; circle: centre → edge; freehand: the path; text: a click).
 */
export function StillView({ still, annotations, userId, canAnnotate, saveTarget, onAnnotate, onClear, onError }: Props) {
  const { t } = useTranslation();
  const imageRef = useRef<HTMLImageElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [tool, setTool] = useState<AnnotationShape>('arrow');
  const [label, setLabel] = useState('');
  // Both belong to one still: sharing another resets them without an effect.
  const [loadedStill, setLoadedStill] = useState<string | null>(null);
  const loaded = loadedStill === still.imageId;
  const [saving, setSaving] = useState(false);
  /** The specimen image the annotated still was last saved as. */
  const [saved, setSaved] = useState<{ still: string; imageId: string } | null>(null);
  const savedAs = saved?.still === still.imageId ? saved.imageId : null;
  const draft = useRef<Point[] | null>(null);
  const colour = colourFor(userId);

  const redraw = useCallback(() => {
    const canvas = canvasRef.current;
    const image = imageRef.current;
    const area = canvas && image && canvasOver(canvas, image);
    if (!area) return;
    const { ctx, width, height } = area;
    for (const annotation of annotations) drawAnnotation(ctx, annotation, width, height);
    const points = draft.current;
    if (points && points.length > 0)
      drawAnnotation(ctx, { shape: tool, points, colour, ...(tool === 'text' ? { text: label } : {}) }, width, height);
  }, [annotations, tool, colour, label]);

  useEffect(() => {
    redraw();
  }, [redraw, loaded]);

  useEffect(() => {
    const image = imageRef.current;
    if (!image) return;
    const observer = new ResizeObserver(() => redraw());
    observer.observe(image);
    return () => observer.disconnect();
  }, [redraw]);

  function pointOf(event: ReactPointerEvent<HTMLCanvasElement>): Point {
    const rect = event.currentTarget.getBoundingClientRect();
    return clampPoint([(event.clientX - rect.left) / rect.width, (event.clientY - rect.top) / rect.height]);
  }

  function send(annotation: Annotation): void {
    onAnnotate(annotation).catch(onError);
  }

  function onPointerDown(event: ReactPointerEvent<HTMLCanvasElement>): void {
    if (!canAnnotate || event.button !== 0) return;
    const point = pointOf(event);
    if (tool === 'text') {
      const text = label.trim();
      if (text) send({ shape: 'text', points: [point], colour, text });
      return;
    }
    event.currentTarget.setPointerCapture(event.pointerId);
    draft.current = [point];
    redraw();
  }

  function onPointerMove(event: ReactPointerEvent<HTMLCanvasElement>): void {
    const points = draft.current;
    if (!points) return;
    const point = pointOf(event);
    if (tool === 'freehand') points.push(point);
    else draft.current = [points[0]!, point];
    redraw();
  }

  function onPointerUp(event: ReactPointerEvent<HTMLCanvasElement>): void {
    const points = draft.current;
    draft.current = null;
    if (!points) return;
    const end = pointOf(event);
    const finished: Point[] = tool === 'freehand' ? simplify([...points, end]) : [points[0]!, end];
    redraw();
    send({ shape: tool, points: finished, colour });
  }

  const pngName = `vectordesk-still-${still.imageId}.png`;

  /** The still at full resolution with the annotations drawn in, handed to `handle`; failures go to `onError`. */
  async function withAnnotatedPng(handle: (png: Blob) => unknown): Promise<void> {
    const image = imageRef.current;
    if (!image) return;
    try {
      await handle(await exportAnnotatedPng(image, annotations));
    } catch (error) {
      onError(error);
    }
  }

  async function saveToSpecimen(target: StillTarget): Promise<void> {
    setSaving(true);
    setSaved(null);
    const sharedStill = still.imageId;
    await withAnnotatedPng(async (png) =>
      setSaved({ still: sharedStill, imageId: (await saveOntoSpecimen(target, png, pngName, 'annotated-still')).id }),
    );
    setSaving(false);
  }

  return (
    <div className="still" data-testid="still-view" data-image-id={still.imageId}>
      <div className="still-head">
        <h2 className="card-title">{t('room.still.title')}</h2>
        <span className="muted small">{t('room.still.sharedBy', { name: still.displayName })}</span>
      </div>
      <div className="still-toolbar" role="toolbar" aria-label={t('room.still.tools')}>
        {canAnnotate ? (
          <>
            {ANNOTATION_SHAPES.map((shape) => (
              <button
                key={shape}
                type="button"
                className={`btn btn-small ${tool === shape ? 'btn-primary' : 'btn-secondary'}`}
                aria-pressed={tool === shape}
                onClick={() => setTool(shape)}
                data-testid={`tool-${shape}`}
              >
                {t(`room.still.tool.${shape}`)}
              </button>
            ))}
            {tool === 'text' && (
              <input
                className="still-text"
                value={label}
                maxLength={500}
                placeholder={t('room.still.textPlaceholder')}
                onChange={(e) => setLabel(e.target.value)}
                data-testid="tool-text-input"
              />
            )}
            <span
              className="still-colour"
              title={t('room.still.yourColour')}
              style={{ background: colour }}
              data-testid="still-colour"
              data-colour={colour}
            />
            <button
              type="button"
              className="btn btn-small btn-secondary"
              onClick={() => onClear().catch(onError)}
              data-testid="still-clear"
            >
              {t('room.still.clear')}
            </button>
          </>
        ) : (
          <span className="muted small">{t('room.still.readOnly')}</span>
        )}
        <button
          type="button"
          className="btn btn-small btn-secondary"
          onClick={() => void withAnnotatedPng((png) => downloadBlob(png, pngName))}
          data-testid="still-export"
        >
          {t('room.still.export')}
        </button>
        {saveTarget && (
          <button
            type="button"
            className="btn btn-small btn-secondary"
            disabled={saving}
            onClick={() => void saveToSpecimen(saveTarget)}
            data-testid="still-save-to-specimen"
          >
            {saving ? t('common.saving') : t('room.still.saveToSpecimen')}
          </button>
        )}
        {savedAs && (
          <span className="muted small" role="status" data-testid="still-saved" data-image-id={savedAs}>
            {t('room.still.saved')}
          </span>
        )}
      </div>
      <div className="still-stage">
        <img
          ref={imageRef}
          className="still-image"
          src={stillUrl(still.imageId)}
          alt={t('room.still.title')}
          onLoad={() => setLoadedStill(still.imageId)}
          draggable={false}
          data-testid="still-image"
        />
        <canvas
          ref={canvasRef}
          className={`still-canvas${canAnnotate ? ' is-drawable' : ''}`}
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={onPointerUp}
          onPointerCancel={() => {
            draft.current = null;
            redraw();
          }}
          data-testid="still-canvas"
          data-stroke-count={annotations.length}
        />
      </div>
    </div>
  );
}
