import { Type, type Static } from 'typebox';
import { IMAGE_FORMATS, IMAGE_QUALITY_MODES, IMAGE_QUALITY_PROBLEMS } from '../domain/vocabulary.js';
import { errorResponses, Nullable } from './common.js';
import { endpoint } from './endpoint.js';

const AcceptedImageFormat = Type.Object(
  {
    format: Type.Enum(IMAGE_FORMATS),
    mediaTypes: Type.Array(Type.String(), { description: 'Media types browsers give files of this format (`image/jpeg`)' }),
    extensions: Type.Array(Type.String(), { description: 'Name endings of such files, without the dot (`jpg`)' }),
  },
  { title: 'AcceptedImageFormat' },
);

/**
 * What one upload of photographs may hold (`POST /api/v1/specimens`, `/specimens/:id/images`, `/identify`): this
 * server's configured limits, so a client can check files before sending them. Each names the refusal it prevents.
 */
export const UploadLimits = Type.Object(
  {
    maxFileBytes: Type.Integer({ minimum: 1, description: 'Largest file, in bytes (413 `file_too_large`)' }),
    maxFiles: Type.Integer({ minimum: 1, description: 'Most files in one upload (413 `too_many_files`)' }),
    maxTotalBytes: Type.Integer({ minimum: 1, description: 'Largest sum of the files of one upload, in bytes (413 `upload_too_large`)' }),
    maxImagePixels: Type.Integer({ minimum: 1, description: 'Most pixels (width × height) of one image (413 `image_too_many_pixels`)' }),
    minImageSide: Type.Integer({ minimum: 1, description: 'Shortest side an image may have, in pixels (422 `degenerate_image`)' }),
    formats: Type.Array(AcceptedImageFormat, {
      description: 'The accepted image formats (415 for any other); files may not be empty (400 `empty_file`)',
    }),
  },
  { title: 'UploadLimits' },
);

/** One problem the image quality gate found in a photo (ADR 0034), with the measured value and the limit it broke. */
export const ImageQualityFinding = Type.Object(
  {
    problem: Type.Enum(IMAGE_QUALITY_PROBLEMS, {
      description:
        '`too_small`: shorter side in pixels; `blurred`: Laplacian variance over luminance variance; `over_exposed` / `under_exposed`: ' +
        'share of clipped pixels (0–1) or mean luminance (0–255); `no_specimen`: share of the frame standing out from the background',
    }),
    value: Type.Number({ description: 'What was measured' }),
    limit: Type.Number({ description: 'The limit it broke, in the same unit' }),
  },
  { title: 'ImageQualityFinding' },
);

/** The quality gate's verdict on one uploaded file; also each entry of `details.images` of a 422 `image_quality`. */
export const ImageQualityVerdict = Type.Object(
  {
    index: Type.Integer({ minimum: 0, description: "The file's position in the upload, from 0" }),
    filename: Nullable(Type.String()),
    problems: Type.Array(ImageQualityFinding, { description: 'Empty when the photo passes (or the gate is off)' }),
  },
  { title: 'ImageQualityVerdict' },
);

export const ImageQualityCheck = Type.Object(
  {
    mode: Type.Enum(IMAGE_QUALITY_MODES, {
      description: 'What an upload of a photo with problems gets: `warn` (stored, warnings kept), `refuse` (422 `image_quality`), `off`',
    }),
    images: Type.Array(ImageQualityVerdict),
  },
  { title: 'ImageQualityCheck' },
);

export const uploadEndpoints = {
  getUploadLimits: endpoint({
    method: 'GET',
    url: '/api/v1/upload-limits',
    schema: {
      operationId: 'getUploadLimits',
      tags: ['specimens'],
      summary: 'What one upload of photographs may hold: sizes, counts, pixels and formats',
      response: { 200: UploadLimits, ...errorResponses(401) },
    },
  }),
  checkImageQuality: endpoint({
    method: 'POST',
    url: '/api/v1/images/quality',
    schema: {
      operationId: 'checkImageQuality',
      tags: ['specimens'],
      summary: 'The image quality gate on photographs before they are submitted; nothing is stored',
      description:
        'multipart/form-data with one or more `images` files. Answers, per file, what the quality gate finds (too small, blurred, over- or ' +
        "under-exposed, no specimen) and the gate's mode, so a form can show the reasons and hold back what an upload would refuse. " +
        'Files that are not acceptable images are refused as an upload refuses them (400, 413, 415, 422).',
      consumes: ['multipart/form-data'],
      response: { 200: ImageQualityCheck, ...errorResponses(400, 401, 413, 415, 422, 503) },
    },
    multipart: { fields: Type.Object({}), files: { name: 'images', description: 'Photographs (JPEG, PNG, WebP, TIFF, HEIF)' } },
  }),
};

export type AcceptedImageFormat = Static<typeof AcceptedImageFormat>;
export type UploadLimits = Static<typeof UploadLimits>;
export type ImageQualityFinding = Static<typeof ImageQualityFinding>;
export type ImageQualityVerdict = Static<typeof ImageQualityVerdict>;
export type ImageQualityCheck = Static<typeof ImageQualityCheck>;
