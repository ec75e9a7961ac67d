/**
 * Every closed list of values the service knows: the database columns, the wire contract and the web app's
 * pickers all take them from here, so a value added in one place exists everywhere.
 */

export const ROLES = ['admin', 'expert', 'staff', 'trainee'] as const;
export type Role = (typeof ROLES)[number];

export const UNIT_LEVELS = ['headquarters', 'district', 'port'] as const;
export type UnitLevel = (typeof UNIT_LEVELS)[number];
/** The level of a unit's children, which follows from its own; port-level units have none. */
export const CHILD_UNIT_LEVEL: Readonly<Record<UnitLevel, UnitLevel | null>> = { headquarters: 'district', district: 'port', port: null };

/** What an audit entry is about: every kind of thing whose changes are recorded in the audit trail. */
export const AUDIT_ENTITY_TYPES = [
  'user',
  'unit',
  'port',
  'lab',
  'lab_slot',
  'appointment',
  'model',
  'taxon',
  'triage_rule',
  'alert_channel',
  'alert',
  'specimen',
  'detection',
  'room',
  'course',
  'dataset_snapshot',
] as const;
export type AuditEntityType = (typeof AUDIT_ENTITY_TYPES)[number];

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

/**
 * submitted (waiting for the AI) → confirmed (triaged `auto`, or experts agreed) or in_review (triaged `review`/`critical`)
 * → confirmed, or needs_photos (an expert asked for more) → in_review once photos are added. `rejected`: withdrawn.
 */
export const SPECIMEN_STATUSES = ['submitted', 'in_review', 'needs_photos', 'confirmed', 'rejected'] as const;
export type SpecimenStatus = (typeof SPECIMEN_STATUSES)[number];

/**
 * Where an image added to an existing specimen came from: a file, a frame grabbed from a live room's camera or
 * microscope, or a room's still with its annotations drawn in. Recorded in the audit entry of the addition.
 */
export const IMAGE_ORIGINS = ['upload', 'camera-still', 'annotated-still'] as const;
export type ImageOrigin = (typeof IMAGE_ORIGINS)[number];

/** The formats an uploaded photograph may be in, as the image decoder (sharp) names them; AVIF is read as `heif`. */
export const IMAGE_FORMATS = ['jpeg', 'png', 'webp', 'tiff', 'heif'] as const;
export type ImageFormat = (typeof IMAGE_FORMATS)[number];

/**
 * What the image quality gate finds wrong with a photograph (ADR 0034): a short side below what shows a specimen's
 * features, too little sharpness for its contrast, highlights or shadows clipped, or no structure standing out from
 * the background. Each comes with the measured value and the limit it broke.
 */
export const IMAGE_QUALITY_PROBLEMS = ['too_small', 'blurred', 'over_exposed', 'under_exposed', 'no_specimen'] as const;
export type ImageQualityProblem = (typeof IMAGE_QUALITY_PROBLEMS)[number];

/** What the gate does with a photo that has quality problems: `warn` accepts it and keeps the warnings, `refuse` answers 422. */
export const IMAGE_QUALITY_MODES = ['warn', 'refuse', 'off'] as const;
export type ImageQualityMode = (typeof IMAGE_QUALITY_MODES)[number];

/** How browsers name files of each accepted format: media types, and name endings for files that come without one. */
export const IMAGE_FORMAT_FILES: Readonly<Record<ImageFormat, { mediaTypes: readonly string[]; extensions: readonly string[] }>> = {
  jpeg: { mediaTypes: ['image/jpeg'], extensions: ['jpg', 'jpeg', 'jfif'] },
  png: { mediaTypes: ['image/png'], extensions: ['png'] },
  webp: { mediaTypes: ['image/webp'], extensions: ['webp'] },
  tiff: { mediaTypes: ['image/tiff'], extensions: ['tif', 'tiff'] },
  heif: { mediaTypes: ['image/heif', 'image/heic', 'image/avif'], extensions: ['heif', 'heic', 'hif', 'avif'] },
};

/** The vector groups the group model tells apart (the same list as the training taxonomy's, checked by a test). */
export const VECTOR_GROUPS = ['mosquito', 'tick', 'rodent', 'flea', 'cockroach', 'fly', 'not_vector'] as const;
export type VectorGroup = (typeof VECTOR_GROUPS)[number];

export const IDENTIFICATION_STATUSES = ['pending', 'done', 'failed'] as const;
export type IdentificationStatus = (typeof IDENTIFICATION_STATUSES)[number];

export const IDENTIFICATION_SOURCES = ['ai', 'expert'] as const;
export type IdentificationSource = (typeof IDENTIFICATION_SOURCES)[number];

/** How specific an AI answer committed to be: `none` when the models rejected the images (ADR 0033). */
export const IDENTIFICATION_LEVELS = ['species', 'genus', 'group', 'none'] as const;
export type IdentificationLevel = (typeof IDENTIFICATION_LEVELS)[number];

export const MODEL_TASKS = ['group', 'species'] as const;
export type ModelTask = (typeof MODEL_TASKS)[number];

/** consultation: around a specimen (expert host, staff and experts take part); class: a presenter and trainees. */
export const ROOM_KINDS = ['consultation', 'class'] as const;
export type RoomKind = (typeof ROOM_KINDS)[number];

export const ROOM_ROLES = ['host', 'participant', 'trainee'] as const;
export type RoomRole = (typeof ROOM_ROLES)[number];

/** Why a person who sees a room may not join it: a trainee and a consultation, a specimen outside their scope, a class they are not enrolled in. */
export const ROOM_REFUSALS = ['trainee_in_consultation', 'out_of_scope', 'not_enrolled'] as const;
export type RoomRefusal = (typeof ROOM_REFUSALS)[number];

export const ROOM_EVENT_KINDS = ['joined', 'left', 'chat', 'annotation', 'annotations-cleared', 'still'] as const;
export type RoomEventKind = (typeof ROOM_EVENT_KINDS)[number];

/** recording → processing (files being written) → ready, or failed. */
export const RECORDING_STATUSES = ['recording', 'processing', 'ready', 'failed'] as const;
export type RecordingStatus = (typeof RECORDING_STATUSES)[number];

/** Taxonomic ranks, broadest first (the same list as the training taxonomy's, checked by a test). */
export const TAXON_RANKS = ['order', 'family', 'genus', 'species', 'none'] as const;
export type TaxonRank = (typeof TAXON_RANKS)[number];

/** Where triage sends an identified specimen: accepted as is, to an expert, or to two experts at once. */
export const TRIAGE_QUEUES = ['auto', 'review', 'critical'] as const;
export type TriageQueue = (typeof TRIAGE_QUEUES)[number];

/** The queues a triage rule may send to (a rule never sends to `auto`: that is where nothing matched). */
export const REVIEW_QUEUES = ['review', 'critical'] as const;
export type ReviewQueue = (typeof REVIEW_QUEUES)[number];

/**
 * The facts triage rules test, one rule per fact (`triage_rules`); each is also the reason code a specimen carries.
 * `escalated` is never a rule: it is the reason recorded when experts disagree.
 */
export const TRIAGE_CONDITIONS = [
  'identification_failed',
  'rejected',
  'confidence_below',
  'shadow_disagrees',
  'refiner_group_disagree',
  'watch_list',
  'first_at_port',
  'first_in_district',
  'first_nationally',
] as const;
export type TriageCondition = (typeof TRIAGE_CONDITIONS)[number];

export const TRIAGE_REASON_CODES = [...TRIAGE_CONDITIONS, 'experts_disagree'] as const;
export type TriageReasonCode = (typeof TRIAGE_REASON_CODES)[number];

export const REVIEW_DECISIONS = ['confirm', 'correct', 'need-more-photos'] as const;
export type ReviewDecision = (typeof REVIEW_DECISIONS)[number];

/** The levels at which a detection can be the first record of its taxon. */
export const DETECTION_LEVELS = ['port', 'district', 'national'] as const;
export type DetectionLevel = (typeof DETECTION_LEVELS)[number];

/** Why a detection raises an alert. */
export const ALERT_REASONS = ['watch_list', 'first_at_port', 'first_in_district', 'first_nationally'] as const;
export type AlertReason = (typeof ALERT_REASONS)[number];

/** open → acknowledged → confirmed; open or acknowledged → dismissed (with a reason). */
export const ALERT_STATUSES = ['open', 'acknowledged', 'confirmed', 'dismissed'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

export const ALERT_CHANNEL_KINDS = ['in_app', 'webhook', 'sms'] as const;
export type AlertChannelKind = (typeof ALERT_CHANNEL_KINDS)[number];

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/**
 * How sure the AI was of a specimen's latest answer, in bands a person filters by: `high` ≥ 0.9, `medium` ≥ 0.6,
 * `low` below (CONFIDENCE_BAND_FLOORS); specimens without an AI confidence fall in none.
 */
export const CONFIDENCE_BANDS = ['high', 'medium', 'low'] as const;
export type ConfidenceBand = (typeof CONFIDENCE_BANDS)[number];
export const CONFIDENCE_BAND_FLOORS: Record<ConfidenceBand, number> = { high: 0.9, medium: 0.6, low: 0 };

/** What surveillance statistics can be counted by (`GET /api/v1/stats/counts?by=…`). */
export const STAT_DIMENSIONS = ['taxon', 'group', 'port', 'district', 'siteType', 'month', 'week', 'identifiedBy', 'status'] as const;
export type StatDimension = (typeof STAT_DIMENSIONS)[number];

/** Orders of the specimen list: a field, `-` first for newest/highest first. */
export const SPECIMEN_SORTS = ['-createdAt', 'createdAt', '-collectedAt', 'collectedAt', '-confidence', 'confidence'] as const;
export type SpecimenSort = (typeof SPECIMEN_SORTS)[number];

/** What a surveillance turnaround is broken down by. */
export const TURNAROUND_DIMENSIONS = ['port', 'month'] as const;
export type TurnaroundDimension = (typeof TURNAROUND_DIMENSIONS)[number];
/** The turnaround's steps in timeline order; the database numbers them 1 to 5 (migration 0013). */
export const TURNAROUND_STEPS = ['collectedToSubmitted', 'submittedToAi', 'aiToDecision', 'decisionToAcknowledged', 'total'] as const;
export type TurnaroundStep = (typeof TURNAROUND_STEPS)[number];

/** Export file formats: plain CSV, GeoJSON of ports with counts (RFC 7946), Darwin Core occurrence CSV. */
export const EXPORT_FORMATS = ['csv', 'geojson', 'dwc'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** `expired`: done, and its file deleted after the retention (`EXPORT_RETENTION_HOURS`). */
/** A retrain job (ADR 0032): waiting, running, then registered (passed the gate), rejected (refused by it) or failed. */
export const RETRAIN_STATUSES = ['queued', 'running', 'registered', 'rejected', 'failed'] as const;
export type RetrainStatus = (typeof RETRAIN_STATUSES)[number];
/** What a running retrain job is doing (`inference/retrain/retrain.ts` reports them in this order). */
export const RETRAIN_PHASES = ['preparing', 'training', 'evaluating', 'gating', 'registering'] as const;
export type RetrainPhase = (typeof RETRAIN_PHASES)[number];

export const EXPORT_STATUSES = ['queued', 'running', 'done', 'failed', 'expired'] as const;
export type ExportStatus = (typeof EXPORT_STATUSES)[number];
/** booked → cancelled (by the booking unit's people or the lab's managers); a cancelled appointment holds no place. */
export const APPOINTMENT_STATUSES = ['booked', 'cancelled'] as const;
export type AppointmentStatus = (typeof APPOINTMENT_STATUSES)[number];

/** An expert's mark on a confirmed specimen in the specimen bank: a teaching example, or hidden as a poor one. */
export const TEACHING_MARKS = ['example', 'hidden'] as const;
export type TeachingMark = (typeof TEACHING_MARKS)[number];

/** What a course gives its trainees to do by a due date: work through a practice set, or attend a class. */
export const ASSIGNMENT_KINDS = ['practice', 'class'] as const;
export type AssignmentKind = (typeof ASSIGNMENT_KINDS)[number];

/**
 * How a practice set is drawn (ADR 0028). `gentle`: teaching examples first, look-alikes left to chance; `mixed`: a
 * little of each; `hard`: the look-alikes of the taxa the trainee confused first. Whatever the difficulty, what is due
 * for repetition comes first.
 */
export const PRACTICE_DIFFICULTIES = ['gentle', 'mixed', 'hard'] as const;
export type PracticeDifficulty = (typeof PRACTICE_DIFFICULTIES)[number];

/**
 * Where a trainee stands with an assignment: `done` (the practice set worked through, the class attended), else
 * `pending` until its due date and `overdue` after it. Work done late still counts as done.
 */
export const ASSIGNMENT_STATUSES = ['done', 'pending', 'overdue'] as const;
export type AssignmentStatus = (typeof ASSIGNMENT_STATUSES)[number];
