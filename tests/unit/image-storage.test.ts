import { createHash } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../api/domain/errors.js';
import { inspectImage } from '../../api/storage/image-inspection.js';
import { ImageStore } from '../../api/storage/image-store.js';
import { jpegImage, pixelBombPng, plainImage, pngImage, truncatedJpeg } from '../helpers/images.js';

const limits = { maxImagePixels: 10_000_000, minImageSide: 32, minImageStdev: 2 };
const label = { filename: 'x.jpg', index: 0 };

async function inspectionError(buffer: Buffer): Promise<AppError> {
  try {
    await inspectImage(buffer, limits, label);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected the image to be refused');
}

describe('image inspection', () => {
  it('accepts real images and reports format, size and EXIF orientation', async () => {
    expect(await inspectImage(await jpegImage(1, 60, 40, { orientation: 8 }), limits, label)).toEqual({
      format: 'jpeg',
      width: 60,
      height: 40,
      orientation: 8,
    });
    expect(await inspectImage(await pngImage(1, 48, 32), limits, label)).toMatchObject({ format: 'png', width: 48, height: 32 });
  });

  it('refuses non-images, truncated files, unsupported formats and pixel bombs with distinct codes', async () => {
    expect((await inspectionError(Buffer.from('%PDF-1.7 not a photo'))).code).toBe('not_an_image');
    expect((await inspectionError(await truncatedJpeg())).code).toBe('corrupt_image');
    const gif = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#fff' } })
      .gif()
      .toBuffer();
    expect((await inspectionError(gif)).code).toBe('unsupported_image_format');
    const bomb = await inspectionError(pixelBombPng(30_000, 30_000));
    expect([bomb.statusCode, bomb.code]).toEqual([413, 'image_too_many_pixels']);
  });

  it('refuses degenerate pictures: too small, blank or a single colour', async () => {
    for (const [image, reason] of [
      [await jpegImage(1, 1, 1), 'too_small'],
      [await jpegImage(1, 200, 31), 'too_small'],
      [await plainImage(), 'uniform'],
      [await plainImage(120, 90, '#3a7d44'), 'uniform'],
    ] as const) {
      const error = await inspectionError(image);
      expect([error.statusCode, error.code, error.details]).toEqual([422, 'degenerate_image', expect.objectContaining({ reason })]);
    }
  });
});

describe('content-addressed image store', () => {
  let root: string;
  let store: ImageStore;
  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'vectordesk-store-'));
    store = new ImageStore(root);
    await store.init();
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('files originals by sha256 and writes each content once', async () => {
    const photo = await jpegImage(5);
    const first = await store.put(photo);
    const second = await store.put(photo);
    expect(first).toEqual({ sha256: createHash('sha256').update(photo).digest('hex'), created: true });
    expect(second.created).toBe(false);
    expect(store.originalPath(first.sha256)).toBe(
      path.join(root, 'originals', first.sha256.slice(0, 2), first.sha256.slice(2, 4), first.sha256),
    );
    expect((await stat(store.thumbnailPath(first.sha256))).size).toBeGreaterThan(0);
  });
});
