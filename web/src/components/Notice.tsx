import type { ReactNode } from 'react';
import { Icon } from './Icon';

/**
 * One notice over every page (an alert raised, a class started): its title and facts, the link that deals with it and
 * a dismiss button; both end it.
 */
export function Notice({
  kind,
  title,
  action,
  dismissLabel,
  onDismiss,
  children,
  ...data
}: {
  kind: 'alert' | 'class';
  title: string;
  action: ReactNode;
  dismissLabel: string;
  onDismiss: () => void;
  children: ReactNode;
  'data-alert-id'?: string;
  'data-room-id'?: string;
}) {
  return (
    <div
      className={`alert-notice${kind === 'class' ? ' class-notice' : ''}`}
      role={kind === 'alert' ? 'alert' : 'status'}
      data-testid={`${kind}-notice`}
      {...data}
    >
      <span className="alert-notice-title">{title}</span>
      {children}
      <span className="alert-notice-actions">
        {action}
        <button
          type="button"
          className="btn btn-ghost btn-small"
          aria-label={dismissLabel}
          onClick={onDismiss}
          data-testid={`${kind}-notice-dismiss`}
        >
          <Icon name="close" />
        </button>
      </span>
    </div>
  );
}
