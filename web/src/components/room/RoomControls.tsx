import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { canModerate, canProduce, canRaiseHand, canShareStill, type MediaSource, type PermissionSubject } from '@contract';
import { canShareScreen, listDevices, openAudio, openScreen, openVideo, type DeviceChoice } from '../../rtc/local-media';
import type { RoomClient } from '../../rtc/room-client';
import { allows, type RoomState } from '../../rtc/room-state';
import { Icon } from '../Icon';
import { CaptureStillButton } from './CaptureStillButton';
import { DeviceOptions } from './DeviceSelect';
import type { StillTarget } from './StillView';

interface Props {
  client: RoomClient;
  state: RoomState;
  /** The devices chosen before joining (the microscope may be changed here). */
  devices: DeviceChoice;
  now: number;
  /** The specimen has photos to share as the still. */
  hasImages: boolean;
  onPickStill: () => void;
  /** Where a captured still is saved; null: capturing is not offered. */
  stillTarget: StillTarget | null;
  /** Runs an action, showing what went wrong. */
  run: (action: () => Promise<unknown>) => void;
  onError: (error: unknown) => void;
}

/** The controls bar: what this person may send, their hand, the still, leaving, and (hosts) ending the room. */
export function RoomControls({ client, state, devices, now, hasImages, onPickStill, stillTarget, run, onError }: Props) {
  const { t } = useTranslation();
  const [microscopeId, setMicroscopeId] = useState(devices.microscopeId);
  const [videoInputs, setVideoInputs] = useState<MediaDeviceInfo[]>([]);
  const me = state.me;
  const may = (permission: (subject: PermissionSubject) => boolean) => allows(state, permission);
  const mayProduce = (source: MediaSource) => may((subject) => canProduce(subject, source, now));
  const grantActive = (me?.microphoneGrantedUntil ?? 0) > now;
  const local = (source: MediaSource) => state.local.find((track) => track.source === source);
  const microphone = local('microphone');
  const camera = local('camera');
  // A capture takes the microscope, else the camera.
  const captureTrack = [local('microscope'), camera].find((track) => track && !track.paused)?.track;

  useEffect(() => {
    listDevices().then(
      ({ cameras }) => setVideoInputs(cameras),
      () => undefined,
    );
  }, []);

  /** Starts sending `source` (a track from `open`); once sent, pauses and resumes it, or stops it. */
  async function toggle(source: MediaSource, open: () => Promise<MediaStreamTrack | null>, whenSent: 'pause' | 'stop'): Promise<void> {
    const current = local(source);
    if (current && whenSent === 'pause') return client.setPaused(source, !current.paused);
    if (current) return client.unpublish(source);
    const track = await open();
    if (track) await client.publish(source, track);
  }
  const toggleMicrophone = () => toggle('microphone', () => openAudio(devices.microphoneId), 'pause');
  const toggleCamera = () => toggle('camera', () => openVideo(devices.cameraId), 'pause');
  const toggleMicroscope = () => toggle('microscope', () => openVideo(microscopeId), 'stop');
  const toggleScreen = () => toggle('screen', openScreen, 'stop');

  return (
    <div className="room-controls" role="toolbar" aria-label={t('room.controls.label')} data-testid="room-controls">
      {mayProduce('microphone') && (
        <button
          type="button"
          className={`btn ${microphone && !microphone.paused ? 'btn-secondary' : 'btn-primary'}`}
          onClick={() => run(toggleMicrophone)}
          data-testid="control-mic"
          data-state={microphone ? (microphone.paused ? 'muted' : 'on') : 'off'}
        >
          <Icon name={microphone && !microphone.paused ? 'microphone' : 'microphoneOff'} />
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
          <Icon name={camera && !camera.paused ? 'video' : 'videoOff'} />
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
            <DeviceOptions devices={videoInputs} unnamed={t('room.prejoin.camera')} />
          </select>
          <button type="button" className="btn btn-secondary" onClick={() => run(toggleMicroscope)} data-testid="control-microscope">
            <Icon name="microscope" />
            {local('microscope') ? t('room.controls.stopMicroscope') : t('room.controls.startMicroscope')}
          </button>
        </span>
      )}
      {mayProduce('screen') && canShareScreen() && (
        <button type="button" className="btn btn-secondary" onClick={() => run(toggleScreen)} data-testid="control-screen">
          <Icon name="screen" />
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
          <Icon name="hand" />
          {me?.handRaised ? t('room.controls.lowerHand') : t('room.controls.raiseHand')}
        </button>
      )}
      {may(canShareStill) && hasImages && (
        <button type="button" className="btn btn-secondary" onClick={onPickStill} data-testid="control-still">
          <Icon name="image" />
          {t('room.controls.shareStill')}
        </button>
      )}
      {may(canShareStill) && stillTarget && captureTrack && (
        <CaptureStillButton track={captureTrack} target={stillTarget} onShare={(imageId) => client.shareStill(imageId)} onError={onError} />
      )}
      <span className="control-spacer" />
      <button type="button" className="btn btn-secondary" onClick={() => client.leave()} data-testid="control-leave">
        <Icon name="leave" />
        {t('room.controls.leave')}
      </button>
      {may((subject) => canModerate(subject, 'end')) && (
        <button type="button" className="btn btn-danger" onClick={() => run(() => client.end())} data-testid="control-end">
          <Icon name="power" />
          {t('room.controls.end')}
        </button>
      )}
    </div>
  );
}
