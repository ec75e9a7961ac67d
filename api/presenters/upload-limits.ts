import type { UploadLimits } from '../contract/index.js';
import type { AppConfig } from '../config.js';
import { IMAGE_FORMAT_FILES, IMAGE_FORMATS } from '../domain/vocabulary.js';

/** The configured upload limits as clients read them, with the accepted formats as browsers name their files. */
export function presentUploadLimits(uploads: AppConfig['uploads']): UploadLimits {
  return {
    maxFileBytes: uploads.maxFileBytes,
    maxFiles: uploads.maxFiles,
    maxTotalBytes: uploads.maxTotalBytes,
    maxImagePixels: uploads.maxImagePixels,
    minImageSide: uploads.minImageSide,
    formats: IMAGE_FORMATS.map((format) => ({
      format,
      mediaTypes: [...IMAGE_FORMAT_FILES[format].mediaTypes],
      extensions: [...IMAGE_FORMAT_FILES[format].extensions],
    })),
  };
}
