import sharp, { type Metadata } from 'sharp';
import { payloadTooLarge, unprocessable, unsupportedMediaType } from '../domain/errors.js';

export const ACCEPTED_IMAGE_FORMATS = ['jpeg', 'png', 'webp', 'tiff', 'heif'] as const;

export interface InspectedImage {
  format: string;
  width: number;
  height: number;
  orientation: number | null;
}

/** Which uploaded file is meant, for error messages: its name if it had one, and its 0-based position. */
export interface ImageLabel {
  filename: string | null;
  index: number;
}

export interface InspectionLimits {
  maxImagePixels: number;
}

/**
 * Proves a buffer is a whole, decodable photograph before anything is stored: the header is
 * read first so a pixel bomb is refused without being decoded, then the full image is decoded
 * so a truncated or corrupt file is refused too.
 */
export async function inspectImage(buffer: Buffer, limits: InspectionLimits, file: ImageLabel): Promise<InspectedImage> {
  const fileLabel = file.filename ? `"${file.filename}"` : `image ${file.index + 1}`;
  const fileRef = { file: file.filename, index: file.index };
  let metadata: Metadata;
  try {
    metadata = await sharp(buffer, { limitInputPixels: false }).metadata();
  } catch {
    throw unsupportedMediaType('not_an_image', `${fileLabel} is not an image in a supported format`, {
      ...fileRef,
      accepted: ACCEPTED_IMAGE_FORMATS,
    });
  }
  const { format, width, height } = metadata;
  if (!format || !(ACCEPTED_IMAGE_FORMATS as readonly string[]).includes(format) || !width || !height) {
    throw unsupportedMediaType(
      'unsupported_image_format',
      `${fileLabel} is a ${format ?? 'unknown'} file; accepted formats are ${ACCEPTED_IMAGE_FORMATS.join(', ')}`,
      {
        ...fileRef,
        format: format ?? null,
        accepted: ACCEPTED_IMAGE_FORMATS,
      },
    );
  }
  if (width * height > limits.maxImagePixels) {
    throw payloadTooLarge(
      'image_too_many_pixels',
      `${fileLabel} is ${width}×${height} pixels; the limit is ${limits.maxImagePixels} pixels`,
      {
        ...fileRef,
        width,
        height,
        maxPixels: limits.maxImagePixels,
      },
    );
  }
  try {
    // Decoding every pixel is the only reliable way to find truncated or corrupt data.
    await sharp(buffer, { failOn: 'truncated', limitInputPixels: limits.maxImagePixels }).raw().toBuffer({ resolveWithObject: false });
  } catch (error) {
    throw unprocessable('corrupt_image', `${fileLabel} could not be decoded completely (truncated or corrupt)`, {
      ...fileRef,
      reason: error instanceof Error ? error.message : String(error),
    });
  }
  return { format, width, height, orientation: metadata.orientation ?? null };
}
