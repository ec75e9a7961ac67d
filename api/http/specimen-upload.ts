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
import type { ImageFile } from '../storage/image-inspection.js';
import type { ImageStore } from '../storage/image-store.js';
import type { UploadMemory } from './upload-memory.js';
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

/** A file as the reader hands it on: held in memory, or spooled to a temporary file (a stored upload's always are). */
export type ReadImage = ImageFile & { bytes: number };

interface MultipartBody<I extends ReadImage> {
  fields: Map<string, string>;
  images: I[];
}

/**
 * Reads multipart uploads. Each file of an upload that will be stored is streamed to a temporary file of the image
 * store as it arrives (hashed on the way), so memory does not grow with the upload's size; a file nothing stores is
 * held in memory while {@link UploadMemory} allows. The whole body is read before `use` runs, so a bad part anywhere
 * fails the request with nothing stored; the temporary files are removed, and the memory given back, when `use` is
 * done, whatever happened (what `use` stored was moved out of them).
 */
export class UploadReader {
  constructor(
    private readonly store: ImageStore,
    private readonly limits: UploadLimits,
    private readonly memory: UploadMemory,
  ) {}

  /** A specimen upload: the `metadata` JSON field and `images` files. */
  withSpecimen<T>(
    request: FastifyRequest,
    use: (upload: { metadata: SpecimenMetadata; images: UploadedImage[] }) => Promise<T>,
  ): Promise<T> {
    return this.read(request, ['metadata'], this.spoolFile, ({ fields, images }) =>
      use({ metadata: parseMetadata(fields.get('metadata')), images }),
    );
  }

  /** `images` files only, which nothing stores (`POST /api/v1/identify`, the quality check); at least one is required. */
  withImages<T>(request: FastifyRequest, use: (images: ReadImage[]) => Promise<T>): Promise<T> {
    return this.read(request, [], this.holdFile, ({ images }) => {
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
    return this.read(request, ['origin', 'roomId'], this.spoolFile, ({ fields, images }) =>
      use({ provenance: parseProvenance(fields), images }),
    );
  }

  private async read<I extends ReadImage, T>(
    request: FastifyRequest,
    fieldNames: readonly string[],
    readFile: (request: FastifyRequest, part: MultipartFile) => Promise<I>,
    use: (body: MultipartBody<I>) => Promise<T>,
  ): Promise<T> {
    const body: MultipartBody<I> = { fields: new Map(), images: [] };
    try {
      await this.readParts(request, fieldNames, readFile.bind(this), body);
      return await use(body);
    } finally {
      await Promise.all(body.images.map((image) => this.release(image)));
    }
  }

  private async release(image: ReadImage): Promise<void> {
    if ('data' in image) this.memory.give(image.bytes);
    else await rm(image.path, { force: true });
  }

  /**
   * Fills `body` part by part, or fails with a 4xx: the multipart parser's own errors (no boundary, a truncated body,
   * no closing boundary, LF-only line ends) carry no code, so they become `invalid_multipart`; the plugin's limits keep
   * their codes; the disk's errors stay server errors.
   */
  private async readParts<I extends ReadImage>(
    request: FastifyRequest,
    fieldNames: readonly string[],
    readFile: (request: FastifyRequest, part: MultipartFile) => Promise<I>,
    body: MultipartBody<I>,
  ): Promise<void> {
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
        const image = await readFile(request, part);
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
    return this.refuseTruncated(request, part, { filename, ...(await this.store.spool(part.file)) });
  }

  /**
   * Holds a file in memory, chunk by chunk, while {@link UploadMemory} has room for it; the first chunk it has no room
   * for sends what came so far and the rest to a temporary file instead.
   */
  private async holdFile(request: FastifyRequest, part: MultipartFile): Promise<ReadImage> {
    const filename = checkFilename(part.filename);
    const chunks: Buffer[] = [];
    let heldBytes = 0;
    const arriving = part.file[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    try {
      for (let next = await arriving.next(); !next.done; next = await arriving.next()) {
        if (!this.memory.take(next.value.length, heldBytes)) {
          this.memory.give(heldBytes);
          heldBytes = 0;
          const spooled = await this.store.spoolTransient(continued([...chunks, next.value], arriving));
          this.memory.files.spilled += 1;
          return await this.refuseTruncated(request, part, { filename, ...spooled });
        }
        chunks.push(next.value);
        heldBytes += next.value.length;
      }
      const image = { filename, data: Buffer.concat(chunks, heldBytes), bytes: heldBytes };
      if (part.file.truncated) throw new request.server.multipartErrors.RequestFileTooLargeError();
      this.memory.files.held += 1;
      return image;
    } catch (error) {
      this.memory.give(heldBytes);
      throw error;
    }
  }

  /** The plugin's 413 when the file went past the per-file limit (the stream was cut short), its spooled copy removed. */
  private async refuseTruncated<I extends ReadImage>(request: FastifyRequest, part: MultipartFile, image: I): Promise<I> {
    if (!part.file.truncated) return image;
    await this.release(image);
    throw new request.server.multipartErrors.RequestFileTooLargeError();
  }
}

/** `first`, then whatever `rest` still yields. */
async function* continued(first: readonly Buffer[], rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  yield* first;
  for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
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
