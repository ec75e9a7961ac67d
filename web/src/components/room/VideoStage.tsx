import { Fragment, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { RoomClient } from '../../rtc/room-client';
import type { RoomState } from '../../rtc/room-state';
import { chooseStage, togglePin, type RoomLayout, type StageCandidate } from '../../rtc/stage-layout';
import { Icon } from '../Icon';
import { RemoteAudio, VideoTile } from './VideoTile';

/** Where a tile is shown: on the stage or not, pinned or not. */
interface Placement {
  large: boolean;
  pinned: boolean;
  onPin: () => void;
}

interface Tile extends StageCandidate {
  render: (placement: Placement) => ReactNode;
}

/**
 * The video tiles: this person's own videos, then each other person's (an avatar for those sending none); their
 * audio plays hidden. In the stage layout one tile fills the width (see `chooseStage`) above a strip of the others;
 * in the grid layout all tiles are even.
 */
export function VideoStage({ client, state, myName }: { client: RoomClient; state: RoomState; myName: string }) {
  const { t } = useTranslation();
  const [layout, setLayout] = useState<RoomLayout>('stage');
  const [pinned, setPinned] = useState<string | null>(null);
  const me = state.me;
  const microphone = state.local.find((track) => track.source === 'microphone');
  const remoteVideos = state.remote.filter((track) => track.kind === 'video');
  const remoteAudios = state.remote.filter((track) => track.kind === 'audio');
  const localVideos = state.local.filter((track) => track.source !== 'microphone');

  const localTiles: Tile[] = localVideos.map((track) => ({
    key: `local:${track.source}`,
    peerId: me?.peerId ?? '',
    source: track.source,
    local: true,
    render: (placement) => (
      <VideoTile
        track={track.track}
        name={t('room.you', { name: myName })}
        label={t(`room.source.${track.source}`)}
        local
        paused={track.paused}
        micMuted={!microphone || microphone.paused}
        speaking={me !== null && state.activeSpeaker === me.peerId}
        {...placement}
        testId="local-tile"
        data={{ source: track.source }}
        producerId={track.producerId}
      />
    ),
  }));
  const remoteTiles = state.peers.flatMap((peer): Tile[] => {
    const videos = remoteVideos.filter((track) => track.peerId === peer.peerId);
    const audio = remoteAudios.find((track) => track.peerId === peer.peerId);
    const common = {
      name: peer.displayName,
      speaking: state.activeSpeaker === peer.peerId,
      quality: state.quality[peer.peerId] ?? 'unknown',
      micMuted: !audio || audio.paused,
    } as const;
    if (videos.length === 0) {
      return [
        {
          key: `${peer.peerId}:none`,
          peerId: peer.peerId,
          source: 'none',
          local: false,
          render: (placement: Placement) => (
            <VideoTile track={null} {...common} {...placement} testId="remote-tile" data={{ 'peer-id': peer.peerId, source: 'none' }} />
          ),
        },
      ];
    }
    return videos.map((video) => ({
      key: `${peer.peerId}:${video.source}`,
      peerId: peer.peerId,
      source: video.source,
      local: false,
      render: (placement: Placement) => (
        <VideoTile
          track={video.track}
          {...common}
          label={t(`room.source.${video.source}`)}
          paused={video.paused}
          {...placement}
          testId="remote-tile"
          data={{ 'peer-id': peer.peerId, source: video.source, 'producer-id': video.producerId }}
          producerId={video.producerId}
          onWidth={(width) => client.setTileWidth(video.producerId, width)}
          onFirstFrame={() => client.noteFirstFrame()}
        />
      ),
    }));
  });

  const { stage, strip } = chooseStage({
    tiles: [...localTiles, ...remoteTiles],
    layout,
    pinned,
    activeSpeaker: state.activeSpeaker,
    stillShared: state.still !== null,
  });
  const place = (tile: Tile, large: boolean) => (
    <Fragment key={tile.key}>
      {tile.render({ large, pinned: tile.key === pinned, onPin: () => setPinned(togglePin(pinned, tile.key)) })}
    </Fragment>
  );
  const nextLayout: RoomLayout = layout === 'stage' ? 'grid' : 'stage';

  return (
    <>
      <div className="stage-bar">
        <button
          type="button"
          className="btn btn-small"
          onClick={() => setLayout(nextLayout)}
          data-testid="layout-toggle"
          data-layout={layout}
        >
          <Icon name={nextLayout} /> {t(`room.layout.${nextLayout}`)}
        </button>
      </div>
      {stage && (
        <div className="stage" data-testid="room-stage">
          {place(stage, true)}
        </div>
      )}
      <div className={`tiles${stage || state.still ? ' is-strip' : ''}`} data-testid="room-tiles">
        {strip.map((tile) => place(tile, false))}
      </div>
      {remoteAudios.map((track) => (
        <RemoteAudio key={track.consumerId} track={track.track} peerId={track.peerId} />
      ))}
    </>
  );
}
