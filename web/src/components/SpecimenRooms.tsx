import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import type { User } from '@contract';
import { roomListQuery, useCreateRoom } from '../api/queries';
import { formatDateTime } from '../format';
import { useLanguage } from '../i18n';
import { ErrorMessage } from './ErrorMessage';

/** The specimen's live consultations: join an open one; experts and administrators start a new one. */
export function SpecimenRooms({ specimenId, user }: { specimenId: string; user: User }) {
  const { t } = useTranslation();
  const lng = useLanguage();
  const navigate = useNavigate();
  const { data, error } = useQuery(roomListQuery({ specimenId, kind: 'consultation' }));
  const createRoom = useCreateRoom();
  const rooms = data?.items ?? null;
  const starting = createRoom.isPending || createRoom.isSuccess;
  const canStart = user.role === 'expert' || user.role === 'admin';
  const canJoin = user.role !== 'trainee';

  function start(): void {
    createRoom.mutate(
      { kind: 'consultation', specimenId },
      { onSuccess: (room) => void navigate({ to: '/rooms/$id', params: { id: room.id } }) },
    );
  }

  return (
    <div className="card specimen-rooms" data-testid="specimen-rooms">
      <div className="card-head">
        <h2 className="card-title">{t('rooms.title')}</h2>
        {canStart && (
          <button type="button" className="btn btn-primary btn-small" disabled={starting} onClick={start} data-testid="start-consultation">
            {starting ? t('rooms.starting') : t('rooms.start')}
          </button>
        )}
      </div>
      <ErrorMessage error={error ?? createRoom.error} />
      {rooms === null ? (
        error ? null : (
          <p className="muted">{t('common.loading')}</p>
        )
      ) : rooms.length === 0 ? (
        <p className="muted" data-testid="specimen-rooms-empty">
          {t('rooms.none')}
        </p>
      ) : (
        <ul className="room-list">
          {rooms.map((room) => (
            <li
              key={room.id}
              className="room-list-item"
              data-testid="specimen-room"
              data-room-id={room.id}
              data-active={room.active ? 'true' : 'false'}
            >
              <div>
                <div className="room-list-title">{room.title}</div>
                <div className="muted small">
                  {t('rooms.openedBy', { name: room.createdBy.displayName, time: formatDateTime(room.createdAt, lng) })}
                </div>
              </div>
              {room.active ? (
                canJoin ? (
                  <Link className="btn btn-secondary btn-small" to="/rooms/$id" params={{ id: room.id }} data-testid="join-room">
                    {t('rooms.join')}
                  </Link>
                ) : (
                  <span className="badge">{t('rooms.active')}</span>
                )
              ) : (
                <Link className="btn btn-secondary btn-small" to="/rooms/$id" params={{ id: room.id }} data-testid="room-record-link">
                  {t('rooms.openRecord')}
                </Link>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
