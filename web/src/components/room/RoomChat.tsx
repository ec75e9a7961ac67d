import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../format';
import { useLanguage } from '../../i18n';
import type { RoomClient } from '../../rtc/room-client';
import type { RoomState } from '../../rtc/room-state';

/** The room's chat (what was said before this person joined included), newest at the bottom. */
export function RoomChat({
  client,
  state,
  userId,
  onError,
}: {
  client: RoomClient;
  state: RoomState;
  userId: string;
  onError: (error: unknown) => void;
}) {
  const { t } = useTranslation();
  const lng = useLanguage();
  const [text, setText] = useState('');
  const listRef = useRef<HTMLOListElement>(null);

  useEffect(() => {
    const list = listRef.current;
    if (list) list.scrollTop = list.scrollHeight;
  }, [state.chat.length]);

  function send(event: FormEvent): void {
    event.preventDefault();
    const message = text.trim();
    if (!message) return;
    client.chat(message).then(
      () => setText(''),
      (error: unknown) => onError(error),
    );
  }

  return (
    <div className="card room-card">
      <h2 className="card-title">{t('room.chat.title')}</h2>
      <ol className="chat" ref={listRef} data-testid="chat">
        {state.chat.length === 0 && <li className="muted small">{t('room.chat.empty')}</li>}
        {state.chat.map((message) => (
          <li
            key={message.id}
            className={`chat-message${message.userId === userId ? ' is-own' : ''}`}
            data-testid="chat-message"
            data-event-id={message.id}
          >
            <span className="chat-author">{message.displayName}</span>
            <time className="muted small" dateTime={message.at}>
              {formatDateTime(message.at, lng)}
            </time>
            <span className="chat-text pre-wrap" data-testid="chat-text">
              {typeof message.payload.text === 'string' ? message.payload.text : ''}
            </span>
          </li>
        ))}
      </ol>
      <form className="chat-form" onSubmit={send}>
        <input
          value={text}
          maxLength={4000}
          onChange={(e) => setText(e.target.value)}
          placeholder={t('room.chat.placeholder')}
          aria-label={t('room.chat.placeholder')}
          disabled={state.phase !== 'joined'}
          data-testid="chat-input"
        />
        <button
          type="submit"
          className="btn btn-primary btn-small"
          disabled={state.phase !== 'joined' || !text.trim()}
          data-testid="chat-send"
        >
          {t('room.chat.send')}
        </button>
      </form>
    </div>
  );
}
