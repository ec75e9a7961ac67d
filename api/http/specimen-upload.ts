import type {} from '@fastify/multipart';
import type { MultipartFile } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { rm } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import { Type } from 'typebox';
import { Compile } from 'typebox/compile';
import { SpecimenMetadata } from '../contract/index.js';
import { AppError, badRequest, payloadTooLarge } from '../domain/errors.js';
import type { ImageProvenance } from '../domain/specimen.js';
import { refuseUnstorableText } from '../domain/text.js';
import { IMAGE_ORIGINS, type ImageOrigin } from '../domain/vocabulary.js';
import type { UploadedImage } from '../services/specimen.service.js';
import type { ImageStore } from '../storage/image-store.js';
// Sets the contract's formats in TypeBox's registry, which `Compile` below reads.
import './formats.js';

const metadataValidator = Compile(SpecimenMetadata);
const uuidValidator = Compile(Type.String({ format: 'uuid' }));
const MAX_FILENAME_LENGTH = 255;
// Finding control characters is the point of these two.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/g;

export interface UploadLimits {
  maxTotalBytes: number;
}

interface MultipartBody {
  fields: Map<string, string>;
  images: UploadedImage[];
}

/**
 * Reads multipart uploads. Each file is streamed to a temporary file of the image store as it arrives (hashed on the
 * way), so memory does not grow with the upload's size. The whole body is read before `use` runs, so a bad part
 * anywhere fails the request with nothing stored; the temporary files are removed when `use` is done, whatever
 * happened (what `use` stored was moved out of them).
 */
export class UploadReader {
  constructor(
    private readonly store: ImageStore,
    private readonly limits: UploadLimits,
  ) {}

  /** A specimen upload: the `metadata` JSON field and `images` files. */
  withSpecimen<T>(
    request: FastifyRequest,
    use: (upload: { metadata: SpecimenMetadata; images: UploadedImage[] }) => Promise<T>,
  ): Promise<T> {
    return this.read(request, ['metadata'], ({ fields, images }) => use({ metadata: parseMetadata(fields.get('metadata')), images }));
  }

  /** `images` files only (`POST /api/v1/identify`); at least one is required. */
  withImages<T>(request: FastifyRequest, use: (images: UploadedImage[]) => Promise<T>): Promise<T> {
    return this.read(request, [], ({ images }) => {
      if (images.length === 0) throw badRequest('images_required', 'At least one image is required (multipart field "images")');
      return use(images);
    });
  }

  /**
   * Images added to an existing specimen (`POST /api/v1/specimens/:id/images`): `images` files and the optional text
   * fields `origin` (one of {@link IMAGE_ORIGINS}, default `upload`) and `roomId` (a UUID).
   */
  withAddedImages<T>(
    request: FastifyRequest,
    use: (upload: { provenance: ImageProvenance; images: UploadedImage[] }) => Promise<T>,
  ): Promise<T> {
    return this.read(request, ['origin', 'roomId'], ({ fields, images }) => use({ provenance: parseProvenance(fields), images }));
  }

  private async read<T>(request: FastifyRequest, fieldNames: readonly string[], use: (body: MultipartBody) => Promise<T>): Promise<T> {
    const body: MultipartBody = { fields: new Map(), images: [] };
    try {
      await this.readParts(request, fieldNames, body);
      return await use(body);
    } finally {
      await Promise.all(body.images.map((image) => rm(image.path, { force: true })));
    }
  }

  /**
   * Fills `body` part by part, or fails with a 4xx: the multipart parser's own errors (no boundary, a truncated body,
   * no closing boundary, LF-only line ends) carry no code, so they become `invalid_multipart`; the plugin's limits keep
   * their codes; the disk's errors stay server errors.
   */
  private async readParts(request: FastifyRequest, fieldNames: readonly string[], body: MultipartBody): Promise<void> {
    try {
      const expected = [...fieldNames.map((name) => `"${name}"`), '"images"'].join(' and ');
      let totalBytes = 0;
      for await (const part of request.parts()) {
        if (part.type === 'field') {
          readField(part.fieldname, part.value, fieldNames, expected, body.fields);
          continue;
        }
        if (part.fieldname !== 'images') {
          part.file.resume();
          await finished(part.file).catch(() => undefined);
          throw badRequest('unexpected_field', `Unexpected file field "${part.fieldname}"; images go in "images"`);
        }
        const image = await this.spoolFile(request, part);
        body.images.push(image);
        totalBytes += image.bytes;
        if (totalBytes > this.limits.maxTotalBytes) {
          throw payloadTooLarge('upload_too_large', `The images together exceed ${this.limits.maxTotalBytes} bytes`, {
            maxTotalBytes: this.limits.maxTotalBytes,
          });
        }
        if (image.bytes === 0) throw badRequest('empty_file', `${image.filename ? `"${image.filename}"` : 'A file'} is empty`);
      }
    } catch (error) {
      if (error instanceof AppError || isFrameworkError(error) || isSystemError(error)) throw error;
      throw badRequest('invalid_multipart', `The multipart body is malformed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private async spoolFile(request: FastifyRequest, part: MultipartFile): Promise<UploadedImage> {
    const filename = checkFilename(part.filename);
    const spooled = await this.store.spool(part.file);
    const image = { filename, ...spooled };
    if (part.file.truncated) {
      await rm(image.path, { force: true });
      throw new request.server.multipartErrors.RequestFileTooLargeError();
    }
    return image;
  }
}

function readField(name: string, value: unknown, fieldNames: readonly string[], expected: string, fields: Map<string, string>): void {
  if (!fieldNames.includes(name)) throw badRequest('unexpected_field', `Unexpected field "${name}"; send ${expected}`);
  if (fields.has(name)) throw badRequest(`invalid_${name}`, `The "${name}" field was sent twice`);
  const text = String(value);
  refuseUnstorableText(text, `multipart field "${name}"`);
  fields.set(name, text);
}

function isFrameworkError(error: unknown): boolean {
  const { code } = (error ?? {}) as { code?: unknown };
  return typeof code === 'string' && code.startsWith('FST_');
}

/** An error of the file system (a full disk, say): the server's trouble, not a malformed body. */
function isSystemError(error: unknown): boolean {
  return typeof (error as { syscall?: unknown } | null)?.syscall === 'string';
}

function parseMetadata(text: string | undefined): SpecimenMetadata {
  if (text === undefined) throw badRequest('metadata_required', 'The multipart field "metadata" (JSON) is required');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw badRequest('invalid_metadata', 'The "metadata" field is not valid JSON');
  }
  refuseUnstorableText(value, 'multipart field "metadata"');
  if (!metadataValidator.Check(value)) {
    const details = firstErrorPerPath([...metadataValidator.Errors(value)]);
    throw badRequest(
      'invalid_metadata',
      `Invalid metadata: ${details.map((d) => `${d.path || '(root)'} ${d.message}`).join('; ')}`,
      details,
    );
  }
  return value;
}

function parseProvenance(fields: Map<string, string>): ImageProvenance {
  const origin = fields.get('origin') ?? 'upload';
  if (!(IMAGE_ORIGINS as readonly string[]).includes(origin)) {
    throw badRequest('invalid_origin', `"origin" must be one of ${IMAGE_ORIGINS.join(', ')}`, { accepted: IMAGE_ORIGINS });
  }
  const roomId = fields.get('roomId') ?? null;
  if (roomId !== null && !uuidValidator.Check(roomId)) throw badRequest('invalid_roomId', '"roomId" must be a UUID');
  return { origin: origin as ImageOrigin, roomId };
}

function firstErrorPerPath(errors: { instancePath: string; message: string; params?: unknown }[]) {
  const byPath = new Map<string, { path: string; message: string }>();
  for (const error of errors) {
    const path = error.instancePath || describeMissing(error.params);
    if (!byPath.has(path)) byPath.set(path, { path, message: error.message });
  }
  return [...byPath.values()];
}

function describeMissing(params: unknown): string {
  const required = (params as { requiredProperties?: string[] } | undefined)?.requiredProperties;
  return required ? required.map((name) => `/${name}`).join(',') : '';
}

/**
 * The client's file name is kept only as a label. Names that try to be paths are refused
 * outright rather than silently rewritten, so the client learns its name was not taken as given.
 */
function checkFilename(filename: string | undefined): string | null {
  if (!filename) return null;
  if (/[/\\]/.test(filename) || CONTROL_CHARACTER.test(filename) || filename === '.' || filename === '..') {
    throw badRequest(
      'invalid_filename',
      `File name "${filename.replace(CONTROL_CHARACTERS, '?')}" contains path separators or control characters`,
    );
  }
  if (filename.length > MAX_FILENAME_LENGTH)
    throw badRequest('invalid_filename', `File names are limited to ${MAX_FILENAME_LENGTH} characters`);
  return filename;
}
