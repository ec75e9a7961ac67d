import { useTranslation } from 'react-i18next';
import type { RoomDetail } from '@contract';
import type { RoomState } from '../../rtc/room-state';
import { RoomBackLink } from './RoomBackLink';
import { QualityDot } from './VideoTile';
import { Icon } from '../Icon';

/** The room's title, kind, this person's role, the connection's phase and quality, and the REC badge. */
export function RoomHeader({ detail, state }: { detail: RoomDetail; state: RoomState | null }) {
  const { t } = useTranslation();
  const phase = state?.phase ?? 'idle';
  return (
    <>
      <p>
        <RoomBackLink specimenId={detail.room.specimenId}>
          <Icon name="arrowLeft" /> {detail.room.specimenId ? t('room.specimenLink') : t('common.back')}
        </RoomBackLink>
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
          <span
            className="badge badge-recording"
            title={t('recordings.notice', { name: state.recording.startedBy })}
            data-testid="room-recording-indicator"
          >
            <Icon name="record" /> {t('recordings.indicator')}
          </span>
        )}
      </div>
    </>
  );
}
