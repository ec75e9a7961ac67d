import { useEffect, useRef, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Quality } from '../../rtc/quality';
import { useLatest } from '../../use-latest';
import { Icon } from '../Icon';
import { LiveAnnotationLayer } from './LiveAnnotationLayer';

/** Attaches a track to a media element for as long as both exist. */
function useTrack(ref: React.RefObject<HTMLMediaElement | null>, track: MediaStreamTrack | null): void {
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    element.srcObject = track ? new MediaStream([track]) : null;
    if (track) element.play().catch(() => undefined);
    return () => {
      element.srcObject = null;
    };
  }, [ref, track]);
}

/** The element full screen, or back out of full screen when it already is. */
function toggleFullscreen(element: HTMLElement | null): void {
  if (!element) return;
  const leaving = document.fullscreenElement === element;
  (leaving ? document.exitFullscreen() : element.requestFullscreen()).catch(() => undefined);
}

export function QualityDot({ quality, testId }: { quality: Quality; testId?: string }) {
  const { t } = useTranslation();
  return (
    <span
      className={`quality-dot quality-${quality}`}
      role="img"
      title={t(`room.quality.${quality}`)}
      aria-label={t(`room.quality.${quality}`)}
      data-testid={testId}
      data-quality={quality}
    />
  );
}

interface VideoTileProps {
  track: MediaStreamTrack | null;
  name: string;
  label?: string;
  /** Own camera: mirrored and never played back. */
  local?: boolean;
  speaking?: boolean;
  quality?: Quality;
  paused?: boolean;
  micMuted?: boolean;
  /** On the stage: large, and offered full screen. */
  large?: boolean;
  pinned?: boolean;
  /** Offers the pin button: pins this tile to the stage, or unpins it when pinned. */
  onPin?: () => void;
  testId: string;
  data?: Record<string, string>;
  /** Width of the tile in CSS px whenever it changes (for simulcast layer selection). */
  onWidth?: (width: number) => void;
  /** The producer this tile shows: marks over the live video go to it. */
  producerId?: string | null;
  /** Called once, when the first frame is shown. */
  onFirstFrame?: () => void;
  children?: ReactNode;
}

export function VideoTile({
  track,
  name,
  label,
  local = false,
  speaking = false,
  quality,
  paused = false,
  micMuted = false,
  large = false,
  pinned = false,
  onPin,
  testId,
  data = {},
  onWidth,
  onFirstFrame,
  producerId = null,
  children,
}: VideoTileProps) {
  const { t } = useTranslation();
  const videoRef = useRef<HTMLVideoElement>(null);
  const tileRef = useRef<HTMLDivElement>(null);
  useTrack(videoRef, track);

  const widthRef = useLatest(onWidth);
  useEffect(() => {
    const tile = tileRef.current;
    if (!tile) return;
    const observer = new ResizeObserver(([entry]) => {
      if (entry) widthRef.current?.(Math.round(entry.contentRect.width * (window.devicePixelRatio || 1)));
    });
    observer.observe(tile);
    return () => observer.disconnect();
  }, [widthRef]);

  const frameRef = useLatest(onFirstFrame);
  useEffect(() => {
    const video = videoRef.current;
    if (!video || !track) return;
    let done = false;
    const report = () => {
      if (done) return;
      done = true;
      frameRef.current?.();
    };
    if ('requestVideoFrameCallback' in video) {
      const handle = video.requestVideoFrameCallback(report);
      return () => video.cancelVideoFrameCallback(handle);
    }
    const onData = () => report();
    (video as HTMLVideoElement).addEventListener('loadeddata', onData);
    return () => (video as HTMLVideoElement).removeEventListener('loadeddata', onData);
  }, [track, frameRef]);

  return (
    <div
      ref={tileRef}
      className={`tile${speaking ? ' is-speaking' : ''}${large ? ' is-large' : ''}${local ? ' is-local' : ''}`}
      data-testid={testId}
      data-speaking={speaking ? 'true' : 'false'}
      data-pinned={pinned ? 'true' : 'false'}
      {...Object.fromEntries(Object.entries(data).map(([key, value]) => [`data-${key}`, value]))}
    >
      {track ? (
        <video ref={videoRef} className="tile-video" autoPlay playsInline muted data-testid={`${testId}-video`} />
      ) : (
        <div className="tile-avatar" aria-hidden="true">
          {name.trim().charAt(0).toUpperCase() || '?'}
        </div>
      )}
      {track && producerId && <LiveAnnotationLayer producerId={producerId} videoRef={videoRef} />}
      {paused && <div className="tile-paused">{t('room.cameraOffTile')}</div>}
      <div className="tile-caption">
        {quality && <QualityDot quality={quality} testId={`${testId}-quality`} />}
        <span className="tile-name">{name}</span>
        {label && <span className="tile-label">{label}</span>}
        {micMuted && (
          <span className="tile-muted" title={t('room.muted')}>
            <Icon name="microphoneOff" label={t('room.muted')} />
          </span>
        )}
        {speaking && <span className="visually-hidden">{t('room.speaking')}</span>}
      </div>
      <div className="tile-actions">
        {onPin && (
          <button
            type="button"
            className={`tile-action${pinned ? ' is-on' : ''}`}
            aria-pressed={pinned}
            title={t(pinned ? 'room.unpin' : 'room.pin')}
            onClick={onPin}
            data-testid={`${testId}-pin`}
          >
            <Icon name="pin" label={t(pinned ? 'room.unpin' : 'room.pin')} />
          </button>
        )}
        {large && (
          <button
            type="button"
            className="tile-action"
            title={t('room.fullscreen')}
            onClick={() => toggleFullscreen(tileRef.current)}
            data-testid={`${testId}-fullscreen`}
          >
            <Icon name="fullscreen" label={t('room.fullscreen')} />
          </button>
        )}
      </div>
      {children}
    </div>
  );
}

/** Plays a remote audio track (hidden). */
export function RemoteAudio({ track, peerId }: { track: MediaStreamTrack; peerId: string }) {
  const ref = useRef<HTMLAudioElement>(null);
  useTrack(ref, track);
  return <audio ref={ref} autoPlay data-testid="remote-audio" data-peer-id={peerId} />;
}
