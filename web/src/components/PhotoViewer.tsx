import { useCallback, useRef, useState, type PointerEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { SpecimenImage } from '@contract';
import {
  centreOf,
  FIT,
  isZoomed,
  panBy,
  toggleZoom,
  wheelFactor,
  zoomBy,
  ZOOM_STEP,
  type Point,
  type Size,
  type View,
} from '../review/zoom';
import { Icon } from './Icon';

interface ViewerState {
  index: number;
  view: View;
}

function sizeOf(element: HTMLElement): Size {
  return { width: element.clientWidth, height: element.clientHeight };
}

function pointIn(element: HTMLElement, clientX: number, clientY: number): Point {
  const rect = element.getBoundingClientRect();
  return { x: clientX - rect.left, y: clientY - rect.top };
}

/**
 * The state of a photo viewer and what changes it, for the viewer's own controls and for keyboard shortcuts: which
 * photo is shown and how it is zoomed (another photo starts at fit).
 */
export function usePhotoViewer(count: number) {
  const [state, setState] = useState<ViewerState>({ index: 0, view: FIT });
  const stageRef = useRef<HTMLDivElement | null>(null);
  const index = count === 0 ? 0 : Math.min(state.index, count - 1);

  /** Changes the view with the stage's size now (from a handler: the stage is on screen). */
  const changeView = useCallback((change: (view: View, size: Size) => View) => {
    const element = stageRef.current;
    if (!element) return;
    const size = sizeOf(element);
    setState((current) => ({ ...current, view: change(current.view, size) }));
  }, []);

  const show = useCallback(
    (next: number) => {
      if (count === 0) return;
      setState({ index: ((next % count) + count) % count, view: FIT });
    },
    [count],
  );

  return {
    index,
    view: state.view,
    stageRef,
    changeView,
    show,
    zoomIn: () => changeView((view, size) => zoomBy(view, ZOOM_STEP, centreOf(size), size)),
    zoomOut: () => changeView((view, size) => zoomBy(view, 1 / ZOOM_STEP, centreOf(size), size)),
    toggleZoom: () => changeView((view, size) => toggleZoom(view, centreOf(size), size)),
    previous: () => show(index - 1),
    next: () => show(index + 1),
  };
}

export type PhotoViewerControls = ReturnType<typeof usePhotoViewer>;

/**
 * A specimen's photographs at full size: zoom with the wheel, the buttons or the keys, drag to move a zoomed photo,
 * double-click to zoom in and out; the strip below switches photos.
 */
export function PhotoViewer({ images, viewer }: { images: readonly SpecimenImage[]; viewer: PhotoViewerControls }) {
  const { t } = useTranslation();
  const { index, view, stageRef, changeView } = viewer;
  const drag = useRef<{ pointerId: number; x: number; y: number } | null>(null);

  // The wheel zooms the photo instead of scrolling the page: that needs a listener that is not passive.
  const attachStage = useCallback(
    (element: HTMLDivElement | null) => {
      stageRef.current = element;
      if (!element) return;
      const onWheel = (event: WheelEvent) => {
        event.preventDefault();
        const focus = pointIn(element, event.clientX, event.clientY);
        changeView((current, size) => zoomBy(current, wheelFactor(event.deltaY), focus, size));
      };
      element.addEventListener('wheel', onWheel, { passive: false });
      return () => {
        element.removeEventListener('wheel', onWheel);
        stageRef.current = null;
      };
    },
    [stageRef, changeView],
  );

  function onPointerDown(event: PointerEvent<HTMLDivElement>): void {
    if (!isZoomed(view) || event.button !== 0) return;
    event.currentTarget.setPointerCapture(event.pointerId);
    drag.current = { pointerId: event.pointerId, x: event.clientX, y: event.clientY };
  }

  function onPointerMove(event: PointerEvent<HTMLDivElement>): void {
    const from = drag.current;
    if (!from || from.pointerId !== event.pointerId) return;
    const dx = event.clientX - from.x;
    const dy = event.clientY - from.y;
    drag.current = { ...from, x: event.clientX, y: event.clientY };
    changeView((current, size) => panBy(current, dx, dy, size));
  }

  function endDrag(): void {
    drag.current = null;
  }

  const image = images[index];
  if (!image) {
    return (
      <p className="muted" data-testid="photo-viewer-empty">
        {t('list.noImage')}
      </p>
    );
  }
  const percent = Math.round(view.scale * 100);
  return (
    <div className="photo-viewer" data-testid="photo-viewer">
      <div
        ref={attachStage}
        className={`photo-stage${isZoomed(view) ? ' is-zoomed' : ''}`}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={endDrag}
        onPointerCancel={endDrag}
        onDoubleClick={(event) => {
          const focus = pointIn(event.currentTarget, event.clientX, event.clientY);
          changeView((current, size) => toggleZoom(current, focus, size));
        }}
      >
        <img
          key={image.id}
          src={image.originalUrl}
          alt={t('identification.photoN', { n: index + 1 })}
          className="photo-image"
          draggable={false}
          style={{ transform: `translate(${view.x}px, ${view.y}px) scale(${view.scale})` }}
          data-testid="photo-viewer-image"
          data-image-id={image.id}
          data-scale={view.scale}
        />
      </div>
      <div className="photo-toolbar" role="toolbar" aria-label={t('viewer.toolbar')}>
        <button
          type="button"
          className="btn btn-secondary btn-small"
          onClick={viewer.previous}
          disabled={images.length < 2}
          aria-label={t('viewer.previousPhoto')}
          data-testid="photo-previous"
        >
          <Icon name="chevronLeft" />
        </button>
        <span className="muted small" data-testid="photo-position">
          {t('viewer.position', { n: index + 1, total: images.length })}
        </span>
        <button
          type="button"
          className="btn btn-secondary btn-small"
          onClick={viewer.next}
          disabled={images.length < 2}
          aria-label={t('viewer.nextPhoto')}
          data-testid="photo-next"
        >
          <Icon name="chevronRight" />
        </button>
        <span className="toolbar-spacer" />
        <button
          type="button"
          className="btn btn-secondary btn-small"
          onClick={viewer.zoomOut}
          disabled={!isZoomed(view)}
          aria-label={t('viewer.zoomOut')}
          data-testid="photo-zoom-out"
        >
          <Icon name="minus" />
        </button>
        <span className="zoom-level small" aria-live="polite" data-testid="photo-zoom-level">
          {percent}%
        </span>
        <button
          type="button"
          className="btn btn-secondary btn-small"
          onClick={viewer.zoomIn}
          aria-label={t('viewer.zoomIn')}
          data-testid="photo-zoom-in"
        >
          <Icon name="plus" />
        </button>
        <button type="button" className="btn btn-ghost btn-small" onClick={viewer.toggleZoom} data-testid="photo-zoom-toggle">
          {isZoomed(view) ? t('viewer.fit') : t('viewer.zoom')}
        </button>
        <a className="btn btn-ghost btn-small" href={image.originalUrl} target="_blank" rel="noopener noreferrer">
          {t('detail.openOriginal')}
        </a>
      </div>
      {images.length > 1 && (
        <ol className="photo-strip" aria-label={t('viewer.strip')}>
          {images.map((item, n) => (
            <li key={item.id}>
              <button
                type="button"
                className={`photo-strip-item${n === index ? ' is-current' : ''}`}
                aria-current={n === index ? 'true' : undefined}
                aria-label={t('identification.photoN', { n: n + 1 })}
                onClick={() => viewer.show(n)}
                data-testid="photo-strip-item"
                data-image-id={item.id}
              >
                <img src={item.thumbnailUrl} alt="" loading="lazy" />
              </button>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
