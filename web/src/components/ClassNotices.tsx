import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { dismissClassNotice, useClassNotices } from '../api/class-notices';

/** A trainee's reminder that a class of theirs has started, over every page until joined or dismissed. */
export function ClassNotices() {
  const { t } = useTranslation();
  const rooms = useClassNotices();
  if (rooms.length === 0) return null;
  return (
    <div className="alert-notices">
      {rooms.map((room) => (
        <div key={room.id} className="alert-notice class-notice" role="status" data-testid="class-notice" data-room-id={room.id}>
          <span className="alert-notice-title">{t('classes.started')}</span>
          <span>{room.title}</span>
          <span className="muted">{room.createdBy.displayName}</span>
          <span className="alert-notice-actions">
            <Link
              to="/rooms/$id"
              params={{ id: room.id }}
              className="btn btn-primary btn-small"
              onClick={() => dismissClassNotice(room.id)}
              data-testid="class-notice-join"
            >
              {t('rooms.join')}
            </Link>
            <button
              type="button"
              className="btn btn-ghost btn-small"
              aria-label={t('classes.dismissNotice')}
              onClick={() => dismissClassNotice(room.id)}
              data-testid="class-notice-dismiss"
            >
              ×
            </button>
          </span>
        </div>
      ))}
    </div>
  );
}
