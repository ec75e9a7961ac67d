// #/rooms/:id — a live room (ADR 0009): pre-join device check, then video tiles, controls, participants,
// chat and the shared specimen still with annotations (components/room). The connection itself is RoomClient's.
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client';
import { canModerate, type User } from '@contract';
import { ErrorMessage } from '../components/ErrorMessage';
import { InRoom } from '../components/room/InRoom';
import { JoinRefused } from '../components/room/JoinRefused';
import { PreJoin } from '../components/room/PreJoin';
import { RoomClosed } from '../components/room/RoomClosed';
import { RoomBackLink } from '../components/room/RoomBackLink';
import { RoomHeader } from '../components/room/RoomHeader';
import { useRoomConnection, useRoomDetail, useRoomState } from '../components/room/room-hooks';
import { RoomRecordView } from '../components/room/RoomRecordView';
import { RoomRecordings } from '../components/room/RoomRecordings';
import { allows } from '../rtc/room-state';
import { Icon } from '../components/Icon';

export function RoomPage({ id, user }: { id: string; user: User }) {
  const { t } = useTranslation();
  const { detail, specimen, loadError } = useRoomDetail(id);
  const { client, devices, join, reset } = useRoomConnection(id);
  const state = useRoomState(client);

  if (loadError) {
    const notFound = loadError instanceof ApiError && loadError.status === 404;
    return (
      <section className="page">
        <p>
          <RoomBackLink specimenId={null}>
            <Icon name="arrowLeft" /> {t('common.back')}
          </RoomBackLink>
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

  const joined = client !== null && state.phase === 'joined';

  return (
    <section className="page room-page" data-testid="room-page" data-room-id={id} data-phase={client ? state.phase : 'idle'}>
      <RoomHeader detail={detail} state={client ? state : null} />
      {!detail.room.active && !client ? (
        <>
          <p className="empty" data-testid="room-ended">
            {t('room.endedNotice')}
          </p>
          <RoomRecordView roomId={id} />
        </>
      ) : !client ? (
        // The server says who joins as what: a person it would refuse is told so before any device is opened.
        detail.access.role === null ? (
          <JoinRefused refusal={detail.access.refusal} specimenId={detail.room.specimenId} />
        ) : (
          <PreJoin subject={{ kind: detail.room.kind, role: detail.access.role }} onJoin={join} />
        )
      ) : state.phase === 'closed' ? (
        <RoomClosed reason={state.closedReason ?? 'failed'} error={state.error} specimenId={detail.room.specimenId} onRejoin={reset} />
      ) : (
        <InRoom client={client} state={state} detail={detail} specimen={specimen} user={user} devices={devices} />
      )}
      <RoomRecordings
        roomId={id}
        canRecord={joined && allows(state, (subject) => canModerate(subject, 'record'))}
        recording={client ? state.recording : null}
      />
    </section>
  );
}
