import { useTranslation } from 'react-i18next';
import type { RoomClient } from '../../rtc/room-client';
import type { RoomState } from '../../rtc/room-state';
import { RemoteAudio, VideoTile } from './VideoTile';

/**
 * The video tiles: this person's own videos, then each other person's (an avatar for those sending none), one large
 * when a single remote video and no still share the stage; their audio plays hidden.
 */
export function VideoStage({ client, state, myName }: { client: RoomClient; state: RoomState; myName: string }) {
  const { t } = useTranslation();
  const me = state.me;
  const microphone = state.local.find((track) => track.source === 'microphone');
  const remoteVideos = state.remote.filter((track) => track.kind === 'video');
  const remoteAudios = state.remote.filter((track) => track.kind === 'audio');
  const localVideos = state.local.filter((track) => track.source !== 'microphone');
  const oneLarge = remoteVideos.length === 1 && !state.still;

  return (
    <>
      <div className={`tiles${state.still ? ' is-strip' : ''}`} data-testid="room-tiles">
        {localVideos.map((track) => (
          <VideoTile
            key={`local-${track.source}`}
            track={track.track}
            name={t('room.you', { name: myName })}
            label={t(`room.source.${track.source}`)}
            local
            paused={track.paused}
            micMuted={!microphone || microphone.paused}
            speaking={me !== null && state.activeSpeaker === me.peerId}
            testId="local-tile"
            data={{ source: track.source }}
            producerId={track.producerId}
          />
        ))}
        {state.peers.map((peer) => {
          const videos = remoteVideos.filter((track) => track.peerId === peer.peerId);
          const audio = remoteAudios.find((track) => track.peerId === peer.peerId);
          const common = {
            name: peer.displayName,
            speaking: state.activeSpeaker === peer.peerId,
            quality: state.quality[peer.peerId] ?? 'unknown',
            micMuted: !audio || audio.paused,
          } as const;
          if (videos.length === 0) {
            return (
              <VideoTile
                key={peer.peerId}
                track={null}
                {...common}
                testId="remote-tile"
                data={{ 'peer-id': peer.peerId, source: 'none' }}
              />
            );
          }
          return videos.map((video) => (
            <VideoTile
              key={video.consumerId}
              track={video.track}
              {...common}
              label={t(`room.source.${video.source}`)}
              paused={video.paused}
              large={oneLarge}
              testId="remote-tile"
              data={{ 'peer-id': peer.peerId, source: video.source, 'producer-id': video.producerId }}
              producerId={video.producerId}
              onWidth={(width) => client.setTileWidth(video.producerId, width)}
              onFirstFrame={() => client.noteFirstFrame()}
            />
          ));
        })}
      </div>
      {remoteAudios.map((track) => (
        <RemoteAudio key={track.consumerId} track={track.track} peerId={track.peerId} />
      ))}
    </>
  );
}
