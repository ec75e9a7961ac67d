import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { IMAGE_QUALITY_LIMITS, assessImageQuality, judgeImageQuality } from '../../api/storage/image-quality.js';
import { greyAndColourStdev, type ImageQualityMeasures } from '../../inference/photo-measures.js';
import { poorPhotos, specimenPhoto } from '../helpers/images.js';

const problemsOf = async (image: Buffer) => (await assessImageQuality(image)).findings.map((finding) => finding.problem);

describe('image quality assessment', () => {
  it('passes a sharp, well exposed photo of a specimen', async () => {
    const { findings, measures } = await assessImageQuality(await specimenPhoto());
    expect(findings).toEqual([]);
    expect(measures.shortSide).toBe(360);
  });

  it('finds a blurred photo blurred, with the measured sharpness and the limit', async () => {
    const { findings } = await assessImageQuality(await poorPhotos.blurred());
    expect(findings).toEqual([{ problem: 'blurred', value: expect.any(Number), limit: IMAGE_QUALITY_LIMITS.minSharpness }]);
    expect(findings[0]!.value).toBeLessThan(IMAGE_QUALITY_LIMITS.minSharpness);
  });

  it('finds a tiny photo too small, measured on its shorter side', async () => {
    expect((await assessImageQuality(await poorPhotos.tiny())).findings).toEqual([
      { problem: 'too_small', value: 44, limit: IMAGE_QUALITY_LIMITS.minShortSide },
    ]);
  });

  it('finds a dark photo under-exposed', async () => {
    expect(await problemsOf(await poorPhotos.dark())).toContain('under_exposed');
  });

  it('finds a photo with burnt-out highlights over-exposed', async () => {
    expect(await problemsOf(await poorPhotos.overExposed())).toContain('over_exposed');
  });

  it('finds nothing standing out in an empty, noisy frame', async () => {
    expect(await problemsOf(await poorPhotos.noSpecimen())).toEqual(['no_specimen']);
  });

  it('does not call a sharp but dim photo blurred: sharpness is relative to the contrast there is', async () => {
    const sharpDim = await assessImageQuality(await poorPhotos.dark());
    expect(sharpDim.findings.map((finding) => finding.problem)).not.toContain('blurred');
  });

  it('judges clipped pixels before mean luminance, and every limit at its boundary', () => {
    const good: ImageQualityMeasures = {
      shortSide: 48,
      meanLuminance: 20,
      highlightShare: 0.95,
      shadowShare: 0.8,
      sharpness: 0.01,
      standoutShare: 0.005,
    };
    expect(judgeImageQuality(good, IMAGE_QUALITY_LIMITS)).toEqual([]);
    expect(judgeImageQuality({ ...good, shadowShare: 0.9 }, IMAGE_QUALITY_LIMITS)).toEqual([
      { problem: 'under_exposed', value: 0.9, limit: 0.8 },
    ]);
    expect(judgeImageQuality({ ...good, meanLuminance: 251 }, IMAGE_QUALITY_LIMITS)).toEqual([
      { problem: 'over_exposed', value: 251, limit: 250 },
    ]);
  });

  it('makes the grey copy as sharp does: the same level for all but a few of the 8-bit colours, and one level off there', async () => {
    const side = 4096;
    const everyColour = Buffer.alloc(side * side * 3);
    for (let colour = 0; colour < side * side; colour += 1) everyColour.writeUIntBE(colour, colour * 3, 3);
    const sharpGrey = await sharp(everyColour, { raw: { width: side, height: side, channels: 3 } })
      .greyscale()
      .raw()
      .toBuffer();
    const { grey } = greyAndColourStdev(everyColour, 3);
    let largestDifference = 0;
    let differing = 0;
    for (let pixel = 0; pixel < grey.length; pixel += 1) {
      const difference = Math.abs(grey[pixel]! - sharpGrey[pixel]!);
      largestDifference = Math.max(largestDifference, difference);
      if (difference > 0) differing += 1;
    }
    expect(sharpGrey.length).toBe(side * side);
    expect(largestDifference).toBeLessThanOrEqual(1);
    expect(differing).toBeLessThan(1000);
  });

  it('finds the largest colour channel spread, and none in a single colour', () => {
    const pixels = (...colours: number[][]) => Buffer.from(colours.flat());
    expect(greyAndColourStdev(pixels([10, 20, 30], [10, 20, 30]), 3).colourStdev).toBe(0);
    expect(greyAndColourStdev(pixels([0, 100, 7], [0, 120, 7], [0, 100, 7], [0, 120, 7]), 3).colourStdev).toBeCloseTo(10, 10);
  });
});
