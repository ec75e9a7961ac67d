/**
 * The one error type the API throws on purpose. The error handler turns it into
 * `{ "error": code, "message": message, "details"?: details }` with its status code;
 * anything else becomes a 500 without internals.
 */
export class AppError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    /** Response headers that belong to this error (e.g. `Retry-After`). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const badRequest = (code: string, message: string, details?: unknown) => new AppError(400, code, message, details);
export const unauthorized = (message = 'Authentication required') => new AppError(401, 'unauthorized', message);
/** A well-formed token whose session was revoked (logout, a change to the account) or never existed (ADR 0017). */
export const sessionRevoked = () => new AppError(401, 'session_revoked', 'This session has ended; sign in again');
export const forbidden = (message: string) => new AppError(403, 'forbidden', message);
export const notFound = (what: string) => new AppError(404, 'not_found', `${what} not found`);
export const conflict = (code: string, message: string, details?: unknown) => new AppError(409, code, message, details);
export const gone = (code: string, message: string) => new AppError(410, code, message);
export const payloadTooLarge = (code: string, message: string, details?: unknown) => new AppError(413, code, message, details);
export const unsupportedMediaType = (code: string, message: string, details?: unknown) => new AppError(415, code, message, details);
export const serviceUnavailable = (code: string, message: string, retryAfterSeconds: number) =>
  new AppError(503, code, message, { retryAfterSeconds }, { 'retry-after': String(retryAfterSeconds) });
export const unprocessable = (code: string, message: string, details?: unknown) => new AppError(422, code, message, details);
