import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { mirrored, modelPixels, normalise, policyKey, preparedPng, type InputSpec } from '../../inference/preprocessing.js';

const spec: InputSpec = { size: 32, resize: 'contain', padColor: [127, 127, 127], mean: [0.5, 0.4, 0.3], std: [0.2, 0.25, 0.3] };
const pixelAt = (pixels: Buffer, x: number, y: number) => [...pixels.subarray((y * spec.size + x) * 3, (y * spec.size + x) * 3 + 3)];

/** A landscape image: left half red, right half blue. */
async function halves(width = 64, height = 32, orientation?: number): Promise<Buffer> {
  const red = await sharp({ create: { width: width / 2, height, channels: 3, background: '#ff0000' } })
    .png()
    .toBuffer();
  const image = sharp({ create: { width, height, channels: 3, background: '#0000ff' } }).composite([{ input: red, left: 0, top: 0 }]);
  if (orientation) image.withMetadata({ orientation });
  return image.jpeg({ quality: 100 }).toBuffer();
}

describe('preprocessing shared by training and serving', () => {
  it('letterboxes with the pad colour under the contain policy', async () => {
    const pixels = await modelPixels(await halves(), spec);
    expect(pixels.length).toBe(32 * 32 * 3);
    expect(pixelAt(pixels, 16, 2)).toEqual([127, 127, 127]); // padding above the 32×16 image
    expect(pixelAt(pixels, 4, 16)[0]).toBeGreaterThan(240); // red half
    expect(pixelAt(pixels, 28, 16)[2]).toBeGreaterThan(240); // blue half
  });

  it('centre-crops under the cover policy', async () => {
    const pixels = await modelPixels(await halves(), { ...spec, resize: 'cover' });
    expect(pixelAt(pixels, 16, 1)).not.toEqual([127, 127, 127]);
  });

  it('applies EXIF orientation before resizing', async () => {
    // Orientation 6: display rotated 90° clockwise, so the red left half ends up on top.
    const pixels = await modelPixels(await halves(64, 32, 6), spec);
    expect(pixelAt(pixels, 16, 4)[0]).toBeGreaterThan(240);
    expect(pixelAt(pixels, 16, 28)[2]).toBeGreaterThan(240);
    expect(pixelAt(pixels, 1, 16)).toEqual([127, 127, 127]);
  });

  it('flattens transparency onto the pad colour', async () => {
    const transparent = await sharp({ create: { width: 32, height: 32, channels: 4, background: { r: 255, g: 0, b: 0, alpha: 0 } } })
      .png()
      .toBuffer();
    expect(pixelAt(await modelPixels(transparent, spec), 10, 10)).toEqual([127, 127, 127]);
  });

  it('normalises into CHW floats as (pixel / 255 − mean) / std', () => {
    const pixels = Buffer.alloc(32 * 32 * 3);
    pixels.set([255, 0, 51], 0);
    const tensor = normalise(pixels, spec);
    const area = 32 * 32;
    expect(tensor[0]).toBeCloseTo((1 - 0.5) / 0.2, 6);
    expect(tensor[area]).toBeCloseTo((0 - 0.4) / 0.25, 6);
    expect(tensor[2 * area]).toBeCloseTo((0.2 - 0.3) / 0.3, 6);
  });

  it('gives every byte value exactly the float32 of the trainer formula, in every channel', () => {
    const pixels = Buffer.alloc(16 * 16 * 3);
    for (let index = 0; index < 256; index += 1) pixels.set([index, 255 - index, (index * 7) % 256], index * 3);
    const tensor = normalise(pixels, { ...spec, size: 16 });
    for (let index = 0; index < 256; index += 1) {
      for (let channel = 0; channel < 3; channel += 1) {
        const byte = pixels[index * 3 + channel]!;
        expect(tensor[channel * 256 + index]).toBe(Math.fround((byte / 255 - spec.mean[channel]!) / spec.std[channel]!));
      }
    }
  });

  it('mirrors a CHW tensor left to right in every row of every channel', () => {
    // 2 channels × 2 rows × 3 columns, value = 100·channel + 10·row + column.
    const tensor = Float32Array.from(
      { length: 12 },
      (_, index) => 100 * Math.floor(index / 6) + 10 * Math.floor((index % 6) / 3) + (index % 3),
    );
    expect([...mirrored(tensor, 3)]).toEqual([2, 1, 0, 12, 11, 10, 102, 101, 100, 112, 111, 110]);
    expect(mirrored(mirrored(tensor, 3), 3)).toEqual(tensor);
  });

  it('writes prepared PNGs that decode to the same pixels', async () => {
    const pixels = await modelPixels(await halves(), spec);
    const decoded = await sharp(await preparedPng(pixels, spec.size))
      .raw()
      .toBuffer();
    expect(decoded.equals(pixels)).toBe(true);
    expect(policyKey(spec)).toBe('contain-32-pad127.127.127');
  });

  it('refuses truncated images', async () => {
    const whole = await sharp({ create: { width: 200, height: 200, channels: 3, background: '#123456' } })
      .jpeg()
      .toBuffer();
    await expect(modelPixels(whole.subarray(0, whole.length / 2), spec)).rejects.toThrow();
  });
});
