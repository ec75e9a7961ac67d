import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AlertChannel } from '@contract';
import { useUpdateAlertChannel } from '../../api/alert-channel-queries';
import { useEnumLabel } from '../../enums';
import { ErrorMessage } from '../ErrorMessage';
import { EditChannelForm } from './EditChannelForm';

/** How many columns a channel's row has: its edit form spans them all. */
const CHANNEL_COLUMNS = 6;

/** Where the channel sends: its URL, and an SMS gateway's recipients. */
function Endpoint({ channel }: { channel: AlertChannel }) {
  const { t } = useTranslation();
  if (channel.webhook) return <code data-testid="channel-endpoint">{channel.webhook.url}</code>;
  if (channel.sms) {
    return (
      <>
        <code data-testid="channel-endpoint">{channel.sms.url}</code>
        <div className="muted small">{channel.sms.recipients.join(', ')}</div>
      </>
    );
  }
  return <span className="muted">{t('alertChannels.inAppEndpoint')}</span>;
}

/** Whether a secret or token is set: the server keeps it and never shows it again. */
function Credential({ channel }: { channel: AlertChannel }) {
  const { t } = useTranslation();
  if (channel.kind === 'webhook') return <span data-testid="channel-credential">{t('alertChannels.secretSet')}</span>;
  if (channel.sms) {
    return <span data-testid="channel-credential">{channel.sms.tokenSet ? t('alertChannels.tokenSet') : t('alertChannels.noToken')}</span>;
  }
  return <>{t('common.none')}</>;
}

/** One channel: what it is, whether it is on; switched on or off at once, or edited in place below. */
export function ChannelRows({ channel, onSaved }: { channel: AlertChannel; onSaved: (channel: AlertChannel) => void }) {
  const { t } = useTranslation();
  const enumLabel = useEnumLabel();
  const [editing, setEditing] = useState(false);
  const toggle = useUpdateAlertChannel();

  return (
    <>
      <tr data-testid="channel-row" data-channel-id={channel.id} data-kind={channel.kind} data-enabled={channel.enabled}>
        <td data-testid="channel-name-cell">{channel.name}</td>
        <td>{enumLabel('channelKind', channel.kind)}</td>
        <td>
          <Endpoint channel={channel} />
        </td>
        <td>
          <Credential channel={channel} />
        </td>
        <td>
          <span className={`badge ${channel.enabled ? 'badge-confirmed' : 'badge-rejected'}`} data-testid="channel-state">
            {channel.enabled ? t('alertChannels.enabled') : t('alertChannels.disabled')}
          </span>
        </td>
        <td>
          <div className="form-actions">
            <button
              type="button"
              className="btn btn-ghost btn-small"
              disabled={editing}
              onClick={() => setEditing(true)}
              data-testid="channel-edit"
            >
              {t('alertChannels.edit')}
            </button>
            <button
              type="button"
              className="btn btn-secondary btn-small"
              disabled={toggle.isPending}
              onClick={() => toggle.mutate({ id: channel.id, patch: { enabled: !channel.enabled } })}
              data-testid="channel-toggle"
            >
              {channel.enabled ? t('alertChannels.disable') : t('alertChannels.enable')}
            </button>
          </div>
          <ErrorMessage error={toggle.error} />
        </td>
      </tr>
      {editing && (
        <tr data-testid="channel-edit-row">
          <td colSpan={CHANNEL_COLUMNS}>
            <EditChannelForm
              channel={channel}
              onSaved={(saved) => {
                setEditing(false);
                onSaved(saved);
              }}
              onCancel={() => setEditing(false)}
            />
          </td>
        </tr>
      )}
    </>
  );
}
