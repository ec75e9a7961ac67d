import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { useCurrentUser } from '../current-user';
import { useEnumLabel } from '../enums';
import { removeFromOutbox, type OutboxItem } from '../field/outbox-store';
import { useOutbox } from '../field/use-outbox';
import { formatDateTime } from '../format';
import { useLanguage } from '../i18n';

/**
 * The signed-in person's submissions kept on this device and what became of them: waiting for the network, being
 * sent, sent (with the specimen), or refused by the server (with its reason, to remove). Nothing when it is empty.
 */
export function OutboxPanel() {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const items = useOutbox(user.id);
  if (items.length === 0) return null;
  return (
    <section className="card outbox" data-testid="outbox" aria-live="polite">
      <h2 className="card-title">{t('field.outbox')}</h2>
      <p className="hint">{t('field.outboxHint')}</p>
      <ul className="outbox-list">
        {items.map((item) => (
          <OutboxEntry key={item.id} item={item} />
        ))}
      </ul>
    </section>
  );
}

function OutboxEntry({ item }: { item: OutboxItem }) {
  const { t } = useTranslation();
  const lng = useLanguage();
  const enumLabel = useEnumLabel();
  const { metadata } = item;
  const settled = item.state === 'sent' || item.state === 'refused';
  return (
    <li className={`outbox-item is-${item.state}`} data-testid="outbox-item" data-state={item.state} data-submission-id={item.id}>
      <div className="outbox-what">
        <span className="port-code">{metadata.portCode}</span> {enumLabel('siteType', metadata.siteType)}
        {metadata.locationDetail ? ` · ${metadata.locationDetail}` : ''}
        <span className="muted">
          {' '}
          · {formatDateTime(metadata.collectedAt, lng)} · {t('field.photoCount', { count: item.photos.length })}
        </span>
      </div>
      <div className="outbox-status">
        <span className={`outbox-state state-${item.state}`} data-testid="outbox-state">
          {t(`field.state.${item.state}`)}
        </span>
        {item.state === 'sent' && item.specimenId && (
          <Link to="/specimens/$id" params={{ id: item.specimenId }} data-testid="outbox-specimen-link">
            {t('submit.viewSpecimen')}
          </Link>
        )}
        {settled && (
          <button
            type="button"
            className="btn btn-small btn-ghost"
            onClick={() => void removeFromOutbox(item.id)}
            data-testid="outbox-remove"
          >
            {t('field.removeFromOutbox')}
          </button>
        )}
      </div>
      {item.refusal && (
        <p className="outbox-refusal" role="alert" data-testid="outbox-refusal" data-code={item.refusal.code}>
          {item.refusal.message}
        </p>
      )}
    </li>
  );
}
