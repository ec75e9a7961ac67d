import { useTranslation } from 'react-i18next';
import type { RoomRefusal } from '@contract';
import { RoomBackLink } from './RoomBackLink';

/** In place of the pre-join screen when the server would refuse the person a room token: no devices are opened. */
export function JoinRefused({ refusal, specimenId }: { refusal: RoomRefusal; specimenId: string | null }) {
  const { t } = useTranslation();
  return (
    <div className="card" data-testid="join-refused" data-refusal={refusal}>
      <h2 className="card-title">{t('room.refused.title')}</h2>
      <p>{t(`room.refused.${refusal}`)}</p>
      <RoomBackLink specimenId={specimenId} className="btn btn-secondary">
        {t('room.closed.back')}
      </RoomBackLink>
    </div>
  );
}
