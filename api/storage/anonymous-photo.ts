import sharp from 'sharp';
import { decodedBytes, type DecodeBudget } from './decode-budget.js';
import type { ImageStore } from './image-store.js';

/** The longest side of a photo shown as a question: enough to identify by, far less than a microscope original. */
const QUESTION_PHOTO_MAX_SIDE = 1600;

/**
 * A stored photo as a question shows it (ADR 0028): turned upright, at most {@link QUESTION_PHOTO_MAX_SIDE} px, and
 * re-encoded as JPEG without any of the original's metadata — no EXIF, no GPS, no comment, no file name — so its bytes
 * match no stored image and say nothing of the specimen or its identification.
 */
export function anonymousPhoto(
  store: ImageStore,
  decodes: DecodeBudget,
  image: { sha256: string; width: number; height: number },
): Promise<Buffer> {
  return decodes.run(decodedBytes(image), 'unbounded', () =>
    sharp(store.originalPath(image.sha256), { limitInputPixels: false })
      .rotate()
      .resize({ width: QUESTION_PHOTO_MAX_SIDE, height: QUESTION_PHOTO_MAX_SIDE, fit: 'inside', withoutEnlargement: true })
      .jpeg({ quality: 85, mozjpeg: true })
      .toBuffer(),
  );
}
