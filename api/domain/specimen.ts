import type { ImageQualityFinding } from './image-quality.js';
import type { IdentificationHistoryEntry, SpecimenIdentification } from './identification.js';
import type { SpecimenReviewState } from './review.js';
import type { Triage } from './triage.js';
import type { ImageOrigin, LifeStage, PortType, Sex, SiteType, SpecimenStatus, TrapMethod } from './vocabulary.js';

export interface ImageProvenance {
  origin: ImageOrigin;
  /** The live room the image was taken in, as the client names it. */
  roomId: string | null;
}

/** Where a specimen was trapped, as the submitter's device reported it (WGS 84 degrees; accuracy in metres). */
export interface GeoPosition {
  latitude: number;
  longitude: number;
  accuracyMetres?: number;
}

/**
 * The submitter's own id for a submission and a digest of what it carried (ADR 0023): a repeat with the same id and
 * digest is the same submission.
 */
export interface ClientSubmission {
  id: string;
  digest: string;
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
  /** What the quality gate found wrong with it when it was accepted (ADR 0034); empty for a good photo. */
  qualityWarnings: ImageQualityFinding[];
}

export interface SpecimenRecord {
  id: string;
  /** Changes with every change to anything below, the names of its port, units and people aside (ADR 0040). */
  revision: string;
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
  position: GeoPosition | null;
  status: SpecimenStatus;
  createdBy: { id: string; username: string; displayName: string };
  createdAt: Date;
  updatedAt: Date;
  images: SpecimenImageRecord[];
  /** The automatic identification; null only for specimens created before identification existed. */
  identification: SpecimenIdentification | null;
  /** Every primary AI answer and every expert identification, newest first. */
  identifications: IdentificationHistoryEntry[];
  /** Where triage sent it and why; null until its identification has been triaged. */
  triage: (Triage & { triagedAt: Date }) | null;
  review: SpecimenReviewState;
  /** The detection its confirmation created. */
  detectionId: string | null;
}
