import { useEffect, useRef, useState, type RefObject } from 'react';
import { useLatest } from '../../use-latest';
import { useTranslation } from 'react-i18next';
import { canProduce, MEDIA_SOURCES, type PermissionSubject } from '@contract';
import {
  DEFAULT_DEVICES,
  listDevices,
  mediaDevices,
  openAudio,
  openVideo,
  type DeviceChoice,
  type DeviceList,
  type JoinMedia,
} from '../../rtc/local-media';
import { DeviceSelect } from './DeviceSelect';
import { Icon } from '../Icon';

interface PreviewTrack {
  track: MediaStreamTrack | null;
  /** The track being opened now: joining waits for it, so what was chosen is what is sent. */
  opening: RefObject<Promise<MediaStreamTrack | null> | null>;
}

/**
 * The track `open` gives for `deviceId` while `enabled`, opened again whenever the choice changes; a track that was
 * not handed over to the room is stopped when it is replaced or the screen goes.
 */
function usePreviewTrack(
  enabled: boolean,
  deviceId: string,
  open: (deviceId: string) => Promise<MediaStreamTrack | null>,
  isHandedOver: () => boolean,
  on: { opened: () => void; failed: (error: unknown) => void },
): PreviewTrack {
  const [track, setTrack] = useState<MediaStreamTrack | null>(null);
  const opening = useRef<Promise<MediaStreamTrack | null> | null>(null);
  const callbacks = useLatest(on);

  useEffect(() => {
    if (!enabled) {
      opening.current = null;
      return;
    }
    let cancelled = false;
    let acquired: MediaStreamTrack | null = null;
    opening.current = open(deviceId).then(
      (opened) => {
        acquired = opened;
        if (cancelled) {
          opened?.stop();
          return null;
        }
        setTrack(opened);
        callbacks.current.opened();
        return opened;
      },
      (error: unknown) => {
        if (!cancelled) callbacks.current.failed(error);
        return null;
      },
    );
    return () => {
      cancelled = true;
      setTrack(null);
      if (acquired && !isHandedOver()) acquired.stop();
    };
  }, [enabled, deviceId, open, isHandedOver, callbacks]);

  return { track, opening };
}

/** Before joining: the camera preview and the choice of camera, microphone and microscope (for those who may send). */
export function PreJoin({ subject, onJoin }: { subject: PermissionSubject; onJoin: (media: JoinMedia) => void }) {
  const { t } = useTranslation();
  const { role } = subject;
  const mayPublish = MEDIA_SOURCES.some((source) => canProduce(subject, source));
  const [devices, setDevices] = useState<DeviceList>({ cameras: [], microphones: [] });
  const [choice, setChoice] = useState<DeviceChoice>(DEFAULT_DEVICES);
  const [cameraOn, setCameraOn] = useState(true);
  const [microphoneOn, setMicrophoneOn] = useState(true);
  const [mediaError, setMediaError] = useState<string | null>(null);
  const [joining, setJoining] = useState(false);
  // Tracks handed over to the room on joining are the room's to stop, not the preview's.
  const handedOver = useRef(false);
  const [isHandedOver] = useState(() => () => handedOver.current);
  const previewRef = useRef<HTMLVideoElement>(null);

  // A browser without device enumeration (an insecure page, say) can send nothing.
  const noDevices = mayPublish && !mediaDevices()?.enumerateDevices ? t('room.prejoin.noDevices') : null;
  const showMediaError = (error: unknown) =>
    setMediaError(t('room.prejoin.mediaError', { message: error instanceof Error ? error.message : String(error) }));
  const refreshDevices = () => void listDevices().then(setDevices, () => undefined);
  // Device names appear once the browser has granted access, so the list is read again when the camera opens.
  const camera = usePreviewTrack(mayPublish && cameraOn, choice.cameraId, openVideo, isHandedOver, {
    opened: () => {
      setMediaError(null);
      refreshDevices();
    },
    failed: showMediaError,
  });
  const microphone = usePreviewTrack(mayPublish && microphoneOn, choice.microphoneId, openAudio, isHandedOver, {
    opened: () => undefined,
    failed: showMediaError,
  });

  useEffect(() => {
    if (!mayPublish) return;
    const media = mediaDevices();
    if (!media?.enumerateDevices) return;
    let cancelled = false;
    const list = () =>
      void listDevices().then(
        (found) => !cancelled && setDevices(found),
        () => undefined,
      );
    media.addEventListener('devicechange', list);
    list();
    return () => {
      cancelled = true;
      media.removeEventListener('devicechange', list);
    };
  }, [mayPublish]);

  useEffect(() => {
    const video = previewRef.current;
    if (!video) return;
    video.srcObject = camera.track ? new MediaStream([camera.track]) : null;
  }, [camera.track]);

  async function join(): Promise<void> {
    setJoining(true);
    const [openedCamera, openedMicrophone] = mayPublish
      ? await Promise.all([camera.opening.current, microphone.opening.current])
      : [null, null];
    const microscope = mayPublish && choice.microscopeId ? await openVideo(choice.microscopeId).catch(() => null) : null;
    handedOver.current = true;
    const live = (track: MediaStreamTrack | null | undefined) => (track && track.readyState === 'live' ? track : null);
    onJoin({
      camera: mayPublish && cameraOn ? live(openedCamera ?? camera.track) : null,
      microphone: mayPublish && microphoneOn ? live(openedMicrophone ?? microphone.track) : null,
      microscope,
      devices: choice,
    });
  }

  return (
    <div className="card prejoin" data-testid="prejoin">
      <h2 className="card-title">{t('room.prejoin.title')}</h2>
      <p data-testid="prejoin-role" data-role={role}>
        {t('room.prejoin.asRole', { role: t(`room.role.${role}`) })}
      </p>
      {mayPublish ? (
        <div className="prejoin-grid">
          <div className="prejoin-preview">
            {camera.track ? (
              <video
                ref={previewRef}
                autoPlay
                playsInline
                muted
                className="tile-video is-mirrored"
                aria-label={t('room.prejoin.preview')}
                data-testid="prejoin-preview"
              />
            ) : (
              <div className="tile-avatar">
                <Icon name="videoOff" label={t('room.cameraOffTile')} />
              </div>
            )}
          </div>
          <div className="prejoin-fields">
            <DeviceSelect
              label={t('room.prejoin.camera')}
              devices={devices.cameras}
              value={choice.cameraId}
              onChange={(cameraId) => setChoice({ ...choice, cameraId })}
              empty={devices.cameras.length === 0 ? t('common.none') : undefined}
              testId="prejoin-camera"
            />
            <label className="field-check">
              <input type="checkbox" checked={cameraOn} onChange={(e) => setCameraOn(e.target.checked)} data-testid="prejoin-camera-on" />
              {t('room.prejoin.cameraOn')}
            </label>
            <DeviceSelect
              label={t('room.prejoin.microphone')}
              devices={devices.microphones}
              value={choice.microphoneId}
              onChange={(microphoneId) => setChoice({ ...choice, microphoneId })}
              empty={devices.microphones.length === 0 ? t('common.none') : undefined}
              testId="prejoin-microphone"
            />
            <label className="field-check">
              <input
                type="checkbox"
                checked={microphoneOn}
                onChange={(e) => setMicrophoneOn(e.target.checked)}
                data-testid="prejoin-microphone-on"
              />
              {t('room.prejoin.microphoneOn')}
            </label>
            <DeviceSelect
              label={t('room.prejoin.microscope')}
              devices={devices.cameras}
              deviceLabel={t('room.prejoin.camera')}
              value={choice.microscopeId}
              onChange={(microscopeId) => setChoice({ ...choice, microscopeId })}
              empty={t('room.prejoin.noMicroscope')}
              testId="prejoin-microscope"
            />
            {(mediaError ?? noDevices) && (
              <p className="field-warning" data-testid="prejoin-media-error">
                {mediaError ?? noDevices}
              </p>
            )}
          </div>
        </div>
      ) : (
        <p className="muted" data-testid="prejoin-trainee">
          {t('room.prejoin.traineeHint')}
        </p>
      )}
      <button type="button" className="btn btn-primary" disabled={joining} onClick={() => void join()} data-testid="room-join">
        {joining ? t('room.prejoin.joining') : t('room.prejoin.join')}
      </button>
    </div>
  );
}
