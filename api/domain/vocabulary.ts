/**
 * Every closed list of values the service knows: the database columns, the wire contract and the web app's
 * pickers all take them from here, so a value added in one place exists everywhere.
 */

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

/**
 * Where an image added to an existing specimen came from: a file, a frame grabbed from a live room's camera or
 * microscope, or a room's still with its annotations drawn in. Recorded in the audit entry of the addition.
 */
export const IMAGE_ORIGINS = ['upload', 'camera-still', 'annotated-still'] as const;
export type ImageOrigin = (typeof IMAGE_ORIGINS)[number];

/** The vector groups the group model tells apart (the same list as the training taxonomy's, checked by a test). */
export const VECTOR_GROUPS = ['mosquito', 'tick', 'rodent', 'flea', 'cockroach', 'fly', 'not_vector'] as const;
export type VectorGroup = (typeof VECTOR_GROUPS)[number];

export const IDENTIFICATION_STATUSES = ['pending', 'done', 'failed'] as const;
export type IdentificationStatus = (typeof IDENTIFICATION_STATUSES)[number];

export const IDENTIFICATION_SOURCES = ['ai', 'expert'] as const;
export type IdentificationSource = (typeof IDENTIFICATION_SOURCES)[number];

export const MODEL_TASKS = ['group', 'species'] as const;
export type ModelTask = (typeof MODEL_TASKS)[number];

/** consultation: around a specimen (expert host, staff and experts take part); class: a presenter and trainees. */
export const ROOM_KINDS = ['consultation', 'class'] as const;
export type RoomKind = (typeof ROOM_KINDS)[number];

export const ROOM_ROLES = ['host', 'participant', 'trainee'] as const;
export type RoomRole = (typeof ROOM_ROLES)[number];

export const ROOM_EVENT_KINDS = ['joined', 'left', 'chat', 'annotation', 'annotations-cleared', 'still'] as const;
export type RoomEventKind = (typeof ROOM_EVENT_KINDS)[number];

/** recording → processing (files being written) → ready, or failed. */
export const RECORDING_STATUSES = ['recording', 'processing', 'ready', 'failed'] as const;
export type RecordingStatus = (typeof RECORDING_STATUSES)[number];
