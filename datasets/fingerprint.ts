import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { perceptualHash } from './perceptual-hash.js';

export interface ImageFingerprint {
  sha256: string;
  phash: string;
  width: number;
  height: number;
}

/** Identity (sha256), likeness (perceptual hash) and displayed size of one image file; throws if it does not decode. */
export async function fingerprintImage(bytes: Buffer): Promise<ImageFingerprint> {
  const [metadata, phash] = await Promise.all([sharp(bytes).metadata(), perceptualHash(bytes)]);
  return {
    sha256: createHash('sha256').update(bytes).digest('hex'),
    phash,
    width: metadata.autoOrient.width,
    height: metadata.autoOrient.height,
  };
}
