import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { captureFrame } from '../../rtc/frame-capture';
import { saveOntoSpecimen, type StillTarget } from './StillView';
import { Icon } from '../Icon';

interface Props {
  /** The person's own camera or microscope track, as it is being sent. */
  track: MediaStreamTrack;
  target: StillTarget;
  /** Shares the new specimen image as the room's still. */
  onShare: (imageId: string) => Promise<unknown>;
  onError: (error: unknown) => void;
}

/** "Capture from camera": the current frame of `track`, saved onto the specimen as a JPEG, then shared as the still. */
export function CaptureStillButton({ track, target, onShare, onError }: Props) {
  const { t } = useTranslation();
  const [capturing, setCapturing] = useState(false);

  async function capture(): Promise<void> {
    setCapturing(true);
    try {
      const frame = await captureFrame(track);
      const image = await saveOntoSpecimen(
        target,
        frame,
        `camera-still-${new Date().toISOString().replace(/[:.]/g, '-')}.jpg`,
        'camera-still',
      );
      await onShare(image.id);
    } catch (error) {
      onError(error);
    } finally {
      setCapturing(false);
    }
  }

  return (
    <button type="button" className="btn btn-secondary" disabled={capturing} onClick={() => void capture()} data-testid="still-capture">
      <Icon name="camera" /> {capturing ? t('room.still.capturing') : t('room.controls.captureStill')}
    </button>
  );
}
