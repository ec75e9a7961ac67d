import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import type { Room, RoomListQuery } from '@contract';
import { roomListQuery, roomQuery } from '../api/queries';
import { ScheduleClassForm } from '../components/classes/ScheduleClassForm';
import { ErrorMessage } from '../components/ErrorMessage';
import { useCurrentUser } from '../current-user';
import { formatDateTime } from '../format';
import { useLanguage } from '../i18n';

// What a trainee may join is a class they are enrolled in (upcoming or live); everyone else sees the open rooms of their scope.
const TRAINEE_ROOMS: Partial<RoomListQuery> = { active: true, kind: 'class', enrolled: true };
const OPEN_ROOMS: Partial<RoomListQuery> = { active: true };
/** The latest ended rooms whose record a person may read: a trainee's own classes, everyone else's scope. */
const ENDED_ROOMS = 20;
const endedRooms = (trainee: boolean): Partial<RoomListQuery> => ({
  active: false,
  limit: ENDED_ROOMS,
  ...(trainee ? { kind: 'class', enrolled: true } : {}),
});

/** Whether someone is in the room now (on this server), else just that it is open. */
function LiveStatus({ roomId }: { roomId: string }) {
  const { t } = useTranslation();
  const { data } = useQuery(roomQuery(roomId));
  const live = data?.live.open === true && data.live.peers > 0;
  return (
    <span className={`badge${live ? ' badge-live' : ''}`} data-testid="room-live" data-live={live ? 'true' : 'false'}>
      {live ? t('roomsPage.live', { count: data.live.peers }) : t('rooms.active')}
    </span>
  );
}

function RoomRow({ room }: { room: Room }) {
  const { t } = useTranslation();
  const lng = useLanguage();
  return (
    <tr data-testid="room-row" data-room-id={room.id} data-kind={room.kind}>
      <td data-label={t('roomsPage.kind')}>{t(`room.kind.${room.kind}`)}</td>
      <td data-label={t('roomsPage.roomTitle')}>
        <Link to="/rooms/$id" params={{ id: room.id }} className="row-link" data-testid="room-link">
          {room.title}
        </Link>
        {room.description && <div className="muted">{room.description}</div>}
      </td>
      <td data-label={t('roomsPage.createdBy')}>{room.createdBy.displayName}</td>
      <td data-label={t('classes.startsAt')} data-testid="room-starts">
        {room.scheduledAt && <time dateTime={room.scheduledAt}>{formatDateTime(room.scheduledAt, lng)}</time>}
      </td>
      <td data-label={t('roomsPage.createdAt')}>
        <time dateTime={room.createdAt}>{formatDateTime(room.createdAt, lng)}</time>
      </td>
      <td data-label={t('roomsPage.now')}>
        <LiveStatus roomId={room.id} />
      </td>
      <td className="num">
        <Link to="/rooms/$id" params={{ id: room.id }} className="btn btn-secondary btn-small" data-testid="join-room">
          {t('rooms.join')}
        </Link>
      </td>
    </tr>
  );
}

/** Rooms that ended, newest first, each opening its read-only record (participants, chat, stills, recordings). */
function EndedRooms({ trainee }: { trainee: boolean }) {
  const { t } = useTranslation();
  const lng = useLanguage();
  const { data } = useQuery(roomListQuery(endedRooms(trainee)));
  const rooms = data?.items ?? [];
  if (rooms.length === 0) return null;
  return (
    <section className="card ended-rooms" data-testid="ended-rooms">
      <h2>{t('roomsPage.ended')}</h2>
      <ul className="room-list">
        {rooms.map((room) => (
          <li key={room.id} className="room-list-item" data-testid="ended-room" data-room-id={room.id}>
            <div>
              <div className="room-list-title">
                {t(`room.kind.${room.kind}`)} · {room.title}
              </div>
              {room.endedAt && <div className="muted small">{t('roomsPage.endedAt', { time: formatDateTime(room.endedAt, lng) })}</div>}
            </div>
            <Link className="btn btn-secondary btn-small" to="/rooms/$id" params={{ id: room.id }} data-testid="room-record-link">
              {t('rooms.openRecord')}
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** `#/rooms`: the open consultations and classes the user may join; a trainee finds their classes here. */
export function RoomsPage() {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const trainee = user.role === 'trainee';
  const { data, error, isPending, refetch } = useQuery(roomListQuery(trainee ? TRAINEE_ROOMS : OPEN_ROOMS));
  const rooms = data?.items ?? [];

  return (
    <section className="page" data-testid="rooms-page">
      <h1 className="page-title">{t(trainee ? 'roomsPage.classesTitle' : 'roomsPage.title')}</h1>
      {(user.role === 'expert' || user.role === 'admin') && <ScheduleClassForm />}
      <ErrorMessage error={error} onRetry={() => void refetch()} />
      {isPending ? (
        <p className="muted">{t('common.loading')}</p>
      ) : rooms.length === 0 ? (
        !error && (
          <p className="empty" data-testid="rooms-empty">
            {t(trainee ? 'roomsPage.noClasses' : 'roomsPage.none')}
          </p>
        )
      ) : (
        <div className="table-wrap">
          <table className="data-table" data-testid="rooms-table">
            <thead>
              <tr>
                <th scope="col">{t('roomsPage.kind')}</th>
                <th scope="col">{t('roomsPage.roomTitle')}</th>
                <th scope="col">{t('roomsPage.createdBy')}</th>
                <th scope="col">{t('classes.startsAt')}</th>
                <th scope="col">{t('roomsPage.createdAt')}</th>
                <th scope="col">{t('roomsPage.now')}</th>
                <th scope="col" className="num">
                  <span className="visually-hidden">{t('rooms.join')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rooms.map((room) => (
                <RoomRow key={room.id} room={room} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <EndedRooms trainee={trainee} />
    </section>
  );
}
