import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { DecodeBudget, decodedBytes } from '../../api/storage/decode-budget.js';

const MB = 1024 * 1024;

/** A decode that holds its lease until `finish` is called: what the budget sees of a slow image. */
function heldDecode(budget: DecodeBudget, bytes: number, wait: 'bounded' | 'unbounded' = 'bounded') {
  let finish!: () => void;
  const held = new Promise<void>((resolve) => (finish = resolve));
  let started = false;
  const done = budget.run(bytes, wait, async () => {
    started = true;
    await held;
  });
  return { done, finish, started: () => started };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('decode budget', () => {
  it('runs decodes at once while they fit, then in arrival order as leases return', async () => {
    const budget = new DecodeBudget({ bytes: 100 * MB, maxWaitMs: 10_000 });
    const first = heldDecode(budget, 60 * MB);
    const second = heldDecode(budget, 30 * MB);
    const third = heldDecode(budget, 50 * MB);
    const fourth = heldDecode(budget, 5 * MB);
    await tick();
    expect([first.started(), second.started(), third.started(), fourth.started()]).toEqual([true, true, false, false]);
    // The small one does not overtake the large one waiting before it.
    expect(budget.status()).toMatchObject({ inUseBytes: 90 * MB, active: 2, waiting: 2 });
    first.finish();
    await first.done;
    await tick();
    expect([third.started(), fourth.started()]).toEqual([true, true]);
    for (const decode of [second, third, fourth]) decode.finish();
    await Promise.all([second.done, third.done, fourth.done]);
    expect(budget.status()).toMatchObject({ inUseBytes: 0, active: 0, waiting: 0, refused: 0 });
  });

  it('answers 503 decode_busy with Retry-After when no room comes in time, and returns the lease when work fails', async () => {
    const budget = new DecodeBudget({ bytes: 100 * MB, maxWaitMs: 30 });
    const holding = heldDecode(budget, 80 * MB);
    await expect(budget.run(40 * MB, 'bounded', async () => undefined)).rejects.toMatchObject({
      statusCode: 503,
      code: 'decode_busy',
      headers: { 'retry-after': '1' },
    });
    expect(budget.status()).toMatchObject({ refused: 1, waiting: 0 });
    holding.finish();
    await holding.done;
    await expect(budget.run(100 * MB, 'bounded', () => Promise.reject(new Error('corrupt')))).rejects.toThrow('corrupt');
    expect(budget.status()).toMatchObject({ inUseBytes: 0, active: 0 });
  });

  it('lets jobs wait as long as it takes, and runs a decode larger than the whole budget alone', async () => {
    const budget = new DecodeBudget({ bytes: 100 * MB, maxWaitMs: 10 });
    const small = heldDecode(budget, 10 * MB);
    const huge = heldDecode(budget, 400 * MB, 'unbounded');
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(huge.started()).toBe(false);
    small.finish();
    await small.done;
    await tick();
    expect(huge.started()).toBe(true);
    expect(budget.status()).toMatchObject({ inUseBytes: 400 * MB, active: 1 });
    huge.finish();
    await huge.done;
  });

  it('sizes a decode from the header: a small 16-bit PNG costs what its pixels do, not what its file does', async () => {
    const width = 2000;
    const height = 1500;
    const png = await sharp({ create: { width, height, channels: 3, background: '#4080c0' } })
      .toColourspace('rgb16')
      .png()
      .toBuffer();
    const header = await sharp(png).metadata();
    expect(header.depth).toBe('ushort');
    expect(png.length).toBeLessThan(200_000);
    expect(decodedBytes({ width, height, channels: header.channels, depth: header.depth })).toBe(width * height * 3 * 2);
    expect(decodedBytes({ width: 100, height: 100, channels: 4, depth: 'uchar' })).toBe(40_000);
  });
});
