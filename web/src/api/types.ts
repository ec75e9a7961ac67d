// Shapes of the VectorDesk HTTP API (v1) as used by the browser app.

import type { IdentificationTimings, ImageAnswer as ImageIdentification, TaxonProbability } from '../../../api/domain/identification';
import type { RoomEventRecord } from '../../../api/contract';

export const ROLES = ['admin', 'expert', 'staff', 'trainee'] as const;
export type Role = (typeof ROLES)[number];

export const UNIT_LEVELS = ['headquarters', 'district', 'port'] as const;
export type UnitLevel = (typeof UNIT_LEVELS)[number];

export const PORT_TYPES = ['sea', 'air', 'land'] as const;
export type PortType = (typeof PORT_TYPES)[number];

export const SITE_TYPES = ['ship', 'aircraft', 'vehicle', 'container', 'cargo', 'port_area', 'other'] as const;
export type SiteType = (typeof SITE_TYPES)[number];

export const TRAP_METHODS = [
  'light_trap',
  'co2_trap',
  'bg_sentinel',
  'gravid_trap',
  'ovitrap',
  'larval_dipping',
  'sticky_trap',
  'rodent_cage_trap',
  'snap_trap',
  'tick_flagging',
  'manual_collection',
  'other',
] as const;
export type TrapMethod = (typeof TRAP_METHODS)[number];

export const LIFE_STAGES = ['egg', 'larva', 'pupa', 'nymph', 'adult', 'unknown'] as const;
export type LifeStage = (typeof LIFE_STAGES)[number];

export const SEXES = ['male', 'female', 'unknown'] as const;
export type Sex = (typeof SEXES)[number];

export const SPECIMEN_STATUSES = ['submitted', 'in_review', 'confirmed', 'rejected'] as const;
export type SpecimenStatus = (typeof SPECIMEN_STATUSES)[number];

export interface Unit {
  id: string;
  code: string;
  level: UnitLevel;
  nameZh: string;
  nameEn: string;
}

export interface User {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  unit: Unit;
}

export interface LoginResponse {
  token: string;
  user: User;
}

export interface MeResponse {
  user: User;
}

export interface Port {
  id: string;
  code: string;
  nameZh: string;
  nameEn: string;
  type: PortType;
  longitude: number;
  latitude: number;
  unitId: string;
}

export interface PortList {
  items: Port[];
}

export type PortRef = Pick<Port, 'id' | 'code' | 'nameZh' | 'nameEn' | 'type'>;

export interface SpecimenImage {
  id: string;
  sha256: string;
  width: number;
  height: number;
  format: string;
  bytes: number;
  originalFilename: string | null;
  originalUrl: string;
  thumbnailUrl: string;
}

/** Where an image added to an existing specimen came from (`POST /specimens/:id/images`). */
export type ImageOrigin = 'upload' | 'camera-still' | 'annotated-still';

export interface ImageProvenance {
  origin: ImageOrigin;
  /** The live room it was taken in. */
  roomId?: string;
}

/** The answer of `POST /specimens/:id/images`: the images it added, in order. */
export interface AddedImages {
  images: SpecimenImage[];
}

export interface Specimen {
  id: string;
  unitId: string;
  port: PortRef;
  siteType: SiteType;
  locationDetail: string | null;
  trapMethod: TrapMethod | null;
  collectedAt: string;
  collector: string | null;
  count: number;
  lifeStage: LifeStage | null;
  sex: Sex | null;
  notes: string | null;
  status: SpecimenStatus;
  createdBy: { id: string; username: string; displayName: string };
  createdAt: string;
  updatedAt: string;
  images: SpecimenImage[];
  /** The automatic identification; null for specimens stored before it existed. */
  identification: SpecimenIdentification | null;
}

// ---- Automatic identification ------------------------------------------------

export const IDENTIFICATION_STATUSES = ['pending', 'done', 'failed'] as const;
export type IdentificationStatus = (typeof IDENTIFICATION_STATUSES)[number];

export const VECTOR_GROUPS = ['mosquito', 'tick', 'rodent', 'flea', 'cockroach', 'fly', 'not_vector'] as const;
export type VectorGroup = (typeof VECTOR_GROUPS)[number];

// The AI's answer has one definition, the API's domain type (type-only: nothing of the server is bundled).
export type { AiAnswer, IdentificationTimings, ImageAnswer as ImageIdentification, TaxonProbability } from '../../../api/domain/identification';

export interface SpecimenIdentification {
  status: IdentificationStatus;
  requestedAt: string;
  completedAt: string | null;
  error: string | null;
  group: string | null;
  lifeStage: string | null;
  taxon: string | null;
  confidence: number | null;
  rejected: boolean | null;
  topK: TaxonProbability[];
  model: string | null;
  models: string[];
  timings: IdentificationTimings | null;
  images: ImageIdentification[];
}

export interface ModelMetrics {
  top1?: number;
  top3?: number;
  ece?: number;
  rejectionAuroc?: number | null;
}

/** A model package as GET /api/v1/models lists it. */
export interface ModelInfo {
  name: string;
  version: string;
  /** `name@version` */
  ref: string;
  verified: boolean;
  error: string | null;
  task: 'group' | 'species' | null;
  parentLabel: string | null;
  sha256: string | null;
  onnxBytes: number | null;
  metrics: ModelMetrics | null;
  active: boolean;
  shadow: boolean;
}

export interface ModelList {
  items: ModelInfo[];
}

/** The JSON document sent as the `metadata` multipart field of POST /api/v1/specimens. */
export interface SpecimenMetadata {
  portCode: string;
  siteType: SiteType;
  locationDetail?: string;
  trapMethod?: TrapMethod;
  collectedAt: string;
  collector?: string;
  count?: number;
  lifeStage?: LifeStage;
  sex?: Sex;
  notes?: string;
}

/** Body of PATCH /api/v1/specimens/:id (status only for expert/admin). */
export type SpecimenPatch = Partial<SpecimenMetadata> & { status?: SpecimenStatus };

export interface SpecimenList {
  items: Specimen[];
  total: number;
  limit: number;
  offset: number;
}

export interface SpecimenQuery {
  portCode?: string;
  status?: SpecimenStatus;
  siteType?: SiteType;
  from?: string;
  to?: string;
  /** Only specimens the caller submitted (server-side optional flag). */
  mine?: boolean;
  limit?: number;
  offset?: number;
}

/** Error body returned by the server for every non-2xx response. */
export interface ApiErrorBody {
  error: string;
  message: string;
  details?: unknown;
}

/** socket.io events pushed by the server. */
export interface ServerToClientEvents {
  'specimen.created': (payload: { specimen: Specimen }) => void;
  'specimen.updated': (payload: { specimen: Specimen }) => void;
  /** The automatic identification of a specimen finished (`done` or `failed`). */
  'identification.completed': (payload: { specimen: Specimen }) => void;
}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ClientToServerEvents {}

// ---- Live rooms (ADR 0009) ---------------------------------------------------------

export const ROOM_KINDS = ['consultation', 'class'] as const;
export type RoomKind = (typeof ROOM_KINDS)[number];

/** consultation: host (the expert who opened it, administrators) and participants; class: host and trainees. */
export const ROOM_ROLES = ['host', 'participant', 'trainee'] as const;
export type RoomRole = (typeof ROOM_ROLES)[number];

export interface PersonRef {
  id: string;
  username: string;
  displayName: string;
}

export interface Room {
  id: string;
  kind: RoomKind;
  title: string;
  /** The specimen a consultation is about; null for a class. */
  specimenId: string | null;
  unitId: string;
  createdBy: PersonRef;
  createdAt: string;
  endedAt: string | null;
  /** Not ended. */
  active: boolean;
}

export interface RoomList {
  items: Room[];
  total: number;
  limit: number;
  offset: number;
}

export interface RoomQuery {
  specimenId?: string;
  kind?: RoomKind;
  active?: boolean;
  limit?: number;
  offset?: number;
}

export interface RoomParticipant {
  user: PersonRef;
  role: RoomRole;
  enrolledAt: string;
}

export interface RoomDetail {
  room: Room;
  /** The host, and the trainees enrolled in a class. */
  participants: RoomParticipant[];
  counts: { participants: number; events: Record<string, number> };
  /** Whether the room is open on the server now, and how many people are connected. */
  live: { open: boolean; peers: number };
}

export interface RecordedTrack {
  /** Download it from `/rooms/:id/recordings/:recordingId/tracks/:number`. */
  number: number;
  producerId: string;
  userId: string;
  displayName: string;
  kind: 'audio' | 'video';
  source: string;
  codec: string;
  offsetMs: number;
  durationMs: number;
  sizeBytes: number;
  width?: number;
  height?: number;
}

export interface RoomRecording {
  id: string;
  roomId: string;
  status: 'recording' | 'processing' | 'ready' | 'failed';
  startedBy: PersonRef;
  startedAt: string;
  stoppedBy: PersonRef | null;
  stoppedAt: string | null;
  fileName: string | null;
  mediaType: string | null;
  sizeBytes: number | null;
  durationMs: number | null;
  tracks: RecordedTrack[];
  problems: string[];
}

export type NewRoom =
  | { kind: 'consultation'; specimenId: string; title?: string }
  | { kind: 'class'; title: string; trainees?: string[] };

/** POST /api/v1/rooms/:id/token: pass `token` as `auth.roomToken` when connecting to the `/rtc` namespace. */
export interface RoomToken {
  token: string;
  roomId: string;
  kind: RoomKind;
  role: RoomRole;
  expiresAt: string;
  /** The server the room is live on, when several serve the rooms; null: this page's own server. */
  signallingUrl: string | null;
}

export const ROOM_EVENT_KINDS = ['joined', 'left', 'chat', 'annotation', 'annotations-cleared', 'still'] as const;
export type RoomEventKind = (typeof ROOM_EVENT_KINDS)[number];

/**
 * One stored event of a room: pushed live as `roomEvent`, replayed in `history` on join, listed by
 * GET /api/v1/rooms/:id/events. chat: {text}; annotation: {shape, points, colour, text?}; still: {imageId}.
 */
export type { RoomEventRecord } from '../../../api/contract';

export interface RoomEventList {
  items: RoomEventRecord[];
  total: number;
  limit: number;
  offset: number;
}

/** Body of POST /api/v1/rooms/:id/identification (the consultation's host records the outcome). */
export interface RoomIdentification {
  group: VectorGroup;
  taxon: string;
  lifeStage?: LifeStage | null;
  confidence?: number | null;
  notes?: string | null;
}

export interface IdentificationHistoryEntry {
  id: string;
  source: 'ai' | 'expert';
  group: string;
  lifeStage: string | null;
  taxon: string;
  confidence: number | null;
  rejected: boolean;
  model: string | null;
  author: PersonRef | null;
  roomId: string | null;
  notes: string | null;
  createdAt: string;
}
