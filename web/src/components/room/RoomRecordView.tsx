import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { queryKeys } from '../../api/query-keys';
import { formatDateTime } from '../../format';
import { useLanguage } from '../../i18n';
import { roomRecordOf } from '../../rtc/room-record';
import { ErrorMessage } from '../ErrorMessage';
import { StillView } from './StillView';

/** The most events a record shows: the events endpoint's largest page. */
const RECORD_EVENTS = 5000;

const nothing = () => Promise.resolve();

/**
 * An ended room, read-only: who took part, the chat, who drew over live video when, and each shared still with the
 * annotations it ended with.
 */
export function RoomRecordView({ roomId }: { roomId: string }) {
  const { t } = useTranslation();
  const lng = useLanguage();
  const { data, error } = useQuery({
    queryKey: queryKeys.roomRecord(roomId),
    queryFn: ({ signal }) => api.listRoomEvents({ params: { id: roomId }, query: { limit: RECORD_EVENTS } }, { signal }),
  });
  if (error) return <ErrorMessage error={error} />;
  if (!data) return <p className="muted">{t('common.loading')}</p>;
  const record = roomRecordOf(data.items);
  return (
    <div className="room-record" data-testid="room-record">
      <section className="card">
        <h2>{t('room.record.people')}</h2>
        <ul className="room-record-people" data-testid="room-record-people">
          {record.people.map((person) => (
            <li key={person.userId} data-user-id={person.userId}>
              <strong>{person.displayName}</strong>
              {person.role && <span className="badge">{t(`room.role.${person.role}`)}</span>}
              <span className="muted small">{t('room.record.joinedAt', { at: formatDateTime(person.firstJoinedAt, lng) })}</span>
            </li>
          ))}
        </ul>
      </section>
      <section className="card">
        <h2>{t('room.record.chat')}</h2>
        {record.chat.length === 0 ? (
          <p className="muted">{t('room.record.noChat')}</p>
        ) : (
          <ol className="room-record-chat" data-testid="room-record-chat">
            {record.chat.map((message) => (
              <li key={message.id}>
                <span className="muted small">{formatDateTime(message.at, lng)}</span> <strong>{message.displayName}</strong>:{' '}
                <span className="chat-text">{message.text}</span>
              </li>
            ))}
          </ol>
        )}
      </section>
      {record.liveMarks.length > 0 && (
        <section className="card">
          <h2>{t('room.record.liveMarks')}</h2>
          <ol className="room-record-chat" data-testid="room-record-live-marks">
            {record.liveMarks.map((mark) => (
              <li key={mark.id}>
                <span className="muted small">{formatDateTime(mark.at, lng)}</span> <strong>{mark.displayName}</strong>{' '}
                {t(mark.persistent ? 'room.record.liveMarkKept' : 'room.record.liveMarkPointer')}
              </li>
            ))}
          </ol>
        </section>
      )}
      {record.stills.map(({ still, annotations }, index) => (
        <section className="card" key={`${still.imageId}-${index}`} data-testid="room-record-still">
          <h2>{t('room.record.still', { name: still.displayName, at: formatDateTime(still.at, lng) })}</h2>
          <StillView
            still={still}
            annotations={annotations}
            userId=""
            canAnnotate={false}
            saveTarget={null}
            onAnnotate={nothing}
            onClear={nothing}
            onError={nothing}
          />
        </section>
      ))}
    </div>
  );
}
