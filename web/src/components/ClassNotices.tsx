import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { dismissClassNotice, useClassNotices } from '../api/class-notices';
import { Notice } from './Notice';

/** A trainee's reminder that a class of theirs has started, over every page until joined or dismissed. */
export function ClassNotices() {
  const { t } = useTranslation();
  const rooms = useClassNotices();
  if (rooms.length === 0) return null;
  return (
    <div className="alert-notices">
      {rooms.map((room) => (
        <Notice
          key={room.id}
          kind="class"
          data-room-id={room.id}
          title={t('classes.started')}
          dismissLabel={t('classes.dismissNotice')}
          onDismiss={() => dismissClassNotice(room.id)}
          action={
            <Link
              to="/rooms/$id"
              params={{ id: room.id }}
              className="btn btn-primary btn-small"
              onClick={() => dismissClassNotice(room.id)}
              data-testid="class-notice-join"
            >
              {t('rooms.join')}
            </Link>
          }
        >
          <span>{room.title}</span>
          <span className="muted">{room.createdBy.displayName}</span>
        </Notice>
      ))}
    </div>
  );
}
