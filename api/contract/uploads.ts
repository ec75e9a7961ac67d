import { Type, type Static } from 'typebox';
import { IMAGE_FORMATS } from '../domain/vocabulary.js';
import { errorResponses } from './common.js';
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
};

export type AcceptedImageFormat = Static<typeof AcceptedImageFormat>;
export type UploadLimits = Static<typeof UploadLimits>;
