import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../domain/errors.js';

export interface ErrorBody {
  error: string;
  message: string;
  details?: unknown;
}

/** Errors raised by fastify and its plugins, translated into this API's codes and words. */
const KNOWN_FRAMEWORK_ERRORS: Record<string, { status: number; code: string; message: string }> = {
  FST_REQ_FILE_TOO_LARGE: { status: 413, code: 'file_too_large', message: 'A file is larger than the upload limit' },
  FST_FILES_LIMIT: { status: 413, code: 'too_many_files', message: 'Too many files in one upload' },
  FST_PARTS_LIMIT: { status: 413, code: 'too_many_parts', message: 'Too many parts in the multipart body' },
  FST_FIELDS_LIMIT: { status: 413, code: 'too_many_fields', message: 'Too many fields in the multipart body' },
  FST_PROTO_VIOLATION: { status: 400, code: 'invalid_multipart', message: 'Forbidden multipart field name' },
  FST_INVALID_MULTIPART_CONTENT_TYPE: { status: 415, code: 'multipart_required', message: 'This endpoint expects multipart/form-data' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'unsupported_media_type', message: 'Unsupported Content-Type' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'invalid_body', message: 'The JSON body is empty' },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'invalid_json', message: 'The body is not valid JSON' },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'body_too_large', message: 'The request body is too large' },
  FST_ERR_BAD_URL: { status: 400, code: 'invalid_url', message: 'The URL is not valid (broken percent-encoding)' },
  FST_ERR_MAX_PARAM_LENGTH: { status: 414, code: 'url_too_long', message: 'A path parameter is longer than any this API takes' },
};

/**
 * Fastify's `frameworkErrors`: what the router refuses before any route (and so before authentication) runs, answered
 * in this API's shape too.
 */
export function answerFrameworkError(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const { status, body } = toErrorResponse(error);
  void reply.status(status).send(body);
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | AppError, request: FastifyRequest, reply: FastifyReply) => {
    const { status, body } = toErrorResponse(error);
    if (status >= 500 && !(error instanceof AppError)) request.log.error({ err: error }, 'request failed');
    else request.log[status >= 500 ? 'warn' : 'info']({ code: body.error, status }, body.message);
    if (error instanceof AppError) void reply.headers(error.headers);
    return reply.status(status).send(body);
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({ error: 'not_found', message: `No route ${request.method} ${request.url.split('?')[0]}` } satisfies ErrorBody),
  );
}

export function toErrorResponse(error: FastifyError | AppError): { status: number; body: ErrorBody } {
  if (error instanceof AppError) {
    return { status: error.statusCode, body: withDetails({ error: error.code, message: error.message }, error.details) };
  }
  if ('validation' in error && error.validation) {
    return {
      status: 400,
      body: {
        error: 'validation_failed',
        message: `Invalid request ${error.validationContext ?? 'input'}: ${error.message}`,
        details: error.validation.map((issue) => ({ path: issue.instancePath, message: issue.message })),
      },
    };
  }
  const known = error.code ? KNOWN_FRAMEWORK_ERRORS[error.code] : undefined;
  if (known) return { status: known.status, body: { error: known.code, message: known.message } };
  if (error.code?.startsWith('FST_JWT_') || error.code === 'FAST_JWT_MISSING_SIGNATURE') {
    return { status: 401, body: { error: 'unauthorized', message: 'Missing, invalid or expired token' } };
  }
  const status = error.statusCode ?? 500;
  if (status === 429) return { status, body: { error: 'too_many_requests', message: error.message } };
  if (status >= 400 && status < 500) return { status, body: { error: 'bad_request', message: error.message } };
  return { status: 500, body: { error: 'internal_error', message: 'Internal server error' } };
}

function withDetails(body: ErrorBody, details: unknown): ErrorBody {
  return details === undefined ? body : { ...body, details };
}
