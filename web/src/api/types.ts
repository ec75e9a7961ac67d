// Shapes of the VectorDesk HTTP API (v1) as used by the browser app.

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

/** One candidate of the top-k list: a taxon and its calibrated probability (0–1). */
export interface TaxonProbability {
  taxon: string;
  p: number;
}

/** What the models answered for one photo (or the whole specimen). */
export interface AiAnswer {
  /** mosquito, tick, rodent, flea, cockroach, fly or not_vector (a newer server may add more). */
  group: string;
  lifeStage: string | null;
  /** Scientific name of the most specific confident label, or `unknown` when rejected. */
  taxon: string;
  /** Calibrated probability of `taxon`, 0–1. */
  confidence: number;
  rejected: boolean;
  topK: TaxonProbability[];
  /** `name@version` of the most specific model consulted. */
  model: string;
  models: string[];
}

export interface IdentificationTimings {
  queueMs: number;
  preprocessMs: number;
  inferenceMs: number;
  batchImages: number;
}

export type ImageIdentification = ({ imageId: string } & AiAnswer) | { imageId: string; error: string };

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
