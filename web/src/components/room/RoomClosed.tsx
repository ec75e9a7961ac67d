import { useTranslation } from 'react-i18next';
import type { ClosedReason } from '../../rtc/room-state';
import { RoomBackLink } from './RoomBackLink';

/** Why the person is no longer in the room, and the way back in (unless the room ended or refused them). */
export function RoomClosed({
  reason,
  error,
  specimenId,
  onRejoin,
}: {
  reason: ClosedReason;
  error: string | null;
  specimenId: string | null;
  onRejoin: () => void;
}) {
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
        <RoomBackLink specimenId={specimenId} className="btn btn-secondary">
          {t('room.closed.back')}
        </RoomBackLink>
      </div>
    </div>
  );
}
