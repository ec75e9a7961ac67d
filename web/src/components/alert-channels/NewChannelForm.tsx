import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { UNIT_LEVELS, type AlertChannel, type Unit } from '@contract';
import { newChannelBody, newChannelDraft, type NewChannelDraft } from '../../alert-channel-form';
import { useCreateAlertChannel } from '../../api/alert-channel-queries';
import { unitName } from '../../format';
import { useLanguage } from '../../i18n';
import { ErrorMessage } from '../ErrorMessage';
import { Field } from '../Field';
import { EnumSelect, Select } from '../Select';
import { EndpointFields } from './EndpointFields';

interface Props {
  /** The units a channel may belong to, each before the units under it. */
  units: readonly Unit[];
  onCreated: (channel: AlertChannel) => void;
  onCancel: () => void;
}

/** A new channel for a unit: in-app, a signed webhook or an SMS gateway. */
export function NewChannelForm({ units, onCreated, onCancel }: Props) {
  const { t } = useTranslation();
  const lng = useLanguage();
  const create = useCreateAlertChannel();
  const [draft, setDraft] = useState<NewChannelDraft>(() => newChannelDraft(units[0]?.id ?? ''));
  const change = (patch: Partial<NewChannelDraft>) => setDraft((current) => ({ ...current, ...patch }));
  // Indented by level, so the list reads as the organisation's tree.
  const unitOptions = units.map((unit) => ({
    value: unit.id,
    label: `${'\u2003'.repeat(UNIT_LEVELS.indexOf(unit.level))}${unitName(unit, lng)}`,
  }));

  function onSubmit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    if (!create.isPending) create.mutate(newChannelBody(draft), { onSuccess: onCreated });
  }

  return (
    <form className="card" onSubmit={onSubmit} data-testid="new-channel-form">
      <h2 className="card-title">{t('alertChannels.new')}</h2>
      <fieldset className="form-grid" disabled={create.isPending}>
        <Field label={t('alertChannels.unit')} required>
          <Select options={unitOptions} value={draft.unitId} onChange={(unitId) => change({ unitId })} required testId="channel-unit" />
        </Field>
        <Field label={t('alertChannels.kind')} required>
          <EnumSelect kind="channelKind" value={draft.kind} onChange={(kind) => change({ kind })} required testId="channel-kind" />
        </Field>
        <Field label={t('alertChannels.name')} required>
          <input
            type="text"
            required
            maxLength={200}
            value={draft.name}
            onChange={(event) => change({ name: event.target.value })}
            data-testid="channel-name"
          />
        </Field>
        <label className="field-check">
          <input
            type="checkbox"
            checked={draft.enabled}
            onChange={(event) => change({ enabled: event.target.checked })}
            data-testid="channel-enabled"
          />
          <span>{t('alertChannels.enabledOnCreation')}</span>
        </label>
        {draft.kind !== 'in_app' && <EndpointFields kind={draft.kind} draft={draft} onChange={change} />}
      </fieldset>
      <ErrorMessage error={create.error} testId="new-channel-error" />
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={create.isPending} data-testid="new-channel-submit">
          {create.isPending ? t('common.saving') : t('alertChannels.create')}
        </button>
        <button type="button" className="btn btn-ghost" onClick={onCancel} data-testid="new-channel-cancel">
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
