import { useTranslation } from 'react-i18next';
import type { EndpointDraft } from '../../alert-channel-form';
import { Field } from '../Field';

interface Props {
  kind: 'webhook' | 'sms';
  draft: EndpointDraft;
  onChange: (patch: Partial<EndpointDraft>) => void;
}

/**
 * Where a webhook or SMS-gateway channel sends. The URL is sent as typed (a plain text box, not the browser's URL
 * check): the server says what it refuses. Secret and token are write-only, typed afresh whenever they are sent.
 */
export function EndpointFields({ kind, draft, onChange }: Props) {
  const { t } = useTranslation();
  return (
    <>
      <Field label={t('alertChannels.url')} required>
        <input
          type="text"
          inputMode="url"
          autoComplete="off"
          spellCheck={false}
          required
          maxLength={2000}
          placeholder="https://"
          value={draft.url}
          onChange={(event) => onChange({ url: event.target.value })}
          data-testid="channel-url"
        />
      </Field>
      {kind === 'webhook' ? (
        <Field label={t('alertChannels.secret')}>
          <input
            type="password"
            autoComplete="new-password"
            maxLength={200}
            placeholder={t('alertChannels.secretPlaceholder')}
            value={draft.secret}
            onChange={(event) => onChange({ secret: event.target.value })}
            data-testid="channel-secret-input"
          />
        </Field>
      ) : (
        <>
          <Field label={t('alertChannels.recipients')} required>
            <textarea
              rows={3}
              required
              placeholder={t('alertChannels.recipientsPlaceholder')}
              value={draft.recipients}
              onChange={(event) => onChange({ recipients: event.target.value })}
              data-testid="channel-recipients"
            />
          </Field>
          <Field label={t('alertChannels.token')}>
            <input
              type="password"
              autoComplete="new-password"
              maxLength={500}
              placeholder={t('alertChannels.tokenPlaceholder')}
              value={draft.token}
              onChange={(event) => onChange({ token: event.target.value })}
              data-testid="channel-token"
            />
          </Field>
        </>
      )}
    </>
  );
}
