import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import type { Room, User } from '@contract';
import { formatDateTime } from '../format';
import { useLanguage } from '../i18n';
import { navigate, roomHref } from '../router';
import { ErrorMessage } from './ErrorMessage';

/** The specimen's live consultations: join an open one; experts and administrators start a new one. */
export function SpecimenRooms({ specimenId, user }: { specimenId: string; user: User }) {
  const { t } = useTranslation();
  const lng = useLanguage();
  const [rooms, setRooms] = useState<Room[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [starting, setStarting] = useState(false);
  const canStart = user.role === 'expert' || user.role === 'admin';
  const canJoin = user.role !== 'trainee';

  useEffect(() => {
    const controller = new AbortController();
    api.listRooms({ query: { specimenId, kind: 'consultation' } }, { signal: controller.signal }).then(
      (list) => setRooms(list.items),
      (err: unknown) => {
        if (!controller.signal.aborted) setError(err);
      },
    );
    return () => controller.abort();
  }, [specimenId]);

  async function start(): Promise<void> {
    setStarting(true);
    setError(null);
    try {
      const room = await api.createRoom({ body: { kind: 'consultation', specimenId } });
      navigate(roomHref(room.id));
    } catch (err) {
      setError(err);
      setStarting(false);
    }
  }

  return (
    <div className="card specimen-rooms" data-testid="specimen-rooms">
      <div className="card-head">
        <h2 className="card-title">{t('rooms.title')}</h2>
        {canStart && (
          <button type="button" className="btn btn-primary btn-small" disabled={starting} onClick={() => void start()} data-testid="start-consultation">
            {starting ? t('rooms.starting') : t('rooms.start')}
          </button>
        )}
      </div>
      <ErrorMessage error={error} />
      {rooms === null ? (
        error ? null : <p className="muted">{t('common.loading')}</p>
      ) : rooms.length === 0 ? (
        <p className="muted" data-testid="specimen-rooms-empty">
          {t('rooms.none')}
        </p>
      ) : (
        <ul className="room-list">
          {rooms.map((room) => (
            <li key={room.id} className="room-list-item" data-testid="specimen-room" data-room-id={room.id} data-active={room.active ? 'true' : 'false'}>
              <div>
                <div className="room-list-title">{room.title}</div>
                <div className="muted small">
                  {t('rooms.openedBy', { name: room.createdBy.displayName, time: formatDateTime(room.createdAt, lng) })}
                </div>
              </div>
              {room.active ? (
                canJoin ? (
                  <a className="btn btn-secondary btn-small" href={roomHref(room.id)} data-testid="join-room">
                    {t('rooms.join')}
                  </a>
                ) : (
                  <span className="badge">{t('rooms.active')}</span>
                )
              ) : (
                <span className="badge muted">{t('rooms.ended')}</span>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
