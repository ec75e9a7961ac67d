// Marks over live video sit on the picture, wherever object-fit: contain letterboxes it in a tile.
import { describe, expect, it } from 'vitest';
import { containedFrame, framePointOf, pixelOf } from '../../web/src/rtc/video-frame';

const hd = { width: 1280, height: 720 };

describe('a video frame inside its tile (object-fit: contain)', () => {
  it('fills a box of the same shape, and is barred above and below in a taller box or beside in a wider one', () => {
    expect(containedFrame({ width: 640, height: 360 }, hd)).toEqual({ left: 0, top: 0, width: 640, height: 360 });
    expect(containedFrame({ width: 640, height: 640 }, hd)).toEqual({ left: 0, top: 140, width: 640, height: 360 });
    expect(containedFrame({ width: 800, height: 360 }, hd)).toEqual({ left: 80, top: 0, width: 640, height: 360 });
    // Before the first frame there is no intrinsic size: the whole box stands in for it.
    expect(containedFrame({ width: 300, height: 200 }, { width: 0, height: 0 })).toEqual({ left: 0, top: 0, width: 300, height: 200 });
  });

  it('maps a pixel to the same point of the picture on pages whose tiles differ in shape and size', () => {
    const wide = { width: 1000, height: 300 };
    const square = { width: 400, height: 400 };
    // 300 px high: the picture is 533⅓ px wide, 233⅓ px of bar either side.
    const point = framePointOf([233.3333 + 0.25 * 533.3333, 0.75 * 300], wide, hd)!;
    expect(point[0]).toBeCloseTo(0.25, 4);
    expect(point[1]).toBeCloseTo(0.75, 4);
    const [x, y] = pixelOf(point, square, hd);
    expect(x).toBeCloseTo(100, 3);
    expect(y).toBeCloseTo(87.5 + 0.75 * 225, 3);
    for (const box of [wide, square, { width: 333, height: 777 }]) {
      const back = framePointOf(pixelOf([0.1, 0.9], box, hd), box, hd)!;
      expect(back[0]).toBeCloseTo(0.1, 6);
      expect(back[1]).toBeCloseTo(0.9, 6);
    }
  });

  it('finds nothing on the bars unless asked to clamp onto the picture edge', () => {
    const square = { width: 640, height: 640 };
    expect(framePointOf([320, 100], square, hd)).toBeNull();
    expect(framePointOf([320, 100], square, hd, { clamp: true })).toEqual([0.5, 0]);
    expect(framePointOf([320, 600], square, hd, { clamp: true })).toEqual([0.5, 1]);
  });

  it('flips left and right over a mirrored own camera, both ways', () => {
    const box = { width: 640, height: 360 };
    expect(framePointOf([160, 180], box, hd, { mirrored: true })).toEqual([0.75, 0.5]);
    expect(pixelOf([0.75, 0.5], box, hd, { mirrored: true })).toEqual([160, 180]);
  });
});
