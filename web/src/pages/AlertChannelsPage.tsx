import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AlertChannel, Unit } from '@contract';
import { alertChannelsQuery } from '../api/alert-channel-queries';
import { unitsQuery } from '../api/organisation-queries';
import { ChannelRows } from '../components/alert-channels/ChannelRows';
import { NewChannelForm } from '../components/alert-channels/NewChannelForm';
import { ErrorMessage } from '../components/ErrorMessage';
import { Icon } from '../components/Icon';
import { unitName } from '../format';
import { useLanguage } from '../i18n';

/** A webhook secret the server has just answered: shown this once, until dismissed. */
interface RevealedSecret {
  channelName: string;
  secret: string;
}

/** The channels by unit, in the order listed (by unit, then name). */
function byUnit(channels: readonly AlertChannel[]): { unit: Unit; channels: AlertChannel[] }[] {
  const groups = new Map<string, { unit: Unit; channels: AlertChannel[] }>();
  for (const channel of channels) {
    const group = groups.get(channel.unit.id) ?? { unit: channel.unit, channels: [] };
    group.channels.push(channel);
    groups.set(channel.unit.id, group);
  }
  return [...groups.values()];
}

function SecretNotice({ revealed, onDismiss }: { revealed: RevealedSecret; onDismiss: () => void }) {
  const { t } = useTranslation();
  return (
    <div className="alert alert-success" role="status" data-testid="channel-secret">
      <p className="alert-message">{t('alertChannels.secretOnce', { name: revealed.channelName })}</p>
      <code data-testid="channel-secret-value">{revealed.secret}</code>
      <div>
        <button type="button" className="btn btn-small" onClick={onDismiss} data-testid="channel-secret-dismiss">
          {t('alertChannels.secretDismiss')}
        </button>
      </div>
    </div>
  );
}

/** `#/admin/alert-channels` (administrators): where each unit's alerts go; channels added, edited, switched on or off. */
export function AlertChannelsPage() {
  const { t } = useTranslation();
  const lng = useLanguage();
  const channels = useQuery(alertChannelsQuery);
  const units = useQuery(unitsQuery);
  const [creating, setCreating] = useState(false);
  const [revealed, setRevealed] = useState<RevealedSecret | null>(null);
  const onSaved = (channel: AlertChannel) =>
    setRevealed(channel.secret === undefined ? null : { channelName: channel.name, secret: channel.secret });
  const groups = byUnit(channels.data?.items ?? []);

  return (
    <section className="page" data-testid="alert-channels-page">
      <div className="page-head">
        <h1 className="page-title">{t('alertChannels.title')}</h1>
        <button
          type="button"
          className="btn btn-primary"
          disabled={creating || !units.data}
          onClick={() => setCreating(true)}
          data-testid="new-channel"
        >
          <Icon name="plus" /> {t('alertChannels.new')}
        </button>
      </div>
      <p className="muted">
        {t('alertChannels.intro')}{' '}
        <Link to="/admin/taxa" data-testid="alert-channels-watch-list">
          {t('alertChannels.watchList')}
        </Link>
      </p>
      <ErrorMessage error={units.error} onRetry={() => void units.refetch()} />
      {revealed && <SecretNotice revealed={revealed} onDismiss={() => setRevealed(null)} />}
      {creating && units.data && (
        <NewChannelForm
          units={units.data}
          onCreated={(channel) => {
            setCreating(false);
            onSaved(channel);
          }}
          onCancel={() => setCreating(false)}
        />
      )}
      <ErrorMessage error={channels.error} onRetry={() => void channels.refetch()} />
      {channels.isPending ? (
        <p className="muted">{t('common.loading')}</p>
      ) : groups.length === 0 ? (
        !channels.error && (
          <p className="empty" data-testid="alert-channels-empty">
            {t('alertChannels.none')}
          </p>
        )
      ) : (
        groups.map(({ unit, channels: unitChannels }) => (
          <section key={unit.id} className="card" data-testid="channel-unit-group" data-unit-code={unit.code}>
            <h2 className="card-title">{unitName(unit, lng)}</h2>
            <div className="table-wrap">
              <table className="data-table">
                <thead>
                  <tr>
                    <th scope="col">{t('alertChannels.name')}</th>
                    <th scope="col">{t('alertChannels.kind')}</th>
                    <th scope="col">{t('alertChannels.endpoint')}</th>
                    <th scope="col">{t('alertChannels.credential')}</th>
                    <th scope="col">{t('alertChannels.state')}</th>
                    <th scope="col" />
                  </tr>
                </thead>
                <tbody>
                  {unitChannels.map((channel) => (
                    <ChannelRows key={channel.id} channel={channel} onSaved={onSaved} />
                  ))}
                </tbody>
              </table>
            </div>
          </section>
        ))
      )}
    </section>
  );
}
