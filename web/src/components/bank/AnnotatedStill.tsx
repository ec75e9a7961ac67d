import { useCallback, useEffect, useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConsultationStill } from '@contract';
import { formatDateTime } from '../../format';
import { useLanguage } from '../../i18n';
import { annotationOf, canvasOver, drawAnnotation } from '../../rtc/annotations';

/** A consultation's still of the specimen with the marks the experts left on it, drawn over the photo as in the room. */
export function AnnotatedStill({ still }: { still: ConsultationStill }) {
  const { t } = useTranslation();
  const lng = useLanguage();
  const imageRef = useRef<HTMLImageElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const annotations = useMemo(() => still.annotations.flatMap((event) => annotationOf(event) ?? []), [still.annotations]);

  const redraw = useCallback(() => {
    const canvas = canvasRef.current;
    const image = imageRef.current;
    const area = canvas && image && canvasOver(canvas, image);
    if (!area) return;
    for (const annotation of annotations) drawAnnotation(area.ctx, annotation, area.width, area.height);
  }, [annotations]);

  useEffect(() => {
    const image = imageRef.current;
    if (!image) return;
    redraw();
    const observer = new ResizeObserver(() => redraw());
    observer.observe(image);
    return () => observer.disconnect();
  }, [redraw]);

  return (
    <figure className="bank-still" data-testid="bank-still" data-room-id={still.roomId} data-annotation-count={annotations.length}>
      <div className="still-stage">
        <img ref={imageRef} className="still-image" src={still.image.originalUrl} alt={still.roomTitle} onLoad={redraw} draggable={false} />
        <canvas ref={canvasRef} className="still-canvas" aria-hidden="true" data-testid="bank-still-canvas" />
      </div>
      <figcaption className="muted small">
        {t('bank.stillCaption', { room: still.roomTitle, name: still.sharedBy, at: formatDateTime(still.sharedAt, lng) })}
      </figcaption>
    </figure>
  );
}
