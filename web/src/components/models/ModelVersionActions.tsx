import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ModelInfo } from '@contract';
import { useModelChange } from '../../api/model-queries';
import { ErrorMessage } from '../ErrorMessage';

/**
 * What an administrator may do with one version: activate it (asked again first: every identification from the next
 * batch on uses it), or start or stop running it in shadow. A refusal from the server shows below the buttons.
 */
export function ModelVersionActions({ model }: { model: ModelInfo }) {
  const { t } = useTranslation();
  const [confirming, setConfirming] = useState(false);
  const { mutate, isPending, error, reset } = useModelChange();
  const { name, version } = model;
  const unusable = !model.verified || isPending;

  return (
    <div className="model-actions">
      {confirming ? (
        <div className="model-confirm" role="group" aria-label={t('models.activate')} data-testid="model-activate-confirmation">
          <p>{t('models.activateConfirm', { ref: model.ref })}</p>
          <div className="form-actions">
            <button
              type="button"
              className="btn btn-primary btn-small"
              disabled={isPending}
              onClick={() => mutate({ action: 'activate', name, version }, { onSettled: () => setConfirming(false) })}
              data-testid="model-activate-confirm"
            >
              {isPending ? t('models.activating') : t('models.activate')}
            </button>
            <button
              type="button"
              className="btn btn-ghost btn-small"
              disabled={isPending}
              onClick={() => setConfirming(false)}
              data-testid="model-activate-cancel"
            >
              {t('common.cancel')}
            </button>
          </div>
        </div>
      ) : (
        <div className="form-actions">
          {!model.active && (
            <button
              type="button"
              className="btn btn-secondary btn-small"
              disabled={unusable}
              onClick={() => {
                reset();
                setConfirming(true);
              }}
              data-testid="model-activate"
            >
              {t('models.activate')}
            </button>
          )}
          {!model.active && !model.shadow && (
            <button
              type="button"
              className="btn btn-ghost btn-small"
              disabled={unusable}
              onClick={() => mutate({ action: 'startShadow', name, version })}
              data-testid="model-shadow-start"
            >
              {t('models.startShadow')}
            </button>
          )}
          {model.shadow && (
            <button
              type="button"
              className="btn btn-ghost btn-small"
              disabled={isPending}
              onClick={() => mutate({ action: 'stopShadow', name })}
              data-testid="model-shadow-stop"
            >
              {t('models.stopShadow')}
            </button>
          )}
        </div>
      )}
      <ErrorMessage error={error} testId="model-action-error" />
    </div>
  );
}
