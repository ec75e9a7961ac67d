// Which video tile takes the stage and which form the strip: a pure function of the tiles, the person's pin, the
// room's active speaker and the chosen layout, so the choice is tested without a browser.
import type { MediaSource } from '@contract';

export type RoomLayout = 'stage' | 'grid';

export interface StageCandidate {
  /** Stable across renders while the track lasts: what a pin remembers. */
  key: string;
  peerId: string;
  /** `none`: the avatar of somebody sending no video. */
  source: MediaSource | 'none';
  /** This person's own video: never put on the stage unless they pin it (nobody needs their own screen large). */
  local: boolean;
}

export interface StageInput<Tile extends StageCandidate> {
  tiles: readonly Tile[];
  layout: RoomLayout;
  pinned: string | null;
  activeSpeaker: string | null;
  /** A shared still is the room's stage then: every video tile goes to the strip. */
  stillShared: boolean;
}

export interface StageChoice<Tile extends StageCandidate> {
  stage: Tile | null;
  /** Every other tile, in the order given. */
  strip: Tile[];
}

/** The tile the active speaker is seen in: their camera, else whatever else of theirs shows. */
function speakerTile<Tile extends StageCandidate>(remote: readonly Tile[], peerId: string | null): Tile | undefined {
  if (peerId === null) return undefined;
  const theirs = remote.filter((tile) => tile.peerId === peerId);
  return theirs.find((tile) => tile.source === 'camera') ?? theirs[0];
}

/**
 * The stage: the tile the person pinned (their explicit choice beats everything), else a shared screen, else the
 * active speaker, else the specimen under a microscope, else the only (first) remote video. In the grid layout, or
 * while a still is shared, nothing is staged.
 */
export function chooseStage<Tile extends StageCandidate>({
  tiles,
  layout,
  pinned,
  activeSpeaker,
  stillShared,
}: StageInput<Tile>): StageChoice<Tile> {
  if (layout === 'grid' || stillShared) return { stage: null, strip: [...tiles] };
  const remote = tiles.filter((tile) => !tile.local);
  const stage =
    tiles.find((tile) => tile.key === pinned) ??
    remote.find((tile) => tile.source === 'screen') ??
    speakerTile(remote, activeSpeaker) ??
    remote.find((tile) => tile.source === 'microscope') ??
    remote.find((tile) => tile.source !== 'none') ??
    null;
  return { stage, strip: tiles.filter((tile) => tile !== stage) };
}

/** Pinning the pinned tile again unpins it. */
export function togglePin(pinned: string | null, key: string): string | null {
  return pinned === key ? null : key;
}
