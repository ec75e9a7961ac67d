import type {} from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { Compile } from 'typebox/compile';
import { SpecimenMetadata } from '../contract/index.js';
import { AppError, badRequest, payloadTooLarge } from '../domain/errors.js';
import type { ImageProvenance } from '../domain/specimen.js';
import { refuseUnstorableText } from '../domain/text.js';
import { IMAGE_ORIGINS, type ImageOrigin } from '../domain/vocabulary.js';
import type { UploadedImage } from '../services/specimen.service.js';
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

/**
 * Reads a specimen upload (`metadata` JSON field + `images` files) fully before anything is
 * stored, so a bad part anywhere in the body fails the whole request with nothing written.
 */
export async function readSpecimenUpload(
  request: FastifyRequest,
  limits: UploadLimits,
): Promise<{ metadata: SpecimenMetadata; images: UploadedImage[] }> {
  const { fields, images } = await readMultipart(request, limits, ['metadata']);
  return { metadata: parseMetadata(fields.get('metadata')), images };
}

/** Reads a body of `images` files only (`POST /api/v1/identify`); at least one is required. */
export async function readImagesUpload(request: FastifyRequest, limits: UploadLimits): Promise<UploadedImage[]> {
  const { images } = await readMultipart(request, limits, []);
  if (images.length === 0) throw badRequest('images_required', 'At least one image is required (multipart field "images")');
  return images;
}

/**
 * Reads images added to an existing specimen (`POST /api/v1/specimens/:id/images`): `images` files and the optional
 * text fields `origin` (one of {@link IMAGE_ORIGINS}, default `upload`) and `roomId` (a UUID).
 */
export async function readAddedImagesUpload(
  request: FastifyRequest,
  limits: UploadLimits,
): Promise<{ provenance: ImageProvenance; images: UploadedImage[] }> {
  const { fields, images } = await readMultipart(request, limits, ['origin', 'roomId']);
  return { provenance: parseProvenance(fields), images };
}

/**
 * The whole body read, or a 4xx: the multipart parser's own errors (no boundary, a truncated body, no closing
 * boundary, LF-only line ends) carry no code, so they become `invalid_multipart`; the plugin's limits keep their codes.
 */
async function readMultipart(
  request: FastifyRequest,
  limits: UploadLimits,
  fieldNames: readonly string[],
): Promise<{ fields: Map<string, string>; images: UploadedImage[] }> {
  try {
    return await readParts(request, limits, fieldNames);
  } catch (error) {
    if (error instanceof AppError || isFrameworkError(error)) throw error;
    throw badRequest('invalid_multipart', `The multipart body is malformed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function isFrameworkError(error: unknown): boolean {
  const { code } = (error ?? {}) as { code?: unknown };
  return typeof code === 'string' && code.startsWith('FST_');
}

async function readParts(
  request: FastifyRequest,
  limits: UploadLimits,
  fieldNames: readonly string[],
): Promise<{ fields: Map<string, string>; images: UploadedImage[] }> {
  const fields = new Map<string, string>();
  const images: UploadedImage[] = [];
  const expected = [...fieldNames.map((name) => `"${name}"`), '"images"'].join(' and ');
  let totalBytes = 0;
  for await (const part of request.parts()) {
    if (part.type === 'field') {
      if (!fieldNames.includes(part.fieldname))
        throw badRequest('unexpected_field', `Unexpected field "${part.fieldname}"; send ${expected}`);
      if (fields.has(part.fieldname)) throw badRequest(`invalid_${part.fieldname}`, `The "${part.fieldname}" field was sent twice`);
      const value = String(part.value);
      refuseUnstorableText(value, `multipart field "${part.fieldname}"`);
      fields.set(part.fieldname, value);
      continue;
    }
    if (part.fieldname !== 'images') {
      await part.toBuffer().catch(() => undefined);
      throw badRequest('unexpected_field', `Unexpected file field "${part.fieldname}"; images go in "images"`);
    }
    const filename = checkFilename(part.filename);
    const buffer = await part.toBuffer();
    totalBytes += buffer.length;
    if (totalBytes > limits.maxTotalBytes) {
      throw payloadTooLarge('upload_too_large', `The images together exceed ${limits.maxTotalBytes} bytes`, {
        maxTotalBytes: limits.maxTotalBytes,
      });
    }
    if (buffer.length === 0) throw badRequest('empty_file', `${filename ? `"${filename}"` : 'A file'} is empty`);
    images.push({ filename, buffer });
  }
  return { fields, images };
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
