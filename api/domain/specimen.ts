import type { IdentificationHistoryEntry, SpecimenIdentification } from './identification.js';
import { Type, type Static, type TSchema } from 'typebox';
import type { PortType } from '../db/schema.js';

export const SITE_TYPES = ['ship', 'aircraft', 'vehicle', 'container', 'cargo', 'port_area', 'other'] as const;
export const TRAP_METHODS = [
  'light_trap', 'co2_trap', 'bg_sentinel', 'gravid_trap', 'ovitrap', 'larval_dipping', 'sticky_trap',
  'rodent_cage_trap', 'snap_trap', 'tick_flagging', 'manual_collection', 'other',
] as const;
export const LIFE_STAGES = ['egg', 'larva', 'pupa', 'nymph', 'adult', 'unknown'] as const;
export const SEXES = ['male', 'female', 'unknown'] as const;
export const SPECIMEN_STATUSES = ['submitted', 'in_review', 'confirmed', 'rejected'] as const;
export type SiteType = (typeof SITE_TYPES)[number];
export type TrapMethod = (typeof TRAP_METHODS)[number];
export type LifeStage = (typeof LIFE_STAGES)[number];
export type Sex = (typeof SEXES)[number];
export type SpecimenStatus = (typeof SPECIMEN_STATUSES)[number];

const nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const freeText = (maxLength: number, description: string) =>
  Type.Union([Type.String({ maxLength }), Type.Null()], { description });

const editableFields = {
  siteType: Type.Enum(SITE_TYPES, { description: 'Where the specimen was trapped' }),
  locationDetail: Type.Optional(freeText(500, 'Conveyance or location detail: ship name, flight number, container number, area')),
  trapMethod: Type.Optional(nullable(Type.Enum(TRAP_METHODS, { description: 'How it was collected' }))),
  collectedAt: Type.String({ format: 'date-time', description: 'When it was collected (ISO 8601 with offset)' }),
  collector: Type.Optional(freeText(200, 'Who collected it')),
  count: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000, description: 'Number of individuals' })),
  lifeStage: Type.Optional(nullable(Type.Enum(LIFE_STAGES, { description: 'Life stage' }))),
  sex: Type.Optional(nullable(Type.Enum(SEXES, { description: 'Sex' }))),
  notes: Type.Optional(freeText(5000, 'Free notes')),
};

/** The `metadata` part of a specimen upload. */
export const SpecimenMetadataSchema = Type.Object(
  { portCode: Type.String({ minLength: 1, maxLength: 64, description: 'Code of the port it was trapped at' }), ...editableFields },
  { additionalProperties: false },
);
export type SpecimenMetadata = Static<typeof SpecimenMetadataSchema>;

export const SpecimenPatchSchema = Type.Object(
  {
    ...Type.Partial(Type.Object(editableFields)).properties,
    status: Type.Optional(Type.Enum(SPECIMEN_STATUSES, { description: 'Workflow status; experts and administrators only' })),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type SpecimenPatch = Static<typeof SpecimenPatchSchema>;

/**
 * Where an image added to an existing specimen came from: a file, a frame grabbed from a live room's camera or
 * microscope, or a room's still with its annotations drawn in. Recorded in the audit entry of the addition.
 */
export const IMAGE_ORIGINS = ['upload', 'camera-still', 'annotated-still'] as const;
export type ImageOrigin = (typeof IMAGE_ORIGINS)[number];

export interface ImageProvenance {
  origin: ImageOrigin;
  /** The live room the image was taken in, as the client names it. */
  roomId: string | null;
}

/** A specimen as the domain sees it: its row joined with port, creator and images. */
export interface SpecimenImageRecord {
  id: string;
  sha256: string;
  width: number;
  height: number;
  format: string;
  bytes: number;
  originalFilename: string | null;
  position: number;
}

export interface SpecimenRecord {
  id: string;
  unitId: string;
  unitPath: string;
  port: { id: string; code: string; nameZh: string; nameEn: string; type: PortType };
  siteType: SiteType;
  locationDetail: string | null;
  trapMethod: TrapMethod | null;
  collectedAt: Date;
  collector: string | null;
  count: number;
  lifeStage: LifeStage | null;
  sex: Sex | null;
  notes: string | null;
  status: SpecimenStatus;
  createdBy: { id: string; username: string; displayName: string };
  createdAt: Date;
  updatedAt: Date;
  images: SpecimenImageRecord[];
  /** The automatic identification; null only for specimens created before identification existed. */
  identification: SpecimenIdentification | null;
  /** Every primary AI answer and every expert identification, newest first. */
  identifications: IdentificationHistoryEntry[];
}
