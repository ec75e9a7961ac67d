import sharp, { type Metadata, type Stats } from 'sharp';
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
  /** Shortest side, in pixels, a photograph of a specimen can have and still show it. */
  minImageSide: number;
  /** Below this standard deviation in every colour channel (0–255) an image is blank or a single colour. */
  minImageStdev: number;
}

/**
 * Proves a buffer is a whole, decodable photograph before anything is stored or identified: the header is
 * read first so a pixel bomb is refused without being decoded, then the full image is decoded
 * so a truncated or corrupt file is refused too, and so is one too small or too uniform to show a specimen
 * (the models answer such pictures with confident nonsense).
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
  if (Math.min(width, height) < limits.minImageSide) {
    throw unprocessable(
      'degenerate_image',
      `${fileLabel} is ${width}×${height} pixels; both sides must be at least ${limits.minImageSide}`,
      {
        ...fileRef,
        reason: 'too_small',
        width,
        height,
        minSide: limits.minImageSide,
      },
    );
  }
  let stats: Stats;
  try {
    // Decoding every pixel is the only reliable way to find truncated or corrupt data; the statistics come with it.
    stats = await sharp(buffer, { failOn: 'truncated', limitInputPixels: limits.maxImagePixels }).stats();
  } catch (error) {
    throw unprocessable('corrupt_image', `${fileLabel} could not be decoded completely (truncated or corrupt)`, {
      ...fileRef,
      reason: error instanceof Error ? error.message : String(error),
    });
  }
  const colourChannels = metadata.hasAlpha ? stats.channels.slice(0, -1) : stats.channels;
  const stdev = Math.max(...colourChannels.map((channel) => channel.stdev));
  if (stdev < limits.minImageStdev) {
    throw unprocessable('degenerate_image', `${fileLabel} is blank or a single colour; it cannot show a specimen`, {
      ...fileRef,
      reason: 'uniform',
      stdev: Math.round(stdev * 100) / 100,
      minStdev: limits.minImageStdev,
    });
  }
  return { format, width, height, orientation: metadata.orientation ?? null };
}

/** Inspects every upload in turn ({@link inspectImage}): the first bad one refuses them all. */
export async function inspectImages(
  files: readonly { buffer: Buffer; filename: string | null }[],
  limits: InspectionLimits,
): Promise<InspectedImage[]> {
  const inspected: InspectedImage[] = [];
  for (const [index, file] of files.entries()) inspected.push(await inspectImage(file.buffer, limits, { filename: file.filename, index }));
  return inspected;
}
