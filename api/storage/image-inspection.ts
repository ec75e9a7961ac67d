import sharp, { type Metadata } from 'sharp';
import { measurePhoto, type PhotoMeasures } from '../../inference/photo-measures.js';
import { decodePhoto, type DecodedPhoto } from '../../inference/preprocessing.js';
import { payloadTooLarge, unprocessable, unsupportedMediaType } from '../domain/errors.js';
import { describeQualityFinding, type ImageQualityFinding } from '../domain/image-quality.js';
import { IMAGE_FORMATS, type ImageQualityMode } from '../domain/vocabulary.js';
import { decodedBytes, type DecodeBudget } from './decode-budget.js';
import { IMAGE_QUALITY_LIMITS, judgeImageQuality } from './image-quality.js';

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

/** How the intake treats uploads: the hard limits, and what the quality gate does with a poor photo (ADR 0034). */
export interface IntakeOptions extends InspectionLimits {
  qualityGate: ImageQualityMode;
}

/** An image the intake accepted, with what the quality gate found wrong with it (nothing when the gate is off). */
export interface AcceptedImage extends InspectedImage {
  qualityWarnings: ImageQualityFinding[];
  /** Its one decode, when the intake decoded it here: what its thumbnail is made from. */
  photo?: DecodedPhoto;
}

/** One file's verdict of the quality gate: which file, and its problems (none when it passes or the gate is off). */
export interface QualityVerdict {
  index: number;
  filename: string | null;
  problems: ImageQualityFinding[];
}

/** The header of an accepted image: what it is, and what decoding it will cost ({@link decodedBytes}). */
interface ImageHeader extends InspectedImage {
  decodedBytes: number;
}

/**
 * An upload as the intake reads it: the file it was spooled to, or its bytes when it was held in memory, and the name the
 * client gave it (for messages).
 */
export type ImageFile = { filename: string | null } & ({ path: string } | { data: Buffer });

/** What sharp and the inference threads read an {@link ImageFile} from. */
export function sourceOf(file: ImageFile): Buffer | string {
  return 'data' in file ? file.data : file.path;
}

/**
 * Proves an image is a whole, decodable photograph before anything is stored or identified: the header is
 * read first so a pixel bomb is refused without being decoded, then the full image is decoded
 * so a truncated or corrupt file is refused too, and so is one too small or too uniform to show a specimen
 * (the models answer such pictures with confident nonsense).
 */
export async function inspectImage(source: Buffer | string, limits: InspectionLimits, file: ImageLabel): Promise<InspectedImage> {
  const header = await readHeader(source, limits, file);
  checkMeasures(await measurePhoto(await decode(source, limits, file)), limits, file);
  return publicPart(header);
}

/**
 * The intake of uploaded images: {@link inspectImage}'s checks, run under a lease of the process's {@link DecodeBudget}
 * sized from the headers, which the caller keeps while it decodes the same images again (thumbnails, the models).
 */
export class ImageIntake {
  constructor(
    readonly limits: IntakeOptions,
    private readonly budget: DecodeBudget,
  ) {}

  /**
   * Inspects every file (the first bad one refuses them all) and runs the quality gate on them — in `refuse` mode any
   * poor photo refuses the upload with 422 `image_quality`, naming each file's problems — then runs `use` with the
   * results, all under one lease: the largest image's decoded size when the caller decodes them `one-at-a-time`, their
   * sum when `all-at-once`. Without room in the budget soon enough, answers 503 `decode_busy`.
   */
  inspect<T>(
    files: readonly ImageFile[],
    decodes: 'one-at-a-time' | 'all-at-once',
    use: (images: AcceptedImage[]) => Promise<T>,
  ): Promise<T> {
    return this.accept(files, decodes, 'apply', () => this.measureHere(files), use);
  }

  /**
   * {@link inspect} for a caller that decodes the images itself, all at once (the inference threads, which measure each
   * photo from the decode the models use, so it is decoded once): `decode` answers each file's measures, or why it
   * could not be decoded, with its own result; the same checks and quality gate then judge those measures before
   * `use` sees the result.
   */
  inspectWhileDecoding<R, T>(
    files: readonly ImageFile[],
    decode: () => Promise<{ measures: (PhotoMeasures | Error)[]; result: R }>,
    use: (images: AcceptedImage[], result: R) => Promise<T>,
  ): Promise<T> {
    return this.accept(
      files,
      'all-at-once',
      'apply',
      async () => {
        const { measures, result } = await decode();
        return {
          measures: measures.map((measured, index) =>
            measured instanceof Error ? corrupt(labelOf(files[index]!, index), measured) : measured,
          ),
          result,
        };
      },
      use,
    );
  }

  /**
   * The quality gate's verdict on each file, nothing stored and nothing refused for quality: what an upload of them
   * would be told. Files that are not acceptable images at all are refused as an upload refuses them.
   */
  checkQuality(files: readonly ImageFile[]): Promise<QualityVerdict[]> {
    return this.accept(
      files,
      'one-at-a-time',
      'report',
      () => this.measureHere(files),
      async (images) => images.map((image, index) => ({ index, filename: files[index]!.filename, problems: image.qualityWarnings })),
    );
  }

  /** Decodes and measures the files here, one after the other; their decodes are kept for the thumbnails. */
  private async measureHere(
    files: readonly ImageFile[],
  ): Promise<{ measures: PhotoMeasures[]; photos: DecodedPhoto[]; result: undefined }> {
    const measures: PhotoMeasures[] = [];
    const photos: DecodedPhoto[] = [];
    for (const [index, file] of files.entries()) {
      const photo = await decode(sourceOf(file), this.limits, labelOf(file, index));
      photos.push(photo);
      measures.push(await measurePhoto(photo));
    }
    return { measures, photos, result: undefined };
  }

  /**
   * Reads every header first (refusing a pixel bomb undecoded), then, under one lease of the decode budget — the
   * largest image's decoded size when they are decoded `one-at-a-time`, their sum when `all-at-once` — has `measure`
   * decode and measure them and checks each (the first bad one refuses them all) before `use` runs. With `gate`
   * `apply`, a poor photo refuses them all too when the quality gate is in `refuse` mode; `report` only reports.
   */
  private async accept<R, T>(
    files: readonly ImageFile[],
    decodes: 'one-at-a-time' | 'all-at-once',
    gate: 'apply' | 'report',
    measure: () => Promise<{ measures: PhotoMeasures[]; photos?: DecodedPhoto[]; result: R }>,
    use: (images: AcceptedImage[], result: R) => Promise<T>,
  ): Promise<T> {
    const headers: ImageHeader[] = [];
    for (const [index, file] of files.entries()) headers.push(await readHeader(sourceOf(file), this.limits, labelOf(file, index)));
    const sizes = headers.map((header) => header.decodedBytes);
    const leaseBytes = decodes === 'one-at-a-time' ? Math.max(0, ...sizes) : sizes.reduce((sum, bytes) => sum + bytes, 0);
    return this.budget.run(leaseBytes, 'bounded', async () => {
      const { measures, photos, result } = await measure();
      const images = files.map((file, index): AcceptedImage => {
        const measured = checkMeasures(measures[index]!, this.limits, labelOf(file, index));
        const qualityWarnings = this.limits.qualityGate === 'off' ? [] : judgeImageQuality(measured.quality, IMAGE_QUALITY_LIMITS);
        const photo = photos?.[index];
        return { ...publicPart(headers[index]!), qualityWarnings, ...(photo ? { photo } : {}) };
      });
      if (gate === 'apply' && this.limits.qualityGate === 'refuse') refusePoorPhotos(files, images);
      return use(images, result);
    });
  }

  /**
   * Runs `use` under a lease for decoding stored, already inspected images all at once (an identify job), waiting for
   * room however long it takes: a job has no client to answer 503.
   */
  async whileDecoding<T>(paths: readonly string[], use: () => Promise<T>): Promise<T> {
    const sizes = await Promise.all(paths.map(async (file) => decodedBytes(await headerOf(file))));
    return this.budget.run(
      sizes.reduce((sum, bytes) => sum + bytes, 0),
      'unbounded',
      use,
    );
  }
}

/** 422 `image_quality` when any photo has quality problems: every such file with its problems, in words and as data. */
function refusePoorPhotos(files: readonly ImageFile[], images: readonly AcceptedImage[]): void {
  const poor = images.flatMap((image, index) => (image.qualityWarnings.length > 0 ? [{ index, problems: image.qualityWarnings }] : []));
  if (poor.length === 0) return;
  const sentences = poor.map(({ index, problems }) => {
    const { fileLabel } = describe(labelOf(files[index]!, index));
    return `${fileLabel} ${problems.map(describeQualityFinding).join('; ')}`;
  });
  throw unprocessable('image_quality', `${sentences.join('. ')}. Take the photo again, or ask an administrator about the quality gate`, {
    images: poor.map(({ index, problems }) => ({ index, filename: files[index]!.filename, problems })),
  });
}

async function headerOf(file: string): Promise<{ width: number; height: number; channels?: number; depth?: string }> {
  const { width = 0, height = 0, channels, depth } = await sharp(file, { limitInputPixels: false }).metadata();
  return { width, height, channels, depth };
}

function labelOf(file: ImageFile, index: number): ImageLabel {
  return { filename: file.filename, index };
}

function publicPart({ format, width, height, orientation }: ImageHeader): InspectedImage {
  return { format, width, height, orientation };
}

function describe(file: ImageLabel) {
  return {
    fileLabel: file.filename ? `"${file.filename}"` : `image ${file.index + 1}`,
    fileRef: { file: file.filename, index: file.index },
  };
}

/** Reads only the header: refuses what is not an accepted image, or has too many pixels or too short a side. */
async function readHeader(source: Buffer | string, limits: InspectionLimits, file: ImageLabel): Promise<ImageHeader> {
  const { fileLabel, fileRef } = describe(file);
  let metadata: Metadata;
  try {
    metadata = await sharp(source, { limitInputPixels: false }).metadata();
  } catch {
    throw unsupportedMediaType('not_an_image', `${fileLabel} is not an image in a supported format`, {
      ...fileRef,
      accepted: IMAGE_FORMATS,
    });
  }
  const { format, width, height } = metadata;
  if (!format || !(IMAGE_FORMATS as readonly string[]).includes(format) || !width || !height) {
    throw unsupportedMediaType(
      'unsupported_image_format',
      `${fileLabel} is a ${format ?? 'unknown'} file; accepted formats are ${IMAGE_FORMATS.join(', ')}`,
      {
        ...fileRef,
        format: format ?? null,
        accepted: IMAGE_FORMATS,
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
  return {
    format,
    width,
    height,
    orientation: metadata.orientation ?? null,
    decodedBytes: decodedBytes({ width, height, channels: metadata.channels, depth: metadata.depth }),
  };
}

/** Decodes every pixel once: a truncated or corrupt file is refused. */
async function decode(source: Buffer | string, limits: InspectionLimits, file: ImageLabel): Promise<DecodedPhoto> {
  try {
    return await decodePhoto(source, limits.maxImagePixels);
  } catch (error) {
    return corrupt(file, error);
  }
}

/** 422 `corrupt_image`: decoding every pixel is the only reliable way to find truncated or corrupt data. */
function corrupt(file: ImageLabel, error: unknown): never {
  const { fileLabel, fileRef } = describe(file);
  throw unprocessable('corrupt_image', `${fileLabel} could not be decoded completely (truncated or corrupt)`, {
    ...fileRef,
    reason: error instanceof Error ? error.message : String(error),
  });
}

/** Refuses a blank or single-colour picture: it cannot show a specimen. */
function checkMeasures(measures: PhotoMeasures, limits: InspectionLimits, file: ImageLabel): PhotoMeasures {
  if (measures.colourStdev < limits.minImageStdev) {
    const { fileLabel, fileRef } = describe(file);
    throw unprocessable('degenerate_image', `${fileLabel} is blank or a single colour; it cannot show a specimen`, {
      ...fileRef,
      reason: 'uniform',
      stdev: Math.round(measures.colourStdev * 100) / 100,
      minStdev: limits.minImageStdev,
    });
  }
  return measures;
}
