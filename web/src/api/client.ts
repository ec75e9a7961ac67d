// HTTP client for the VectorDesk API.
// - JSON calls use fetch and send `Authorization: Bearer <token>` from the stored session.
// - Uploads use XMLHttpRequest because fetch cannot report upload progress.
// - Every non-2xx response is turned into an ApiError carrying the server's {error, message, details}.
import { getToken } from './session';
import type {
  AddedImages,
  ApiErrorBody,
  IdentificationHistoryEntry,
  ImageProvenance,
  LoginResponse,
  MeResponse,
  ModelList,
  NewRoom,
  PortList,
  Room,
  RoomDetail,
  RoomEventKind,
  RoomEventList,
  RoomIdentification,
  RoomList,
  RoomParticipant,
  RoomQuery,
  RoomRecording,
  RoomToken,
  Specimen,
  SpecimenList,
  SpecimenMetadata,
  SpecimenPatch,
  SpecimenQuery,
} from './types';

export const API_BASE = '/api/v1';

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;

  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
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

function isErrorBody(value: unknown): value is ApiErrorBody {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { error?: unknown }).error === 'string'
  );
}

function toApiError(status: number, statusText: string, body: unknown): ApiError {
  if (isErrorBody(body)) {
    const message = typeof body.message === 'string' && body.message ? body.message : body.error;
    return new ApiError(status, body.error, message, body.details);
  }
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

function authHeaders(): Record<string, string> {
  const token = getToken();
  return token ? { Authorization: `Bearer ${token}` } : {};
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  body?: unknown;
  query?: Record<string, string | number | boolean | undefined | null>;
  signal?: AbortSignal;
  /** When false, a 401 is reported to the caller only (used by login). Default true. */
  logoutOn401?: boolean;
}

export function buildQuery(query: RequestOptions['query']): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '' || value === false) continue;
    params.set(key, String(value));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const { method = 'GET', body, query, signal, logoutOn401 = true } = options;
  const headers: Record<string, string> = { Accept: 'application/json', ...authHeaders() };
  let payload: BodyInit | undefined;
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }

  let response: Response;
  try {
    response = await fetch(`${API_BASE}${path}${buildQuery(query)}`, {
      method,
      headers,
      body: payload ?? null,
      credentials: 'same-origin',
      signal: signal ?? null,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'network_error', err instanceof Error ? err.message : String(err));
  }

  const text = await response.text();
  const data = parseJson(text);
  if (!response.ok) {
    if (response.status === 401 && logoutOn401) unauthorizedHandler?.();
    throw toApiError(response.status, response.statusText, data);
  }
  return data as T;
}

export interface UploadOptions {
  onProgress?: (percent: number) => void;
  signal?: AbortSignal;
}

/** Multipart POST via XMLHttpRequest with upload progress (0–100). */
export function upload<T>(path: string, form: FormData, options: UploadOptions = {}): Promise<T> {
  const { onProgress, signal } = options;
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `${API_BASE}${path}`);
    xhr.withCredentials = true;
    xhr.setRequestHeader('Accept', 'application/json');
    const token = getToken();
    if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);

    if (onProgress) {
      xhr.upload.addEventListener('progress', (e) => {
        if (e.lengthComputable && e.total > 0) {
          onProgress(Math.min(100, Math.round((e.loaded / e.total) * 100)));
        }
      });
      xhr.upload.addEventListener('load', () => onProgress(100));
    }

    xhr.addEventListener('load', () => {
      const data = parseJson(xhr.responseText);
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve(data as T);
        return;
      }
      if (xhr.status === 401) unauthorizedHandler?.();
      reject(toApiError(xhr.status, xhr.statusText, data));
    });
    xhr.addEventListener('error', () => reject(new ApiError(0, 'network_error', 'Network error')));
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

// ---- Endpoints -----------------------------------------------------------

export const api = {
  login(username: string, password: string): Promise<LoginResponse> {
    return request<LoginResponse>('/auth/login', {
      method: 'POST',
      body: { username, password },
      logoutOn401: false,
    });
  },

  logout(): Promise<void> {
    return request<void>('/auth/logout', { method: 'POST', logoutOn401: false });
  },

  me(signal?: AbortSignal): Promise<MeResponse> {
    return request<MeResponse>('/me', { signal });
  },

  ports(signal?: AbortSignal): Promise<PortList> {
    return request<PortList>('/ports', { signal });
  },

  listSpecimens(query: SpecimenQuery, signal?: AbortSignal): Promise<SpecimenList> {
    return request<SpecimenList>('/specimens', { query: { ...query }, signal });
  },

  getSpecimen(id: string, signal?: AbortSignal): Promise<Specimen> {
    return request<Specimen>(`/specimens/${encodeURIComponent(id)}`, { signal });
  },

  updateSpecimen(id: string, patch: SpecimenPatch): Promise<Specimen> {
    return request<Specimen>(`/specimens/${encodeURIComponent(id)}`, { method: 'PATCH', body: patch });
  },

  models(signal?: AbortSignal): Promise<ModelList> {
    return request<ModelList>('/models', { signal });
  },

  /** Admin only: serve this model version from the next batch on. */
  activateModel(name: string, version: string): Promise<ModelList> {
    return request<ModelList>(`/models/${encodeURIComponent(name)}/${encodeURIComponent(version)}/activate`, { method: 'POST' });
  },

  /** `metadata` goes first in the multipart body, followed by one `images` part per file. */
  createSpecimen(metadata: SpecimenMetadata, files: readonly File[], options: UploadOptions = {}): Promise<Specimen> {
    const form = new FormData();
    form.append('metadata', JSON.stringify(metadata));
    for (const file of files) form.append('images', file, file.name);
    return upload<Specimen>('/specimens', form, options);
  },

  /** Adds photographs to a specimen (a live room's camera frame or annotated still); answers the new images only. */
  addSpecimenImages(specimenId: string, files: readonly File[], provenance: ImageProvenance, options: UploadOptions = {}): Promise<AddedImages> {
    const form = new FormData();
    form.append('origin', provenance.origin);
    if (provenance.roomId) form.append('roomId', provenance.roomId);
    for (const file of files) form.append('images', file, file.name);
    return upload<AddedImages>(`/specimens/${encodeURIComponent(specimenId)}/images`, form, options);
  },

  // ---- Live rooms (ADR 0009) ----

  /** Experts and administrators: a consultation on a specimen (they host it) or a class they present. */
  createRoom(room: NewRoom): Promise<Room> {
    return request<Room>('/rooms', { method: 'POST', body: room });
  },

  listRooms(query: RoomQuery = {}, signal?: AbortSignal): Promise<RoomList> {
    // `active=false` must reach the server, which buildQuery would drop.
    const { active, ...rest } = query;
    return request<RoomList>('/rooms', { query: { ...rest, active: active === undefined ? undefined : String(active) }, signal });
  },

  getRoom(id: string, signal?: AbortSignal): Promise<RoomDetail> {
    return request<RoomDetail>(`/rooms/${encodeURIComponent(id)}`, { signal });
  },

  roomEvents(id: string, kinds?: readonly RoomEventKind[], signal?: AbortSignal): Promise<RoomEventList> {
    return request<RoomEventList>(`/rooms/${encodeURIComponent(id)}/events`, { query: { kinds: kinds?.join(',') }, signal });
  },

  enrolTrainee(id: string, userId: string): Promise<RoomParticipant> {
    return request<RoomParticipant>(`/rooms/${encodeURIComponent(id)}/participants`, { method: 'POST', body: { userId, role: 'trainee' } });
  },

  endRoom(id: string): Promise<Room> {
    return request<Room>(`/rooms/${encodeURIComponent(id)}/end`, { method: 'POST' });
  },

  listRecordings(roomId: string, signal?: AbortSignal): Promise<{ items: RoomRecording[] }> {
    return request<{ items: RoomRecording[] }>(`/rooms/${encodeURIComponent(roomId)}/recordings`, { signal });
  },

  startRecording(roomId: string): Promise<RoomRecording> {
    return request<RoomRecording>(`/rooms/${encodeURIComponent(roomId)}/recordings`, { method: 'POST' });
  },

  stopRecording(roomId: string, recordingId: string): Promise<RoomRecording> {
    return request<RoomRecording>(`/rooms/${encodeURIComponent(roomId)}/recordings/${encodeURIComponent(recordingId)}/stop`, { method: 'POST' });
  },

  /** A short-lived token to join the room's live session, with the caller's role in it. */
  roomToken(id: string, signal?: AbortSignal): Promise<RoomToken> {
    return request<RoomToken>(`/rooms/${encodeURIComponent(id)}/token`, { method: 'POST', signal });
  },

  recordRoomIdentification(id: string, identification: RoomIdentification): Promise<IdentificationHistoryEntry> {
    return request<IdentificationHistoryEntry>(`/rooms/${encodeURIComponent(id)}/identification`, { method: 'POST', body: identification });
  },
};
