import path from 'node:path';
import send from '@fastify/send';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, notFound } from '../domain/errors.js';
import type { StoredFile } from '../domain/stored-file.js';

/**
 * Streams a stored file with byte ranges (a video player seeks in a recording, an interrupted download resumes)
 * and validators (ETag, Last-Modified: a repeated request gets 304). `what` names the file in a 404.
 */
export async function sendStoredFile(request: FastifyRequest, reply: FastifyReply, file: StoredFile, what: string): Promise<FastifyReply> {
  const result = await send(request.raw, encodeURIComponent(path.basename(file.path)), {
    root: path.dirname(file.path),
    acceptRanges: true,
    etag: true,
    lastModified: true,
    cacheControl: false,
    contentType: false,
    index: false,
    dotfiles: 'allow',
  });
  if (result.type !== 'file') {
    result.stream.destroy();
    throw refusal(result, what);
  }
  reply.code(result.statusCode);
  for (const [name, value] of Object.entries(result.headers)) reply.header(name.toLowerCase(), value);
  reply.type(file.mediaType).header('x-content-type-options', 'nosniff');
  if (file.downloadName) reply.header('content-disposition', `attachment; filename="${file.downloadName}"`);
  return reply.send(result.stream);
}

function refusal(result: Exclude<send.SendResult, send.FileSendResult>, what: string): Error {
  switch (result.statusCode) {
    case 416: {
      const contentRange = result.headers['Content-Range'] ?? '';
      return new AppError(416, 'range_not_satisfiable', `The requested byte range is not within the file (${contentRange})`, undefined, {
        'content-range': contentRange,
      });
    }
    case 412:
      return new AppError(412, 'precondition_failed', "The file does not match the request's If-Match / If-Unmodified-Since");
    case 403:
    case 404:
      // Missing, or not a file: the row points at something storage no longer holds.
      return notFound(what);
    default:
      // Storage failing (permissions, I/O): a 500, logged with the cause.
      return result.type === 'error' ? result.metadata.error : new Error(`${what}: unexpected ${result.statusCode} from storage`);
  }
}
