import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { AlertChannel } from '@contract';
import { channelPatch, editDraftOf, type ChannelEditDraft } from '../../alert-channel-form';
import { useUpdateAlertChannel } from '../../api/alert-channel-queries';
import { ErrorMessage } from '../ErrorMessage';
import { Field } from '../Field';
import { EndpointFields } from './EndpointFields';

interface Props {
  channel: AlertChannel;
  onSaved: (channel: AlertChannel) => void;
  onCancel: () => void;
}

/** Renames a channel or replaces its endpoint settings as a whole (never by halves: its secret or token is not known here). */
export function EditChannelForm({ channel, onSaved, onCancel }: Props) {
  const { t } = useTranslation();
  const update = useUpdateAlertChannel();
  const [draft, setDraft] = useState<ChannelEditDraft>(() => editDraftOf(channel));
  const change = (patch: Partial<ChannelEditDraft>) => setDraft((current) => ({ ...current, ...patch }));
  const patch = channelPatch(channel, draft);

  function onSubmit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    if (patch && !update.isPending) update.mutate({ id: channel.id, patch }, { onSuccess: onSaved });
  }

  return (
    <form onSubmit={onSubmit} data-testid="edit-channel-form">
      <fieldset className="form-grid" disabled={update.isPending}>
        <Field label={t('alertChannels.name')} required>
          <input
            type="text"
            required
            maxLength={200}
            value={draft.name}
            onChange={(event) => change({ name: event.target.value })}
            data-testid="edit-channel-name"
          />
        </Field>
        {channel.kind !== 'in_app' && (
          <div className="field-wide">
            <label className="field-check">
              <input
                type="checkbox"
                checked={draft.replaceEndpoint}
                onChange={(event) => change({ replaceEndpoint: event.target.checked })}
                data-testid="channel-replace-endpoint"
              />
              <span>{t('alertChannels.replaceEndpoint')}</span>
            </label>
            <p className="hint">{t(`alertChannels.replaceHint.${channel.kind}`)}</p>
          </div>
        )}
        {channel.kind !== 'in_app' && draft.replaceEndpoint && <EndpointFields kind={channel.kind} draft={draft} onChange={change} />}
      </fieldset>
      <ErrorMessage error={update.error} testId="edit-channel-error" />
      <div className="form-actions">
        <button type="submit" className="btn btn-primary btn-small" disabled={!patch || update.isPending} data-testid="edit-channel-save">
          {update.isPending ? t('common.saving') : t('common.save')}
        </button>
        <button type="button" className="btn btn-ghost btn-small" onClick={onCancel} data-testid="edit-channel-cancel">
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
