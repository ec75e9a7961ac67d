// Photos checked against the server's upload limits (`GET /api/v1/upload-limits`) before anything is sent, so that
// every problem is named at once, with the file and the limit, instead of the first one coming back as a refusal.
import type { UploadLimits } from '@contract';

/** A photo's width and height as the browser read them; `null` when it cannot read the format (the server judges). */
export type PixelSize = { width: number; height: number } | null;

/** A chosen photo as the checks see it: its key in the form, the file, and its pixel size (`undefined`: not read). */
export interface CheckedPhoto {
  key: string;
  file: Pick<File, 'name' | 'type' | 'size'>;
  pixels?: PixelSize;
}

/** One file's problem, naming the file (by its key and name) and the limit it breaks. */
export type PhotoProblem =
  | { kind: 'empty'; key: string; name: string }
  | { kind: 'type'; key: string; name: string; accepted: readonly string[] }
  | { kind: 'size'; key: string; name: string; bytes: number; maxBytes: number }
  | { kind: 'pixels'; key: string; name: string; width: number; height: number; maxPixels: number }
  | { kind: 'side'; key: string; name: string; width: number; height: number; minSide: number };

/** A problem of the photos together. */
export type UploadProblem = { kind: 'count'; count: number; maxFiles: number } | { kind: 'total'; bytes: number; maxBytes: number };

export type FileProblem = PhotoProblem | UploadProblem;

/** Media types with no more to say than "some file": such a file is judged by its name's ending. */
const UNTYPED = new Set(['', 'application/octet-stream']);

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? '' : name.slice(dot + 1).toLowerCase();
}

/** Whether the server takes files of this kind: by media type, or by the name's ending when the type says nothing. */
export function isAcceptedType(file: Pick<File, 'name' | 'type'>, formats: UploadLimits['formats']): boolean {
  const type = file.type.toLowerCase();
  if (!UNTYPED.has(type)) return formats.some((format) => format.mediaTypes.includes(type));
  const extension = extensionOf(file.name);
  return formats.some((format) => format.extensions.includes(extension));
}

/** The file picker's `accept`: every accepted media type and name ending. */
export function acceptAttribute(formats: UploadLimits['formats']): string {
  return formats.flatMap((format) => [...format.mediaTypes, ...format.extensions.map((extension) => `.${extension}`)]).join(',');
}

/** The accepted formats as people know them: `JPEG`, `PNG`, … */
export function formatNames(formats: UploadLimits['formats']): string[] {
  return formats.map((format) => format.format.toUpperCase());
}

/** Whether the browser should read this photo's pixel size: only a non-empty file of an accepted type, within size. */
export function needsPixelSize(file: CheckedPhoto['file'], limits: UploadLimits): boolean {
  return file.size > 0 && file.size <= limits.maxFileBytes && isAcceptedType(file, limits.formats);
}

function problemOf({ key, file, pixels }: CheckedPhoto, limits: UploadLimits): PhotoProblem | null {
  const { name } = file;
  if (file.size === 0) return { kind: 'empty', key, name };
  if (!isAcceptedType(file, limits.formats)) return { kind: 'type', key, name, accepted: formatNames(limits.formats) };
  if (file.size > limits.maxFileBytes) return { kind: 'size', key, name, bytes: file.size, maxBytes: limits.maxFileBytes };
  if (!pixels) return null;
  const { width, height } = pixels;
  if (width * height > limits.maxImagePixels) return { kind: 'pixels', key, name, width, height, maxPixels: limits.maxImagePixels };
  if (Math.min(width, height) < limits.minImageSide) return { kind: 'side', key, name, width, height, minSide: limits.minImageSide };
  return null;
}

/** Every problem of these photos, file by file in their order, then those of the photos together. */
export function photoProblems(photos: readonly CheckedPhoto[], limits: UploadLimits): FileProblem[] {
  const problems: FileProblem[] = photos.map((photo) => problemOf(photo, limits)).filter((problem) => problem !== null);
  if (photos.length > limits.maxFiles) problems.push({ kind: 'count', count: photos.length, maxFiles: limits.maxFiles });
  const bytes = photos.reduce((sum, photo) => sum + photo.file.size, 0);
  if (bytes > limits.maxTotalBytes) problems.push({ kind: 'total', bytes, maxBytes: limits.maxTotalBytes });
  return problems;
}

/** The keys of the photos that have a problem of their own (to mark them where they are shown). */
export function keysWithProblems(problems: readonly FileProblem[]): Set<string> {
  return new Set(problems.flatMap((problem) => ('key' in problem ? [problem.key] : [])));
}
