// What an ended room's page shows, from its stored events.
import { describe, expect, it } from 'vitest';
import type { RoomEventRecord } from '@contract';
import { roomRecordOf } from '../../web/src/rtc/room-record';

let sequence = 0;
const event = (kind: RoomEventRecord['kind'], userId: string, payload: Record<string, unknown> = {}): RoomEventRecord => {
  sequence += 1;
  return {
    id: `00000000-0000-4000-8000-${String(sequence).padStart(12, '0')}`,
    kind,
    userId,
    displayName: userId === 'u-expert' ? 'Expert' : 'Staff',
    payload,
    at: new Date(Date.UTC(2026, 11, 5, 8, 0, sequence)).toISOString(),
  };
};
const stroke = (x: number) => ({
  shape: 'arrow',
  points: [
    [x, 0.1],
    [x, 0.2],
  ],
  colour: '#f00',
});

describe('the record of an ended room', () => {
  it('lists each person once with their last role, the chat in order, and each still as it ended', () => {
    const record = roomRecordOf([
      event('joined', 'u-expert', { role: 'host' }),
      event('joined', 'u-staff', { role: 'participant' }),
      event('still', 'u-expert', { imageId: 'image-1' }),
      event('annotation', 'u-staff', stroke(0.1)),
      event('annotations-cleared', 'u-expert'),
      event('annotation', 'u-expert', stroke(0.2)),
      event('chat', 'u-staff', { text: 'White stripe on the scutum' }),
      event('left', 'u-staff'),
      event('joined', 'u-staff', { role: 'participant' }),
      event('still', 'u-staff', { imageId: 'image-2' }),
      event('annotation', 'u-staff', { shape: 'nonsense', points: [], colour: 1 }),
      event('chat', 'u-expert', { text: 'Aedes albopictus' }),
    ]);
    expect(record.people.map(({ userId, role, joins }) => ({ userId, role, joins }))).toEqual([
      { userId: 'u-expert', role: 'host', joins: 1 },
      { userId: 'u-staff', role: 'participant', joins: 2 },
    ]);
    expect(record.chat.map((message) => message.text)).toEqual(['White stripe on the scutum', 'Aedes albopictus']);
    expect(record.stills.map(({ still, annotations }) => [still.imageId, annotations.map((mark) => mark.points[0]![0])])).toEqual([
      ['image-1', [0.2]],
      ['image-2', []],
    ]);
  });

  it('keeps marks drawn over live video, and their clears, out of the stills, and lists who drew them when', () => {
    const overVideo = { target: { producerId: 'microscope-1' } };
    const record = roomRecordOf([
      event('annotation', 'u-expert', { ...stroke(0.05), ...overVideo }),
      event('still', 'u-expert', { imageId: 'image-1' }),
      event('annotation', 'u-staff', stroke(0.1)),
      event('annotation', 'u-expert', { ...stroke(0.3), ...overVideo, persistent: true }),
      event('annotations-cleared', 'u-expert', overVideo),
      event('annotation', 'u-staff', stroke(0.2)),
    ]);
    expect(record.stills.map(({ annotations }) => annotations.map((mark) => [mark.points[0]![0], mark.target]))).toEqual([
      [
        [0.1, undefined],
        [0.2, undefined],
      ],
    ]);
    // Listed apart instead: who drew over the video, when, and whether the mark was kept.
    expect(record.liveMarks.map(({ displayName, persistent }) => [displayName, persistent])).toEqual([
      ['Expert', false],
      ['Expert', true],
    ]);
  });
});
