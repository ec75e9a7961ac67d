import { useTranslation } from 'react-i18next';
import { keyLabel, REVIEW_SHORTCUTS } from '../../review/shortcuts';

/** The review page's keys, shown with `?` (Escape or the button closes it). */
export function ShortcutHelp({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <div className="shortcut-help card" role="dialog" aria-modal="false" aria-labelledby="shortcut-help-title" data-testid="shortcut-help">
      <div className="card-head">
        <h2 className="card-title" id="shortcut-help-title">
          {t('review.shortcuts.title')}
        </h2>
        <button type="button" className="btn btn-ghost btn-small" onClick={onClose} data-testid="shortcut-help-close">
          {t('review.shortcuts.close')}
        </button>
      </div>
      <dl className="shortcut-list">
        {REVIEW_SHORTCUTS.map(({ action, keys }) => (
          <div key={action} className="shortcut-row">
            <dt>
              {keys.map((key, index) => (
                <span key={key}>
                  {index > 0 && ' / '}
                  <kbd>{keyLabel(key)}</kbd>
                </span>
              ))}
            </dt>
            <dd>{t(`review.shortcuts.${action}`)}</dd>
          </div>
        ))}
      </dl>
      <p className="muted small">{t('review.shortcuts.typing')}</p>
    </div>
  );
}
