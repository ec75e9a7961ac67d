// The browser's HTTP client, derived from the wire contract: `api.<operationId>(input, options)` for every operation
// of api/contract (its URL, method, input and answer types all come from there); `upload()` for multipart bodies,
// through XMLHttpRequest because fetch cannot report upload progress. Every non-2xx answer becomes an ApiError
// carrying the server's {error, message, details}.
import {
  endpoints,
  pathOf,
  urlOf,
  type AnswerOf,
  type Endpoint,
  type Endpoints,
  type ErrorBody,
  type MultipartBody,
  type MultipartFieldsOf,
  type RequestOf,
} from '@contract';
import { getToken } from './session';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** True when the request never reached the server / no response was received. */
  get isNetworkError(): boolean {
    return this.status === 0;
  }
}

let unauthorizedHandler: (() => void) | null = null;

/** Registers what to do when an authenticated call gets 401 (the app logs out). */
export function setUnauthorizedHandler(handler: (() => void) | null): void {
  unauthorizedHandler = handler;
}

function isErrorBody(value: unknown): value is ErrorBody {
  return typeof value === 'object' && value !== null && typeof (value as { error?: unknown }).error === 'string';
}

function toApiError(status: number, statusText: string, body: unknown): ApiError {
  if (isErrorBody(body)) return new ApiError(status, body.error, body.message || body.error, body.details);
  return new ApiError(status, `http_${status}`, statusText || `HTTP ${status}`);
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export interface CallOptions {
  signal?: AbortSignal | undefined;
  /** When false, a 401 is reported to the caller only (signing in). Default true. */
  logoutOn401?: boolean;
}

type Input<E extends Endpoint> = RequestOf<E> & {
  params?: Record<string, string | number>;
  query?: Record<string, unknown>;
  body?: unknown;
};
/** The arguments of a call: the input may be left out when the operation takes none. */
type CallArguments<E extends Endpoint> =
  unknown extends RequestOf<E> ? [input?: Input<E>, options?: CallOptions] : [input: Input<E>, options?: CallOptions];

export async function call<E extends Endpoint>(definition: E, ...[input, options = {}]: CallArguments<E>): Promise<AnswerOf<E>> {
  const { signal, logoutOn401 = true } = options;
  const token = getToken();
  const headers: Record<string, string> = { Accept: 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) };
  const body = input?.body;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(urlOf(definition, input), {
      method: definition.method,
      headers,
      body: body === undefined ? null : JSON.stringify(body),
      credentials: 'same-origin',
      signal: signal ?? null,
    });
  } catch (error) {
    if (isAbortError(error)) throw error;
    throw new ApiError(0, 'network_error', error instanceof Error ? error.message : String(error));
  }
  const data = parseJson(await response.text());
  if (!response.ok) {
    if (response.status === 401 && logoutOn401) unauthorizedHandler?.();
    throw toApiError(response.status, response.statusText, data);
  }
  return data as AnswerOf<E>;
}

/** Every operation of the contract, by its operationId: `api.getSpecimen({ params: { id } }, { signal })`. */
export const api = Object.fromEntries(
  Object.entries(endpoints).map(([operationId, definition]) => [
    operationId,
    (...args: CallArguments<Endpoint>) => call(definition, ...args),
  ]),
) as unknown as { [Id in keyof Endpoints]: (...args: CallArguments<Endpoints[Id]>) => Promise<AnswerOf<Endpoints[Id]>> };

/** Whether `error` is the end of a request its caller aborted (leaving a page, a Cancel button). */
export function isAbortError(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}

export interface UploadOptions {
  onProgress?: (percent: number) => void;
  signal?: AbortSignal;
}

/** A multipart operation's body: its text fields first (JSON fields as JSON text), then the files. */
export function formOf<E extends Endpoint & { multipart: MultipartBody }>(
  definition: E,
  fields: MultipartFieldsOf<E>,
  files: readonly File[],
): FormData {
  const form = new FormData();
  const { jsonFields = [], files: fileField } = definition.multipart;
  for (const [name, value] of Object.entries(fields as Record<string, unknown>)) {
    if (value === undefined || value === null) continue;
    form.append(name, jsonFields.includes(name) ? JSON.stringify(value) : String(value));
  }
  for (const file of files) form.append(fileField.name, file, file.name);
  return form;
}

/** A multipart operation's body, posted with upload progress (0–100). */
export function upload<E extends Endpoint>(
  definition: E,
  params: Record<string, string>,
  form: FormData,
  options: UploadOptions = {},
): Promise<AnswerOf<E>> {
  const { onProgress, signal } = options;
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(definition.method, pathOf(definition, params));
    xhr.withCredentials = true;
    xhr.setRequestHeader('Accept', 'application/json');
    const token = getToken();
    if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);

    if (onProgress) {
      xhr.upload.addEventListener('progress', (event) => {
        if (event.lengthComputable && event.total > 0) onProgress(Math.min(100, Math.round((event.loaded / event.total) * 100)));
      });
      xhr.upload.addEventListener('load', () => onProgress(100));
    }
    xhr.addEventListener('load', () => {
      const data = parseJson(xhr.responseText);
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve(data as AnswerOf<E>);
        return;
      }
      if (xhr.status === 401) unauthorizedHandler?.();
      reject(toApiError(xhr.status, xhr.statusText, data));
    });
    // The connection broke mid-way (a server refusing an upload answers it: that arrives as `load` above).
    xhr.addEventListener('error', () => reject(new ApiError(0, 'upload_interrupted', 'The connection broke during the upload')));
    xhr.addEventListener('timeout', () => reject(new ApiError(0, 'timeout', 'Request timed out')));
    xhr.addEventListener('abort', () => reject(new DOMException('Upload aborted', 'AbortError')));

    if (signal) {
      if (signal.aborted) {
        reject(new DOMException('Upload aborted', 'AbortError'));
        return;
      }
      signal.addEventListener('abort', () => xhr.abort(), { once: true });
    }
    xhr.send(form);
  });
}
