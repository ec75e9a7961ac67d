import { useTranslation } from 'react-i18next';
import { canModerate, type ModerationAction, type PeerInfo } from '@contract';
import type { RoomClient } from '../../rtc/room-client';
import { allows, type RoomState } from '../../rtc/room-state';
import { Icon } from '../Icon';

/** Everybody in the room, raised hands first; for the host, the buttons to grant the microphone, mute and remove. */
export function Participants({
  client,
  state,
  now,
  onError,
}: {
  client: RoomClient;
  state: RoomState;
  now: number;
  onError: (error: unknown) => void;
}) {
  const { t } = useTranslation();
  const mayModerate = (action: ModerationAction) => allows(state, (subject) => canModerate(subject, action));
  const moderates = mayModerate('mute') || mayModerate('remove');
  const act = (action: Promise<unknown>) => void action.catch(onError);
  const everyone: (PeerInfo & { self: boolean })[] = [
    ...(state.me ? [{ ...state.me, self: true }] : []),
    ...[...state.peers].sort((a, b) => Number(b.handRaised) - Number(a.handRaised)).map((peer) => ({ ...peer, self: false })),
  ];
  return (
    <div className="card room-card">
      <h2 className="card-title">{t('room.participants.title', { count: everyone.length })}</h2>
      <ul className="participants" data-testid="participants">
        {everyone.map((peer) => {
          const granted = peer.microphoneGrantedUntil !== null && peer.microphoneGrantedUntil > now;
          return (
            <li
              key={peer.peerId}
              className={`participant${state.activeSpeaker === peer.peerId ? ' is-speaking' : ''}`}
              data-testid="participant"
              data-peer-id={peer.peerId}
              data-self={peer.self ? 'true' : 'false'}
              data-role={peer.role}
              data-hand-raised={peer.handRaised ? 'true' : 'false'}
            >
              <span className="participant-name">{peer.self ? t('room.you', { name: peer.displayName }) : peer.displayName}</span>
              <span className="muted small">{t(`room.role.${peer.role}`)}</span>
              {peer.handRaised && (
                <span className="participant-hand" title={t('room.participants.handRaised')} data-testid="participant-hand">
                  <Icon name="hand" /> {t('room.participants.handRaised')}
                </span>
              )}
              {granted && peer.microphoneGrantedUntil !== null && (
                <span className="badge">
                  {t('room.participants.granted', { seconds: Math.ceil((peer.microphoneGrantedUntil - now) / 1000) })}
                </span>
              )}
              {!peer.self && moderates && (
                <span className="participant-actions">
                  {mayModerate('grant-microphone') && peer.role === 'trainee' && (
                    <button
                      type="button"
                      className="btn btn-small btn-secondary"
                      onClick={() => act(client.grantMicrophone(peer.peerId, granted ? 0 : 60))}
                      data-testid="participant-grant"
                    >
                      {granted ? t('room.participants.revoke') : t('room.participants.grant')}
                    </button>
                  )}
                  {mayModerate('mute') && (
                    <button
                      type="button"
                      className="btn btn-small btn-secondary"
                      onClick={() => act(client.mute(peer.peerId))}
                      data-testid="participant-mute"
                    >
                      {t('room.participants.mute')}
                    </button>
                  )}
                  {mayModerate('remove') && (
                    <button
                      type="button"
                      className="btn btn-small btn-secondary"
                      onClick={() => act(client.remove(peer.peerId))}
                      data-testid="participant-remove"
                    >
                      {t('room.participants.remove')}
                    </button>
                  )}
                </span>
              )}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
