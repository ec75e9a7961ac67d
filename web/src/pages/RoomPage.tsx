// #/rooms/:id — a live room (ADR 0009): pre-join device check, then video tiles, controls, participants,
// chat and the shared specimen still with annotations. The connection itself is RoomClient's.
import { useEffect, useRef, useState, useSyncExternalStore, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../api/client';
import { canAnnotate, canModerate, canProduce, canRaiseHand, canShareStill, MEDIA_SOURCES } from '@contract';
import type { MediaSource, ModerationAction, PeerInfo, PermissionSubject, RoomDetail, RoomRole, Specimen, User, VectorGroup } from '@contract';
import { ErrorMessage, useErrorText } from '../components/ErrorMessage';
import { CaptureStillButton } from '../components/room/CaptureStillButton';
import { StillView, type StillTarget } from '../components/room/StillView';
import { RoomRecordings } from '../components/room/RoomRecordings';
import { QualityDot, RemoteAudio, VideoTile } from '../components/room/VideoTile';
import { EnumSelect } from '../components/Select';
import { formatDateTime } from '../format';
import { useLanguage } from '../i18n';
import { mergeSpecimen } from '../identification';
import { useLiveEvent } from '../live';
import { RoomClient, type RoomTestHook } from '../rtc/room-client';
import { subjectOf, type ClosedReason, type RoomState } from '../rtc/room-state';
import { specimenHref } from '../router';

declare global {
  interface Window {
    /** The open room's test hook (end-to-end tests read statistics and cut the connection through it). */
    __vectordeskRoom?: RoomTestHook;
  }
}

interface Props {
  id: string;
  user: User;
}

const IDLE_STATE_CLIENT = new RoomClient('');

function useRoomState(client: RoomClient | null): RoomState {
  const source = client ?? IDLE_STATE_CLIENT;
  return useSyncExternalStore(source.subscribe, source.getState, source.getState);
}

/** The current time, ticking every second while `active`. */
function useNow(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [active]);
  return active ? now : Date.now();
}

/** The role the API will give this person (the token decides; this only shapes the pre-join screen). */
function expectedRole(detail: RoomDetail, user: User): RoomRole {
  const own = detail.room.createdBy.id === user.id || user.role === 'admin';
  if (own) return 'host';
  return detail.room.kind === 'consultation' ? 'participant' : 'trainee';
}

interface JoinMedia {
  camera: MediaStreamTrack | null;
  microphone: MediaStreamTrack | null;
  microscope: MediaStreamTrack | null;
  devices: DeviceChoice;
}

interface DeviceChoice {
  cameraId: string;
  microphoneId: string;
  microscopeId: string;
}

const CAMERA_CONSTRAINTS: MediaTrackConstraints = { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } };

function videoConstraints(deviceId: string): MediaTrackConstraints {
  return deviceId ? { ...CAMERA_CONSTRAINTS, deviceId: { exact: deviceId } } : CAMERA_CONSTRAINTS;
}

function audioConstraints(deviceId: string): MediaTrackConstraints | boolean {
  return deviceId ? { deviceId: { exact: deviceId } } : true;
}

export function RoomPage({ id, user }: Props) {
  const { t } = useTranslation();
  const [detail, setDetail] = useState<RoomDetail | null>(null);
  const [specimen, setSpecimen] = useState<Specimen | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [client, setClient] = useState<RoomClient | null>(null);
  const [devices, setDevices] = useState<DeviceChoice>({ cameraId: '', microphoneId: '', microscopeId: '' });
  const state = useRoomState(client);

  useEffect(() => {
    const controller = new AbortController();
    api.getRoom({ params: { id } }, { signal: controller.signal }).then(
      (loaded) => {
        setDetail(loaded);
        if (loaded.room.specimenId) {
          api.getSpecimen({ params: { id: loaded.room.specimenId } }, { signal: controller.signal }).then(setSpecimen, () => undefined);
        }
      },
      (error: unknown) => {
        if (!controller.signal.aborted) setLoadError(error);
      },
    );
    return () => controller.abort();
  }, [id]);
  // Photos added meanwhile (a still saved onto the specimen) become choices of the still picker.
  useLiveEvent('specimen.updated', ({ specimen: pushed }) => setSpecimen((current) => (current?.id === pushed.id ? mergeSpecimen(current, pushed) : current)));

  // Leaving the page leaves the room; the test hook follows the open client.
  useEffect(() => {
    if (!client) return;
    const hook = client.testHook();
    window.__vectordeskRoom = hook;
    return () => {
      client.leave();
      if (window.__vectordeskRoom === hook) delete window.__vectordeskRoom;
    };
  }, [client]);

  function join(media: JoinMedia): void {
    const next = new RoomClient(id);
    setDevices(media.devices);
    // Published before joining: sent as soon as the room is joined.
    for (const source of ['camera', 'microphone', 'microscope'] as const) {
      const track = media[source];
      if (track) next.publish(source, track).catch(() => undefined);
    }
    setClient(next);
    next.join().catch(() => undefined); // a failure shows as the closed state with its reason
  }

  if (loadError) {
    const notFound = loadError instanceof ApiError && loadError.status === 404;
    return (
      <section className="page">
        <p>
          <a href="#/specimens">← {t('common.back')}</a>
        </p>
        {notFound ? (
          <p className="empty" data-testid="room-not-found">
            {t('room.notFound')}
          </p>
        ) : (
          <ErrorMessage error={loadError} />
        )}
      </section>
    );
  }
  if (!detail) {
    return (
      <section className="page">
        <p className="muted">{t('room.loading')}</p>
      </section>
    );
  }

  const back = detail.room.specimenId ? specimenHref(detail.room.specimenId) : '#/specimens';
  const subject = client && state.phase === 'joined' ? subjectOf(state) : null;

  return (
    <section className="page room-page" data-testid="room-page" data-room-id={id} data-phase={client ? state.phase : 'idle'}>
      <RoomHeader detail={detail} state={client ? state : null} back={back} />
      {!detail.room.active && !client ? (
        <p className="empty" data-testid="room-ended">
          {t('room.endedNotice')}
        </p>
      ) : !client ? (
        <PreJoin subject={{ kind: detail.room.kind, role: expectedRole(detail, user) }} onJoin={join} />
      ) : state.phase === 'closed' ? (
        <ClosedView reason={state.closedReason ?? 'failed'} error={state.error} back={back} onRejoin={() => setClient(null)} />
      ) : (
        <InRoom client={client} state={state} detail={detail} specimen={specimen} user={user} devices={devices} />
      )}
      <RoomRecordings roomId={id} canRecord={subject !== null && canModerate(subject, 'record')} recording={client ? state.recording : null} />
    </section>
  );
}

function RoomHeader({ detail, state, back }: { detail: RoomDetail; state: RoomState | null; back: string }) {
  const { t } = useTranslation();
  const phase = state?.phase ?? 'idle';
  return (
    <>
      <p>
        <a href={back}>← {detail.room.specimenId ? t('room.specimenLink') : t('common.back')}</a>
      </p>
      <div className="page-head room-head">
        <h1 className="page-title" data-testid="room-title">
          {detail.room.title}
        </h1>
        <span className="badge" data-testid="room-kind" data-kind={detail.room.kind}>
          {t(`room.kind.${detail.room.kind}`)}
        </span>
        {state?.me && (
          <span className="badge" data-testid="room-role" data-role={state.me.role}>
            {t(`room.role.${state.me.role}`)}
          </span>
        )}
        <span className={`room-phase phase-${phase}`} data-testid="room-phase" data-phase={phase}>
          {t(`room.phase.${phase}`)}
        </span>
        {state?.phase === 'joined' && <QualityDot quality={state.myQuality} testId="my-quality" />}
        {state?.recording && (
          <span className="badge badge-recording" title={t('recordings.notice', { name: state.recording.startedBy })} data-testid="room-recording-indicator">
            {t('recordings.indicator')}
          </span>
        )}
      </div>
    </>
  );
}

// ---- before joining ---------------------------------------------------------------------------------

/** A labelled choice of media device; unnamed devices are numbered (`deviceLabel` 1, 2 …). */
function DeviceSelect(props: { label: string; devices: MediaDeviceInfo[]; deviceLabel?: string; value: string; onChange: (deviceId: string) => void; empty: string | undefined; testId: string }) {
  const { label, devices, value, onChange, empty, testId } = props;
  const deviceLabel = props.deviceLabel ?? label;
  return (
    <label className="field">
      <span className="field-label">{label}</span>
      <select value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId}>
        {empty !== undefined && <option value="">{empty}</option>}
        {devices.map((device, i) => (
          <option key={device.deviceId || i} value={device.deviceId}>
            {device.label || `${deviceLabel} ${i + 1}`}
          </option>
        ))}
      </select>
    </label>
  );
}

function PreJoin({ subject, onJoin }: { subject: PermissionSubject; onJoin: (media: JoinMedia) => void }) {
  const { t } = useTranslation();
  const { role } = subject;
  const mayPublish = MEDIA_SOURCES.some((source) => canProduce(subject, source));
  const [cameras, setCameras] = useState<MediaDeviceInfo[]>([]);
  const [microphones, setMicrophones] = useState<MediaDeviceInfo[]>([]);
  const [choice, setChoice] = useState<DeviceChoice>({ cameraId: '', microphoneId: '', microscopeId: '' });
  const [cameraOn, setCameraOn] = useState(true);
  const [microphoneOn, setMicrophoneOn] = useState(true);
  const [camera, setCamera] = useState<MediaStreamTrack | null>(null);
  const [microphone, setMicrophone] = useState<MediaStreamTrack | null>(null);
  const [mediaError, setMediaError] = useState<string | null>(null);
  const [joining, setJoining] = useState(false);
  const handedOver = useRef(false);
  const previewRef = useRef<HTMLVideoElement>(null);
  /** The camera and microphone being opened now: joining waits for them, so what was chosen is what is sent. */
  const pending = useRef<{ camera: Promise<MediaStreamTrack | null> | null; microphone: Promise<MediaStreamTrack | null> | null }>({ camera: null, microphone: null });

  // Device list (labels appear once the browser has granted access, so ask for the preview first).
  useEffect(() => {
    if (!mayPublish) return;
    let cancelled = false;
    const mediaDevices = navigator.mediaDevices as MediaDevices | undefined;
    if (!mediaDevices?.enumerateDevices) {
      setMediaError(t('room.prejoin.noDevices'));
      return;
    }
    const list = async () => {
      const all = await mediaDevices.enumerateDevices();
      if (cancelled) return;
      setCameras(all.filter((device) => device.kind === 'videoinput'));
      setMicrophones(all.filter((device) => device.kind === 'audioinput'));
    };
    mediaDevices.addEventListener('devicechange', () => void list());
    void list();
    return () => {
      cancelled = true;
    };
  }, [mayPublish, t]);

  // Preview: a fresh camera track whenever the choice changes.
  useEffect(() => {
    if (!mayPublish || !cameraOn) {
      setCamera(null);
      pending.current.camera = null;
      return;
    }
    let cancelled = false;
    let acquired: MediaStreamTrack | null = null;
    pending.current.camera = (navigator.mediaDevices?.getUserMedia({ video: videoConstraints(choice.cameraId) }) ?? Promise.reject(new Error('no media devices')))
      .then(async (stream) => {
        acquired = stream.getVideoTracks()[0] ?? null;
        if (cancelled) {
          acquired?.stop();
          return null;
        }
        setCamera(acquired);
        setMediaError(null);
        const all = await navigator.mediaDevices.enumerateDevices();
        if (!cancelled) {
          setCameras(all.filter((device) => device.kind === 'videoinput'));
          setMicrophones(all.filter((device) => device.kind === 'audioinput'));
        }
        return acquired;
      })
      .catch((error: unknown) => {
        if (!cancelled) setMediaError(t('room.prejoin.mediaError', { message: error instanceof Error ? error.message : String(error) }));
        return null;
      });
    return () => {
      cancelled = true;
      if (acquired && !handedOver.current) acquired.stop();
    };
  }, [mayPublish, cameraOn, choice.cameraId, t]);

  useEffect(() => {
    if (!mayPublish || !microphoneOn) {
      setMicrophone(null);
      pending.current.microphone = null;
      return;
    }
    let cancelled = false;
    let acquired: MediaStreamTrack | null = null;
    pending.current.microphone = (navigator.mediaDevices?.getUserMedia({ audio: audioConstraints(choice.microphoneId) }) ?? Promise.reject(new Error('no media devices')))
      .then((stream) => {
        acquired = stream.getAudioTracks()[0] ?? null;
        if (cancelled) {
          acquired?.stop();
          return null;
        }
        setMicrophone(acquired);
        return acquired;
      })
      .catch((error: unknown) => {
        if (!cancelled) setMediaError(t('room.prejoin.mediaError', { message: error instanceof Error ? error.message : String(error) }));
        return null;
      });
    return () => {
      cancelled = true;
      if (acquired && !handedOver.current) acquired.stop();
    };
  }, [mayPublish, microphoneOn, choice.microphoneId, t]);

  useEffect(() => {
    const video = previewRef.current;
    if (!video) return;
    video.srcObject = camera ? new MediaStream([camera]) : null;
  }, [camera]);

  async function join(): Promise<void> {
    setJoining(true);
    const [openedCamera, openedMicrophone] = mayPublish ? await Promise.all([pending.current.camera, pending.current.microphone]) : [null, null];
    let microscope: MediaStreamTrack | null = null;
    if (mayPublish && choice.microscopeId) {
      microscope = await navigator.mediaDevices
        .getUserMedia({ video: videoConstraints(choice.microscopeId) })
        .then((stream) => stream.getVideoTracks()[0] ?? null)
        .catch(() => null);
    }
    handedOver.current = true;
    const live = (track: MediaStreamTrack | null | undefined) => (track && track.readyState === 'live' ? track : null);
    onJoin({
      camera: mayPublish && cameraOn ? live(openedCamera ?? camera) : null,
      microphone: mayPublish && microphoneOn ? live(openedMicrophone ?? microphone) : null,
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
            {camera ? (
              <video ref={previewRef} autoPlay playsInline muted className="tile-video is-mirrored" aria-label={t('room.prejoin.preview')} data-testid="prejoin-preview" />
            ) : (
              <div className="tile-avatar" aria-hidden="true">
                ⦸
              </div>
            )}
          </div>
          <div className="prejoin-fields">
            <DeviceSelect
              label={t('room.prejoin.camera')}
              devices={cameras}
              value={choice.cameraId}
              onChange={(cameraId) => setChoice({ ...choice, cameraId })}
              empty={cameras.length === 0 ? t('common.none') : undefined}
              testId="prejoin-camera"
            />
            <label className="field-check">
              <input type="checkbox" checked={cameraOn} onChange={(e) => setCameraOn(e.target.checked)} data-testid="prejoin-camera-on" />
              {t('room.prejoin.cameraOn')}
            </label>
            <DeviceSelect
              label={t('room.prejoin.microphone')}
              devices={microphones}
              value={choice.microphoneId}
              onChange={(microphoneId) => setChoice({ ...choice, microphoneId })}
              empty={microphones.length === 0 ? t('common.none') : undefined}
              testId="prejoin-microphone"
            />
            <label className="field-check">
              <input type="checkbox" checked={microphoneOn} onChange={(e) => setMicrophoneOn(e.target.checked)} data-testid="prejoin-microphone-on" />
              {t('room.prejoin.microphoneOn')}
            </label>
            <DeviceSelect
              label={t('room.prejoin.microscope')}
              devices={cameras}
              deviceLabel={t('room.prejoin.camera')}
              value={choice.microscopeId}
              onChange={(microscopeId) => setChoice({ ...choice, microscopeId })}
              empty={t('room.prejoin.noMicroscope')}
              testId="prejoin-microscope"
            />
            {mediaError && (
              <p className="field-warning" data-testid="prejoin-media-error">
                {mediaError}
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

function ClosedView({ reason, error, back, onRejoin }: { reason: ClosedReason; error: string | null; back: string; onRejoin: () => void }) {
  const { t } = useTranslation();
  return (
    <div className="card" data-testid="room-closed" data-reason={reason}>
      <p>{t(`room.closed.${reason}`)}</p>
      {error && reason !== 'left' && <p className="muted small">{error}</p>}
      <div className="room-closed-actions">
        {reason !== 'ended' && reason !== 'forbidden' && (
          <button type="button" className="btn btn-primary" onClick={onRejoin} data-testid="room-rejoin">
            {t('room.closed.rejoin')}
          </button>
        )}
        <a className="btn btn-secondary" href={back}>
          {t('room.closed.back')}
        </a>
      </div>
    </div>
  );
}

// ---- in the room -------------------------------------------------------------------------------------

interface InRoomProps {
  client: RoomClient;
  state: RoomState;
  detail: RoomDetail;
  specimen: Specimen | null;
  user: User;
  devices: DeviceChoice;
}

function InRoom({ client, state, detail, specimen, user, devices }: InRoomProps) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const [actionError, setActionError] = useState<unknown>(null);
  const [picking, setPicking] = useState(false);
  const [microscopeId, setMicroscopeId] = useState(devices.microscopeId);
  const [videoInputs, setVideoInputs] = useState<MediaDeviceInfo[]>([]);
  const me = state.me;
  const subject = subjectOf(state);
  const may = (permission: (subject: PermissionSubject) => boolean) => subject !== null && permission(subject);
  const mayProduce = (source: MediaSource) => may((joined) => canProduce(joined, source, now));
  const grantActive = (me?.microphoneGrantedUntil ?? 0) > Date.now();
  const now = useNow(grantActive || state.peers.some((peer) => peer.microphoneGrantedUntil !== null));
  const images = specimen?.images ?? [];
  const local = (source: MediaSource) => state.local.find((track) => track.source === source);
  // Stills may be saved onto a consultation's specimen by anybody but trainees; a capture takes the microscope, else the camera.
  const stillTarget: StillTarget | null =
    detail.room.kind === 'consultation' && detail.room.specimenId && user.role !== 'trainee' ? { specimenId: detail.room.specimenId, roomId: detail.room.id } : null;
  const captureTrack = [local('microscope'), local('camera')].find((track) => track && !track.paused)?.track;

  useEffect(() => {
    navigator.mediaDevices
      ?.enumerateDevices()
      .then((all) => setVideoInputs(all.filter((device) => device.kind === 'videoinput')))
      .catch(() => undefined);
  }, []);

  const run = (action: () => Promise<unknown>) => {
    setActionError(null);
    action().catch((error: unknown) => setActionError(error));
  };

  async function toggleMicrophone(): Promise<void> {
    const current = local('microphone');
    if (current) return client.setPaused('microphone', !current.paused);
    const stream = await navigator.mediaDevices.getUserMedia({ audio: audioConstraints(devices.microphoneId) });
    const track = stream.getAudioTracks()[0];
    if (track) await client.publish('microphone', track);
  }

  async function toggleCamera(): Promise<void> {
    const current = local('camera');
    if (current) return client.setPaused('camera', !current.paused);
    const stream = await navigator.mediaDevices.getUserMedia({ video: videoConstraints(devices.cameraId) });
    const track = stream.getVideoTracks()[0];
    if (track) await client.publish('camera', track);
  }

  async function toggleMicroscope(): Promise<void> {
    if (local('microscope')) {
      client.unpublish('microscope');
      return;
    }
    const stream = await navigator.mediaDevices.getUserMedia({ video: videoConstraints(microscopeId) });
    const track = stream.getVideoTracks()[0];
    if (track) await client.publish('microscope', track);
  }

  async function toggleScreen(): Promise<void> {
    if (local('screen')) {
      client.unpublish('screen');
      return;
    }
    const stream = await navigator.mediaDevices.getDisplayMedia({ video: { frameRate: 15 }, audio: false });
    const track = stream.getVideoTracks()[0];
    if (track) await client.publish('screen', track);
  }

  const microphone = local('microphone');
  const camera = local('camera');
  const remoteVideos = state.remote.filter((track) => track.kind === 'video');
  const remoteAudios = state.remote.filter((track) => track.kind === 'audio');
  const localVideos = state.local.filter((track) => track.source !== 'microphone');
  const oneLarge = remoteVideos.length === 1 && !state.still;

  return (
    <div className={`room${state.still ? ' has-still' : ''}`}>
      <div className="room-main">
        {state.phase !== 'joined' && (
          <p className="alert room-status" data-testid="room-connecting">
            {t(`room.phase.${state.phase}`)} {state.error && <span className="muted small">({state.error})</span>}
          </p>
        )}
        {actionError !== null && (
          <p className="alert alert-error" role="alert" data-testid="room-error">
            {t('room.error', { message: errorText(actionError) })}
          </p>
        )}
        {state.still && me && (
          <StillView
            still={state.still}
            annotations={state.annotations}
            userId={user.id}
            canAnnotate={may(canAnnotate)}
            saveTarget={stillTarget}
            onAnnotate={(annotation) => client.annotate(annotation)}
            onClear={() => client.clearAnnotations()}
            onError={setActionError}
          />
        )}
        <div className={`tiles${state.still ? ' is-strip' : ''}`} data-testid="room-tiles">
          {localVideos.map((track) => (
            <VideoTile
              key={`local-${track.source}`}
              track={track.track}
              name={t('room.you', { name: user.displayName })}
              label={t(`room.source.${track.source}`)}
              local
              paused={track.paused}
              micMuted={!microphone || microphone.paused}
              speaking={me !== null && state.activeSpeaker === me.peerId}
              testId="local-tile"
              data={{ source: track.source }}
            />
          ))}
          {state.peers.map((peer) => {
            const videos = remoteVideos.filter((track) => track.peerId === peer.peerId);
            const audio = remoteAudios.find((track) => track.peerId === peer.peerId);
            const common = {
              name: peer.displayName,
              speaking: state.activeSpeaker === peer.peerId,
              quality: state.quality[peer.peerId] ?? 'unknown',
              micMuted: !audio || audio.paused,
            } as const;
            if (videos.length === 0) {
              return <VideoTile key={peer.peerId} track={null} {...common} testId="remote-tile" data={{ 'peer-id': peer.peerId, source: 'none' }} />;
            }
            return videos.map((video) => (
              <VideoTile
                key={video.consumerId}
                track={video.track}
                {...common}
                label={t(`room.source.${video.source}`)}
                paused={video.paused}
                large={oneLarge}
                testId="remote-tile"
                data={{ 'peer-id': peer.peerId, source: video.source, 'producer-id': video.producerId }}
                onWidth={(width) => client.setTileWidth(video.producerId, width)}
                onFirstFrame={() => client.noteFirstFrame()}
              />
            ));
          })}
        </div>
        {remoteAudios.map((track) => (
          <RemoteAudio key={track.consumerId} track={track.track} peerId={track.peerId} />
        ))}

        <div className="room-controls" role="toolbar" aria-label={t('room.controls.label')} data-testid="room-controls">
          {mayProduce('microphone') && (
            <button
              type="button"
              className={`btn ${microphone && !microphone.paused ? 'btn-secondary' : 'btn-primary'}`}
              onClick={() => run(toggleMicrophone)}
              data-testid="control-mic"
              data-state={microphone ? (microphone.paused ? 'muted' : 'on') : 'off'}
            >
              {microphone ? (microphone.paused ? t('room.controls.unmute') : t('room.controls.mute')) : t('room.controls.startMicrophone')}
            </button>
          )}
          {grantActive && me?.microphoneGrantedUntil && (
            <span className="badge" data-testid="grant-remaining">
              {t('room.controls.grantActive', { seconds: Math.max(0, Math.ceil((me.microphoneGrantedUntil - now) / 1000)) })}
            </span>
          )}
          {mayProduce('camera') && (
            <button
              type="button"
              className="btn btn-secondary"
              onClick={() => run(toggleCamera)}
              data-testid="control-camera"
              data-state={camera ? (camera.paused ? 'paused' : 'on') : 'off'}
            >
              {camera && !camera.paused ? t('room.controls.stopCamera') : t('room.controls.startCamera')}
            </button>
          )}
          {mayProduce('microscope') && (
            <span className="control-group">
              <select
                value={microscopeId}
                onChange={(e) => setMicroscopeId(e.target.value)}
                aria-label={t('room.controls.microscopeDevice')}
                disabled={Boolean(local('microscope'))}
                data-testid="microscope-device"
              >
                {videoInputs.map((device, i) => (
                  <option key={device.deviceId || i} value={device.deviceId}>
                    {device.label || `${t('room.prejoin.camera')} ${i + 1}`}
                  </option>
                ))}
              </select>
              <button type="button" className="btn btn-secondary" onClick={() => run(toggleMicroscope)} data-testid="control-microscope">
                {local('microscope') ? t('room.controls.stopMicroscope') : t('room.controls.startMicroscope')}
              </button>
            </span>
          )}
          {mayProduce('screen') && typeof navigator.mediaDevices?.getDisplayMedia === 'function' && (
            <button type="button" className="btn btn-secondary" onClick={() => run(toggleScreen)} data-testid="control-screen">
              {local('screen') ? t('room.controls.stopScreen') : t('room.controls.shareScreen')}
            </button>
          )}
          {may(canRaiseHand) && (
            <button
              type="button"
              className="btn btn-secondary"
              onClick={() => run(() => client.raiseHand(!me?.handRaised))}
              data-testid="control-hand"
              data-raised={me?.handRaised ? 'true' : 'false'}
            >
              {me?.handRaised ? t('room.controls.lowerHand') : t('room.controls.raiseHand')}
            </button>
          )}
          {may(canShareStill) && images.length > 0 && (
            <button type="button" className="btn btn-secondary" onClick={() => setPicking(!picking)} data-testid="control-still">
              {t('room.controls.shareStill')}
            </button>
          )}
          {may(canShareStill) && stillTarget && captureTrack && (
            <CaptureStillButton track={captureTrack} target={stillTarget} onShare={(imageId) => client.shareStill(imageId)} onError={setActionError} />
          )}
          <span className="control-spacer" />
          <button type="button" className="btn btn-secondary" onClick={() => client.leave()} data-testid="control-leave">
            {t('room.controls.leave')}
          </button>
          {may((joined) => canModerate(joined, 'end')) && (
            <button type="button" className="btn btn-danger" onClick={() => run(() => client.end())} data-testid="control-end">
              {t('room.controls.end')}
            </button>
          )}
        </div>

        {picking && (
          <div className="card still-picker" data-testid="still-picker">
            <h2 className="card-title">{t('room.still.pick')}</h2>
            <p className="muted small">{t('room.still.pickHint')}</p>
            {images.length === 0 ? (
              <p className="muted">{t('room.still.noImages')}</p>
            ) : (
              <ul className="gallery">
                {images.map((image) => (
                  <li key={image.id} className="gallery-item">
                    <button
                      type="button"
                      className="still-option"
                      onClick={() => {
                        setPicking(false);
                        run(() => client.shareStill(image.id));
                      }}
                      data-testid="still-option"
                      data-image-id={image.id}
                    >
                      <img src={image.thumbnailUrl} alt={image.originalFilename ?? ''} />
                    </button>
                  </li>
                ))}
              </ul>
            )}
            <button type="button" className="btn btn-ghost" onClick={() => setPicking(false)}>
              {t('room.still.cancel')}
            </button>
          </div>
        )}
      </div>

      <aside className="room-side">
        <Participants client={client} state={state} detail={detail} now={now} onError={setActionError} />
        <Chat client={client} state={state} userId={user.id} onError={setActionError} />
        {/* The API's rule: the consultation's host records its outcome. */}
        {me?.role === 'host' && detail.room.kind === 'consultation' && <IdentificationForm roomId={detail.room.id} />}
      </aside>
    </div>
  );
}

function Participants({
  client,
  state,
  detail,
  now,
  onError,
}: {
  client: RoomClient;
  state: RoomState;
  detail: RoomDetail;
  now: number;
  onError: (error: unknown) => void;
}) {
  const { t } = useTranslation();
  const subject = subjectOf(state);
  const mayModerate = (action: ModerationAction) => subject !== null && canModerate(subject, action);
  const moderates = mayModerate('mute') || mayModerate('remove');
  const act = (action: Promise<unknown>) => void action.catch(onError);
  const everyone: (PeerInfo & { self: boolean })[] = [
    ...(state.me ? [{ ...state.me, self: true }] : []),
    ...[...state.peers].sort((a, b) => Number(b.handRaised) - Number(a.handRaised)).map((peer) => ({ ...peer, self: false })),
  ];
  return (
    <div className="card room-card">
      <h2 className="card-title">{t('room.participants.title', { count: everyone.length })}</h2>
      <ul className="participants" data-testid="participants">
        {everyone.map((peer) => {
          const granted = peer.microphoneGrantedUntil !== null && peer.microphoneGrantedUntil > now;
          return (
            <li
              key={peer.peerId}
              className={`participant${state.activeSpeaker === peer.peerId ? ' is-speaking' : ''}`}
              data-testid="participant"
              data-peer-id={peer.peerId}
              data-self={peer.self ? 'true' : 'false'}
              data-role={peer.role}
              data-hand-raised={peer.handRaised ? 'true' : 'false'}
            >
              <span className="participant-name">{peer.self ? t('room.you', { name: peer.displayName }) : peer.displayName}</span>
              <span className="muted small">{t(`room.role.${peer.role}`)}</span>
              {peer.handRaised && (
                <span className="participant-hand" title={t('room.participants.handRaised')} data-testid="participant-hand">
                  ✋ {t('room.participants.handRaised')}
                </span>
              )}
              {granted && peer.microphoneGrantedUntil !== null && (
                <span className="badge">{t('room.participants.granted', { seconds: Math.ceil((peer.microphoneGrantedUntil - now) / 1000) })}</span>
              )}
              {!peer.self && moderates && (
                <span className="participant-actions">
                  {mayModerate('grant-microphone') && peer.role === 'trainee' && (
                    <button
                      type="button"
                      className="btn btn-small btn-secondary"
                      onClick={() => act(client.grantMicrophone(peer.peerId, granted ? 0 : 60))}
                      data-testid="participant-grant"
                    >
                      {granted ? t('room.participants.revoke') : t('room.participants.grant')}
                    </button>
                  )}
                  {mayModerate('mute') && (
                    <button type="button" className="btn btn-small btn-secondary" onClick={() => act(client.mute(peer.peerId))} data-testid="participant-mute">
                      {t('room.participants.mute')}
                    </button>
                  )}
                  {mayModerate('remove') && (
                    <button type="button" className="btn btn-small btn-secondary" onClick={() => act(client.remove(peer.peerId))} data-testid="participant-remove">
                      {t('room.participants.remove')}
                    </button>
                  )}
                </span>
              )}
            </li>
          );
        })}
      </ul>
    </div>
  );
}

function Chat({ client, state, userId, onError }: { client: RoomClient; state: RoomState; userId: string; onError: (error: unknown) => void }) {
  const { t } = useTranslation();
  const lng = useLanguage();
  const [text, setText] = useState('');
  const listRef = useRef<HTMLOListElement>(null);

  useEffect(() => {
    const list = listRef.current;
    if (list) list.scrollTop = list.scrollHeight;
  }, [state.chat.length]);

  function send(event: FormEvent): void {
    event.preventDefault();
    const message = text.trim();
    if (!message) return;
    client.chat(message).then(
      () => setText(''),
      (error: unknown) => onError(error),
    );
  }

  return (
    <div className="card room-card">
      <h2 className="card-title">{t('room.chat.title')}</h2>
      <ol className="chat" ref={listRef} data-testid="chat">
        {state.chat.length === 0 && <li className="muted small">{t('room.chat.empty')}</li>}
        {state.chat.map((message) => (
          <li key={message.id} className={`chat-message${message.userId === userId ? ' is-own' : ''}`} data-testid="chat-message" data-event-id={message.id}>
            <span className="chat-author">{message.displayName}</span>
            <time className="muted small" dateTime={message.at}>
              {formatDateTime(message.at, lng)}
            </time>
            <span className="chat-text pre-wrap" data-testid="chat-text">
              {typeof message.payload.text === 'string' ? message.payload.text : ''}
            </span>
          </li>
        ))}
      </ol>
      <form className="chat-form" onSubmit={send}>
        <input
          value={text}
          maxLength={4000}
          onChange={(e) => setText(e.target.value)}
          placeholder={t('room.chat.placeholder')}
          aria-label={t('room.chat.placeholder')}
          disabled={state.phase !== 'joined'}
          data-testid="chat-input"
        />
        <button type="submit" className="btn btn-primary btn-small" disabled={state.phase !== 'joined' || !text.trim()} data-testid="chat-send">
          {t('room.chat.send')}
        </button>
      </form>
    </div>
  );
}

function IdentificationForm({ roomId }: { roomId: string }) {
  const { t } = useTranslation();
  const [group, setGroup] = useState<VectorGroup>('mosquito');
  const [taxon, setTaxon] = useState('');
  const [notes, setNotes] = useState('');
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function save(event: FormEvent): Promise<void> {
    event.preventDefault();
    setSaving(true);
    setSaved(false);
    setError(null);
    try {
      await api.recordRoomIdentification({ params: { id: roomId }, body: { group, taxon: taxon.trim(), notes: notes.trim() || null } });
      setSaved(true);
    } catch (err) {
      setError(err);
    } finally {
      setSaving(false);
    }
  }

  return (
    <form className="card room-card" onSubmit={(e) => void save(e)} data-testid="room-identification">
      <h2 className="card-title">{t('room.identify.title')}</h2>
      <label className="field">
        <span className="field-label">{t('room.identify.group')}</span>
        <EnumSelect kind="group" value={group} onChange={setGroup} testId="room-identification-group" />
      </label>
      <label className="field">
        <span className="field-label">{t('room.identify.taxon')}</span>
        <input value={taxon} onChange={(e) => setTaxon(e.target.value)} required maxLength={200} data-testid="room-identification-taxon" />
      </label>
      <label className="field">
        <span className="field-label">{t('room.identify.notes')}</span>
        <textarea value={notes} onChange={(e) => setNotes(e.target.value)} maxLength={5000} rows={2} data-testid="room-identification-notes" />
      </label>
      <button type="submit" className="btn btn-primary btn-small" disabled={saving || !taxon.trim()} data-testid="room-identification-save">
        {saving ? t('common.saving') : t('room.identify.save')}
      </button>
      {saved && (
        <p className="alert alert-success" data-testid="room-identification-saved">
          {t('room.identify.saved')}
        </p>
      )}
      <ErrorMessage error={error} />
    </form>
  );
}
