import { describe, expect, it } from 'vitest';
import { BackgroundLane } from '../../api/services/background-lane.js';

/** A task that runs until released, recording how many of its kind ran at once. */
function tasks(lane: BackgroundLane) {
  let running = 0;
  let most = 0;
  const releases: (() => void)[] = [];
  const start = () =>
    lane.run(async () => {
      running += 1;
      most = Math.max(most, running);
      await new Promise<void>((resolve) => releases.push(resolve));
      running -= 1;
    });
  return { start, releases, running: () => running, most: () => most };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('BackgroundLane', () => {
  it('runs everything at once while nothing is being answered', async () => {
    const lane = new BackgroundLane(1);
    const work = tasks(lane);
    const done = Promise.all(Array.from({ length: 5 }, work.start));
    await settle();
    expect(work.running()).toBe(5);
    work.releases.forEach((release) => release());
    await done;
  });

  it('holds tasks back to its limit while a request is answered, and lets them all go when it is', async () => {
    const lane = new BackgroundLane(2);
    const answered = lane.requestStarted();
    const work = tasks(lane);
    const done = Promise.all(Array.from({ length: 5 }, work.start));
    await settle();
    expect(work.running()).toBe(2);
    expect(lane.waitingTasks).toBe(3);

    // One ends: one more starts, never more than the limit while the request lasts.
    work.releases.shift()!();
    await settle();
    expect(work.running()).toBe(2);
    expect(work.most()).toBe(2);

    answered();
    answered(); // a second end of the same request changes nothing
    await settle();
    expect(work.running()).toBe(4);
    expect(lane.waitingTasks).toBe(0);
    work.releases.splice(0).forEach((release) => release());
    await settle();
    work.releases.splice(0).forEach((release) => release());
    await done;
  });

  it('refuses a limit that would stop background work', () => {
    expect(() => new BackgroundLane(0)).toThrow(RangeError);
  });
});
