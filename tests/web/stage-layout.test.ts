// The live room's presentation layout: which tile takes the stage and which form the strip.
import { describe, expect, it } from 'vitest';
import { chooseStage, togglePin, type StageCandidate, type StageInput } from '../../web/src/rtc/stage-layout';

const tile = (peerId: string, source: StageCandidate['source'], local = false): StageCandidate => ({
  key: `${local ? 'local' : peerId}:${source}`,
  peerId,
  source,
  local,
});

const myCamera = tile('me', 'camera', true);
const myScreen = tile('me', 'screen', true);
const expertCamera = tile('expert', 'camera');
const expertMicroscope = tile('expert', 'microscope');
const staffCamera = tile('staff', 'camera');
const staffScreen = tile('staff', 'screen');
const traineeAvatar = tile('trainee', 'none');

function stageOf(input: Partial<StageInput<StageCandidate>> & Pick<StageInput<StageCandidate>, 'tiles'>) {
  const choice = chooseStage({ layout: 'stage', pinned: null, activeSpeaker: null, stillShared: false, ...input });
  return { stage: choice.stage?.key ?? null, strip: choice.strip.map((candidate) => candidate.key) };
}

describe('the stage layout', () => {
  const everyone = [myCamera, expertCamera, expertMicroscope, staffCamera, staffScreen, traineeAvatar];

  it('puts a shared screen on the stage and every other tile, in order, in the strip', () => {
    expect(stageOf({ tiles: everyone, activeSpeaker: 'expert' })).toEqual({
      stage: 'staff:screen',
      strip: ['local:camera', 'expert:camera', 'expert:microscope', 'staff:camera', 'trainee:none'],
    });
  });

  it('puts the pinned tile on the stage even over a shared screen, own tiles included', () => {
    expect(stageOf({ tiles: everyone, pinned: 'expert:camera' }).stage).toBe('expert:camera');
    expect(stageOf({ tiles: everyone, pinned: 'local:camera' }).stage).toBe('local:camera');
  });

  it('forgets a pin whose tile is gone', () => {
    expect(stageOf({ tiles: [myCamera, expertCamera, staffScreen], pinned: 'trainee:none' }).stage).toBe('staff:screen');
  });

  it("without a screen or a pin stages the active speaker's camera, else their avatar", () => {
    const tiles = [myCamera, expertCamera, expertMicroscope, staffCamera, traineeAvatar];
    expect(stageOf({ tiles, activeSpeaker: 'staff' }).stage).toBe('staff:camera');
    expect(stageOf({ tiles, activeSpeaker: 'trainee' }).stage).toBe('trainee:none');
  });

  it('never stages own tiles by itself: not own screen, nor when this person is the one speaking', () => {
    expect(stageOf({ tiles: [myCamera, myScreen, expertCamera, expertMicroscope], activeSpeaker: 'me' }).stage).toBe('expert:microscope');
    expect(stageOf({ tiles: [myCamera, myScreen] }).stage).toBeNull();
  });

  it('with nobody speaking stages the microscope, else the first remote video, never an avatar', () => {
    expect(stageOf({ tiles: [myCamera, staffCamera, expertMicroscope] }).stage).toBe('expert:microscope');
    expect(stageOf({ tiles: [myCamera, traineeAvatar, staffCamera] }).stage).toBe('staff:camera');
    expect(stageOf({ tiles: [myCamera, traineeAvatar] })).toEqual({ stage: null, strip: ['local:camera', 'trainee:none'] });
  });

  it('stages nothing in the grid layout or while a still is shared', () => {
    for (const choice of [
      stageOf({ tiles: everyone, layout: 'grid', pinned: 'expert:camera' }),
      stageOf({ tiles: everyone, stillShared: true, pinned: 'expert:camera' }),
    ])
      expect(choice).toEqual({ stage: null, strip: everyone.map((candidate) => candidate.key) });
  });

  it('pins a tile, moves the pin to another, and unpins on a second click', () => {
    expect(togglePin(null, 'a')).toBe('a');
    expect(togglePin('a', 'b')).toBe('b');
    expect(togglePin('b', 'b')).toBeNull();
  });
});
