import type {
  AlertChannelKind,
  AppointmentStatus,
  AlertReason,
  AlertStatus,
  AssignmentKind,
  DeliveryStatus,
  DetectionLevel,
  ExportFormat,
  ExportStatus,
  IdentificationLevel,
  IdentificationSource,
  IdentificationStatus,
  LifeStage,
  PortType,
  PracticeDifficulty,
  RecordingStatus,
  RetrainPhase,
  RetrainStatus,
  Role,
  RoomEventKind,
  RoomKind,
  RoomRole,
  ReviewDecision,
  ReviewQueue,
  Sex,
  SiteType,
  SpecimenStatus,
  TaxonRank,
  TeachingMark,
  TrapMethod,
  TriageCondition,
  TriageQueue,
  UnitLevel,
  VectorGroup,
} from '../domain/vocabulary.js';
import type { RetrainOptions, RetrainOutcome } from '../contract/models.js';
import type { SnapshotFilters } from '../contract/datasets.js';
import type { SurveillanceFilters } from '../contract/surveillance.js';
import type { Scope } from '../domain/access.js';
import type { ImageQualityFinding } from '../domain/image-quality.js';
import type { TriageReason } from '../domain/triage.js';
import type { LevelAnswers } from '../domain/identification.js';
import type { RecordedTrack } from '../../rtc/recording/room-recording.js';
import type { ProvenanceSummary } from '../../datasets/snapshot.js';
import type { LabelSplitCount } from '../../datasets/stats.js';
import type { ColumnType, Generated, Insertable, JSONColumnType, Selectable, Updateable } from 'kysely';

/** Kysely's view of the tables created by `api/db/migrations`. */
export interface Database {
  settings: SettingsTable;
  access_epoch: AccessEpochTable;
  specimen_references_epoch: SpecimenReferencesEpochTable;
  units: UnitsTable;
  ports: PortsTable;
  users: UsersTable;
  sessions: SessionsTable;
  user_unit_grants: UserUnitGrantsTable;
  specimens: SpecimensTable;
  specimen_monthly_counts: SpecimenMonthlyCountsTable;
  specimen_counts: SpecimenCountsTable;
  specimen_count_changes: SpecimenCountsTable;
  blobs: BlobsTable;
  specimen_images: SpecimenImagesTable;
  audit_log: AuditLogTable;
  identification_requests: IdentificationRequestsTable;
  identifications: IdentificationsTable;
  image_identifications: ImageIdentificationsTable;
  rooms: RoomsTable;
  room_participants: RoomParticipantsTable;
  room_events: RoomEventsTable;
  room_recordings: RoomRecordingsTable;
  room_hosts: RoomHostsTable;
  taxa: TaxaTable;
  triage_rules: TriageRulesTable;
  reviews: ReviewsTable;
  detections: DetectionsTable;
  alerts: AlertsTable;
  alert_channels: AlertChannelsTable;
  alert_deliveries: AlertDeliveriesTable;
  alert_delivery_attempts: AlertDeliveryAttemptsTable;
  exports: ExportsTable;
  labs: LabsTable;
  lab_managers: LabManagersTable;
  lab_slots: LabSlotsTable;
  appointments: AppointmentsTable;
  appointment_specimens: AppointmentSpecimensTable;
  specimen_teaching_marks: SpecimenTeachingMarksTable;
  courses: CoursesTable;
  course_members: CourseMembersTable;
  course_assignments: CourseAssignmentsTable;
  practice_sessions: PracticeSessionsTable;
  practice_questions: PracticeQuestionsTable;
  practice_cards: PracticeCardsTable;
  room_quizzes: RoomQuizzesTable;
  room_quiz_answers: RoomQuizAnswersTable;
  retrain_jobs: RetrainJobsTable;
  dataset_snapshots: DatasetSnapshotsTable;
}

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | string | undefined, Date | string>;

export interface SettingsTable {
  key: string;
  value: string;
}

/** One row: bumped by triggers whenever users, units or unit grants change (migration 0003). */
/** Raised by any change to ports, units or people's names (migration 0024). */
export interface SpecimenReferencesEpochTable {
  id: number;
  epoch: ColumnType<string, never, never>;
}

export interface AccessEpochTable {
  id: number;
  /** bigint: `pg` returns it as a string. */
  epoch: ColumnType<string, never, never>;
}

export interface UnitsTable {
  id: Generated<string>;
  parent_id: string | null;
  level: UnitLevel;
  code: string;
  name_zh: string;
  name_en: string;
  /** `/<root id>/<child id>/…/<own id>/`: a subtree is every path with this prefix. */
  path: string;
  created_at: CreatedAt;
}

export interface PortsTable {
  id: Generated<string>;
  unit_id: string;
  code: string;
  name_zh: string;
  name_en: string;
  type: PortType;
  longitude: number;
  latitude: number;
  created_at: CreatedAt;
}

export interface UsersTable {
  id: Generated<string>;
  username: string;
  password_hash: string;
  display_name: string;
  role: Role;
  unit_id: string;
  disabled: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

/** Why a session ended early (migration 0008): logout, or a change to the account made by a trigger. */
export type SessionRevocationReason =
  'logout' | 'account_disabled' | 'role_changed' | 'unit_changed' | 'password_changed' | 'grant_withdrawn';

/** One signed-in session: the `sid` claim of its token (ADR 0017). */
export interface SessionsTable {
  id: string;
  user_id: string;
  created_at: CreatedAt;
  expires_at: ColumnType<Date, Date | string, never>;
  revoked_at: Nullable<Date>;
  revoked_reason: Nullable<SessionRevocationReason>;
  user_agent: string | null;
  ip: string | null;
}

export interface UserUnitGrantsTable {
  user_id: string;
  unit_id: string;
  created_at: CreatedAt;
}

export interface SpecimensTable {
  id: Generated<string>;
  unit_id: string;
  port_id: string;
  site_type: SiteType;
  location_detail: string | null;
  trap_method: TrapMethod | null;
  collected_at: ColumnType<Date, Date | string, Date | string>;
  collector: string | null;
  count: number;
  life_stage: LifeStage | null;
  sex: Sex | null;
  notes: string | null;
  status: ColumnType<SpecimenStatus, SpecimenStatus | undefined, SpecimenStatus>;
  created_by: string;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  /** Null until the specimen's identification has been triaged (migration 0007). */
  triage_queue: ColumnType<TriageQueue | null, TriageQueue | null | undefined, TriageQueue | null>;
  triage_reasons: JSONColumnType<TriageReason[], string | undefined, string>;
  triaged_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  review_unit_id: ColumnType<string | null, string | null | undefined, string | null>;
  review_round: ColumnType<number, number | undefined, number>;
  /** Its current identification (migration 0009, kept by triggers): the detection's, else the latest primary answer's. */
  taxon_id: ColumnType<string | null, string | null | undefined, never>;
  taxon_group: ColumnType<VectorGroup | null, VectorGroup | null | undefined, never>;
  identified_by: ColumnType<IdentificationSource | null, IdentificationSource | null | undefined, never>;
  /** The AI's confidence in its latest primary answer. */
  ai_confidence: ColumnType<number | null, number | null | undefined, never>;
  /** Whether it has a detection (migration 0011, kept by a trigger on detections). */
  detected: ColumnType<boolean, boolean | undefined, never>;
  /** Its timeline (migration 0011, kept by triggers): the AI's answer, the first expert decision, the alert acknowledged. */
  ai_answered_at: ColumnType<Date | null, Date | null | undefined, never>;
  decided_at: ColumnType<Date | null, Date | null | undefined, never>;
  alert_acknowledged_at: ColumnType<Date | null, Date | null | undefined, never>;
  /** Raised by every change to what the specimen's answer shows (migration 0024, kept by triggers); bigint, as a string. */
  revision: ColumnType<string, never, never>;
  /** Where it was trapped, as the submitter's device reported it (migration 0016): both or neither. */
  latitude: ColumnType<number | null, number | null | undefined, number | null>;
  longitude: ColumnType<number | null, number | null | undefined, number | null>;
  position_accuracy_m: ColumnType<number | null, number | null | undefined, number | null>;
  /** The submitter's id for the submission and the digest of what it carried (migration 0016, ADR 0023). */
  client_submission_id: ColumnType<string | null, string | null | undefined, never>;
  submission_digest: ColumnType<string | null, string | null | undefined, never>;
}

/**
 * Specimens per UTC month and the dimensions the statistics count by (migration 0011, kept exact by a trigger on
 * specimens); `collected_at` is the month's first instant, so the specimen filters apply to it unchanged.
 */
/** All time, per unit × port × site type × status (migration 0025): folded counts, and the changes not folded yet. */
export type SpecimenCountsTable = Pick<
  SpecimenMonthlyCountsTable,
  'unit_id' | 'port_id' | 'site_type' | 'status' | 'specimens' | 'individuals' | 'detections'
>;

export interface SpecimenMonthlyCountsTable {
  collected_at: Date;
  unit_id: string;
  port_id: string;
  site_type: SiteType;
  status: SpecimenStatus;
  taxon_id: string | null;
  taxon_group: VectorGroup | null;
  identified_by: IdentificationSource | null;
  /** bigint: node-postgres returns it as a string. */
  specimens: ColumnType<string | number, never, never>;
  individuals: ColumnType<string | number, never, never>;
  detections: ColumnType<string | number, never, never>;
}

export interface BlobsTable {
  sha256: string;
  format: string;
  width: number;
  height: number;
  bytes: number;
  /** EXIF orientation tag (1–8) of the original, applied when derivatives are made. */
  orientation: number | null;
  created_at: CreatedAt;
}

export interface SpecimenImagesTable {
  id: Generated<string>;
  specimen_id: string;
  blob_sha256: string;
  position: number;
  original_filename: string | null;
  /** The quality gate's findings when it was accepted (migration 0022). */
  quality_warnings: JsonList<ImageQualityFinding>;
  created_at: CreatedAt;
}

export interface AuditLogTable {
  id: Generated<string>;
  at: CreatedAt;
  user_id: string | null;
  action: string;
  entity_type: string;
  entity_id: string;
  before: JSONColumnType<Record<string, unknown> | null, string | null, string | null>;
  after: JSONColumnType<Record<string, unknown> | null, string | null, string | null>;
}

export interface IdentificationRequestsTable {
  specimen_id: string;
  status: IdentificationStatus;
  requested_at: CreatedAt;
  enqueued_at: Date | null;
  completed_at: Date | null;
  attempts: Generated<number>;
  error: string | null;
}

type Json<T extends object> = JSONColumnType<T, string, string>;

export interface IdentificationsTable {
  id: Generated<string>;
  specimen_id: string;
  source: IdentificationSource;
  role: ColumnType<'primary' | 'shadow', 'primary' | 'shadow' | undefined, never>;
  model_key: string | null;
  model: string | null;
  group: string;
  life_stage: string | null;
  taxon: string;
  confidence: number | null;
  rejected: boolean;
  /** AI answers: the level committed to; null for experts' answers and older AI answers of an unknown taxon (migration 0020). */
  committed_level: IdentificationLevel | null;
  /** AI answers: the answer at every level; null for experts' answers and AI answers older than migration 0020. */
  levels: JSONColumnType<LevelAnswers | null, string | null, string | null>;
  top_k: Json<{ taxon: string; p: number }[]>;
  timings: JSONColumnType<Record<string, number> | null, string | null, string | null>;
  failed_images: Json<{ imageId: string; error: string }[]>;
  author_id: string | null;
  /** Expert answers: the consultation (live room) they were made in, if any (migration 0004). */
  room_id: ColumnType<string | null, string | null | undefined, never>;
  /** Expert answers: the expert's remarks. */
  notes: ColumnType<string | null, string | null | undefined, never>;
  created_at: CreatedAt;
}

export interface ImageIdentificationsTable {
  identification_id: string;
  specimen_image_id: string;
  result: Json<Record<string, unknown>>;
}

export interface RoomsTable {
  id: Generated<string>;
  kind: RoomKind;
  title: string;
  /** The specimen a consultation is about; null for classes. */
  specimen_id: string | null;
  /** Whose scope the room is in: the specimen's unit (consultation), the creator's unit (class). */
  unit_id: string;
  created_by: string;
  created_at: CreatedAt;
  ended_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** When a class is due to start; null: whenever its presenter opens it. */
  scheduled_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  description: string | null;
}

/** The host of a room and the trainees enrolled in a class. */
export interface RoomParticipantsTable {
  room_id: string;
  user_id: string;
  role: RoomRole;
  enrolled_at: CreatedAt;
}

export interface RoomEventsTable {
  id: Generated<string>;
  room_id: string;
  kind: RoomEventKind;
  user_id: string;
  display_name: string;
  payload: Json<Record<string, unknown>>;
  at: CreatedAt;
  /** Insertion order (an identity column): what events are ordered by, since timestamps can tie. */
  seq: ColumnType<string | number | bigint, never, never>;
}

/** A recording of a live room and its files (stored under `recordings/<room id>/<recording id>/`). */
export interface RoomRecordingsTable {
  id: Generated<string>;
  room_id: string;
  status: ColumnType<RecordingStatus, RecordingStatus | undefined, RecordingStatus>;
  started_by: string;
  started_at: CreatedAt;
  stopped_by: ColumnType<string | null, string | null | undefined, string | null>;
  stopped_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  file_name: ColumnType<string | null, string | null | undefined, string | null>;
  media_type: ColumnType<string | null, string | null | undefined, string | null>;
  /** bigint: node-postgres returns it as a string. */
  size_bytes: ColumnType<string | number | null, number | null | undefined, number | null>;
  duration_ms: ColumnType<number | null, number | null | undefined, number | null>;
  tracks: JSONColumnType<RecordedTrack[], string | undefined, string>;
  problems: JSONColumnType<string[], string | undefined, string>;
}

export type UnitRow = Selectable<UnitsTable>;
export type PortRow = Selectable<PortsTable>;
export type UserRow = Selectable<UsersTable>;
export type SpecimenRow = Selectable<SpecimensTable>;
export type NewSpecimenRow = Insertable<SpecimensTable>;
export type SpecimenRowUpdate = Updateable<SpecimensTable>;
export type BlobRow = Selectable<BlobsTable>;
export type SpecimenImageRow = Selectable<SpecimenImagesTable>;
export type IdentificationRow = Selectable<IdentificationsTable>;
export type IdentificationRequestRow = Selectable<IdentificationRequestsTable>;
export type RoomRow = Selectable<RoomsTable>;
export type RoomEventRow = Selectable<RoomEventsTable>;

/** Which api process hosts each live room, while its lease runs (migration 0006, ADR 0011). */
export interface RoomHostsTable {
  room_id: string;
  process_id: string;
  signalling_url: string | null;
  lease_until: ColumnType<Date, Date | string, Date | string>;
}

type Nullable<T> = ColumnType<T | null, T | null | undefined, T | null>;
type JsonList<T> = JSONColumnType<T[], string | undefined, string>;

/** A disease a taxon carries, in both languages. */
export interface DiseaseName {
  nameZh: string;
  nameEn: string;
}

/** The curated taxa (migration 0007): seeded from the training taxonomy, watch-list flags edited by administrators. */
export interface TaxaTable {
  id: string;
  rank: TaxonRank;
  parent_id: string | null;
  group: VectorGroup;
  name_zh: string;
  name_en: string;
  synonyms: JsonList<string>;
  diseases: JsonList<DiseaseName>;
  lineage: string;
  search_text: string;
  watch_list: ColumnType<boolean, boolean | undefined, boolean>;
  updated_by: Nullable<string>;
  updated_at: UpdatedAt;
}

export interface TriageRulesTable {
  code: TriageCondition;
  queue: ReviewQueue;
  enabled: ColumnType<boolean, boolean | undefined, boolean>;
  threshold: Nullable<number>;
  position: number;
  updated_by: Nullable<string>;
  updated_at: UpdatedAt;
}

export interface ReviewsTable {
  id: Generated<string>;
  specimen_id: string;
  reviewer_id: string;
  review_unit_id: string;
  round: number;
  decision: ReviewDecision;
  taxon_id: string | null;
  life_stage: string | null;
  sex: string | null;
  notes: string | null;
  identification_id: string | null;
  created_at: CreatedAt;
}

export interface DetectionsTable {
  id: Generated<string>;
  specimen_id: string;
  taxon_id: string;
  port_id: string;
  unit_id: string;
  site_type: SiteType;
  collected_at: ColumnType<Date, Date | string, Date | string>;
  count: number;
  life_stage: string | null;
  sex: string | null;
  identified_by: IdentificationSource;
  first_levels: JsonList<DetectionLevel>;
  watch_list: boolean;
  created_at: CreatedAt;
}

export interface AlertsTable {
  id: Generated<string>;
  detection_id: string;
  specimen_id: string;
  taxon_id: string;
  port_id: string;
  unit_id: string;
  responsible_unit_id: string;
  reasons: JSONColumnType<AlertReason[], string, string>;
  status: ColumnType<AlertStatus, AlertStatus | undefined, AlertStatus>;
  created_at: CreatedAt;
  acknowledged_by: Nullable<string>;
  acknowledged_at: Nullable<Date>;
  confirmed_by: Nullable<string>;
  confirmed_at: Nullable<Date>;
  dismissed_by: Nullable<string>;
  dismissed_at: Nullable<Date>;
  dismiss_reason: Nullable<string>;
}

export interface AlertChannelsTable {
  id: Generated<string>;
  unit_id: string;
  kind: AlertChannelKind;
  name: string;
  enabled: ColumnType<boolean, boolean | undefined, boolean>;
  /** Kind-specific settings: webhook `{url, secret}`, SMS gateway `{url, recipients, token?}`, in-app `{}`. */
  config: JSONColumnType<Record<string, unknown>, string, string>;
  created_by: string;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface AlertDeliveriesTable {
  id: Generated<string>;
  alert_id: string;
  channel_id: string;
  status: ColumnType<DeliveryStatus, DeliveryStatus | undefined, DeliveryStatus>;
  attempts: ColumnType<number, number | undefined, number>;
  created_at: CreatedAt;
  enqueued_at: Nullable<Date>;
  last_attempt_at: Nullable<Date>;
  last_status_code: Nullable<number>;
  last_error: Nullable<string>;
  delivered_at: Nullable<Date>;
}

export interface AlertDeliveryAttemptsTable {
  id: Generated<string>;
  delivery_id: string;
  attempt: number;
  at: CreatedAt;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
  response_excerpt: string | null;
}

/** A requested export (migration 0012, ADR 0021): the outbox of its `export` job and its progress. */
export interface ExportsTable {
  id: Generated<string>;
  requested_by: string;
  /** The requester's scope when asking (`Scope`): what the file may hold. */
  scope: JSONColumnType<Scope, string, never>;
  format: ExportFormat;
  /** The surveillance filters as requested (contract `SurveillanceFilters`). */
  filters: JSONColumnType<SurveillanceFilters, string, never>;
  status: ColumnType<ExportStatus, ExportStatus | undefined, ExportStatus>;
  rows_written: ColumnType<number, number | undefined, number>;
  rows_total: Nullable<number>;
  error: Nullable<string>;
  file_name: Nullable<string>;
  /** bigint: node-postgres returns it as a string. */
  bytes: ColumnType<string | number | null, number | null | undefined, number | null>;
  created_at: CreatedAt;
  enqueued_at: Nullable<Date>;
  started_at: Nullable<Date>;
  finished_at: Nullable<Date>;
}

export type TaxonRow = Selectable<TaxaTable>;
export type TriageRuleRow = Selectable<TriageRulesTable>;
export type ReviewRow = Selectable<ReviewsTable>;
export type DetectionRow = Selectable<DetectionsTable>;
export type AlertRow = Selectable<AlertsTable>;
export type AlertChannelRow = Selectable<AlertChannelsTable>;
export type AlertDeliveryRow = Selectable<AlertDeliveriesTable>;

/** A laboratory that receives specimens from the units of its unit's subtree (migration 0010, ADR 0020). */
export interface LabsTable {
  id: Generated<string>;
  unit_id: string;
  name_zh: string;
  name_en: string;
  address: string | null;
  active: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: CreatedAt;
}

/** Who publishes a lab's slots and sees its whole schedule, besides administrators. */
export interface LabManagersTable {
  lab_id: string;
  user_id: string;
  created_at: CreatedAt;
}

export interface LabSlotsTable {
  id: Generated<string>;
  lab_id: string;
  starts_at: ColumnType<Date, Date | string, never>;
  ends_at: ColumnType<Date, Date | string, never>;
  capacity: ColumnType<number, number, never>;
  /** Places held by booked appointments; the database keeps it within 0…capacity. */
  booked: ColumnType<number, number | undefined, number>;
  created_by: string;
  created_at: CreatedAt;
}

export interface AppointmentsTable {
  id: Generated<string>;
  slot_id: string;
  unit_id: string;
  booked_by: string;
  notes: string | null;
  status: ColumnType<AppointmentStatus, AppointmentStatus | undefined, AppointmentStatus>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  cancelled_at: Nullable<Date>;
  cancelled_by: Nullable<string>;
}

export interface AppointmentSpecimensTable {
  appointment_id: string;
  specimen_id: string;
}

/** An expert's mark on a specimen for the specimen bank (migration 0018, ADR 0027). */
export interface SpecimenTeachingMarksTable {
  specimen_id: string;
  mark: TeachingMark;
  note: string | null;
  marked_by: string;
  marked_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** A group of trainees run by instructors of its unit (migration 0018). */
export interface CoursesTable {
  id: Generated<string>;
  unit_id: string;
  title: string;
  description: string | null;
  created_by: string;
  created_at: CreatedAt;
  archived_at: Nullable<Date>;
}

export interface CourseMembersTable {
  course_id: string;
  user_id: string;
  added_at: CreatedAt;
}

/** A practice set to work through, or a class to attend, by a due date (migration 0018). */
export interface CourseAssignmentsTable {
  id: Generated<string>;
  course_id: string;
  kind: AssignmentKind;
  title: string;
  /** `class`: the class room to attend. */
  room_id: string | null;
  /** `practice`: how many questions, from which groups and taxa (empty: any). */
  practice_size: number | null;
  practice_groups: JSONColumnType<VectorGroup[], string | undefined, string>;
  practice_taxa: JSONColumnType<string[], string | undefined, string>;
  due_at: ColumnType<Date, Date | string, Date | string>;
  created_by: string;
  created_at: CreatedAt;
}

/** A trainee's practice set (migration 0018): its questions are drawn when it starts. */
export interface PracticeSessionsTable {
  id: Generated<string>;
  trainee_id: string;
  size: number;
  groups: JSONColumnType<VectorGroup[], string | undefined, string>;
  taxa: JSONColumnType<string[], string | undefined, string>;
  difficulty: ColumnType<PracticeDifficulty, PracticeDifficulty | undefined, never>;
  assignment_id: string | null;
  created_at: CreatedAt;
  finished_at: Nullable<Date>;
}

/**
 * One photo to identify in a practice set, with the confirmed answer as it stood when the set was drawn; answered once
 * (`answered_at` is set by one conditional update).
 */
export interface PracticeQuestionsTable {
  id: Generated<string>;
  session_id: string;
  position: number;
  specimen_id: string;
  image_id: string;
  taxon_id: string;
  life_stage: string | null;
  notes: string | null;
  answered_taxon_id: Nullable<string>;
  correct: Nullable<boolean>;
  answered_at: Nullable<Date>;
}

/** A trainee's spaced-repetition card for a taxon (Leitner box; migration 0018). */
export interface PracticeCardsTable {
  trainee_id: string;
  taxon_id: string;
  box: number;
  due_at: ColumnType<Date, Date | string, Date | string>;
  answered: number;
  correct: number;
  last_answered_at: ColumnType<Date, Date | string, Date | string>;
}

/** A question launched in a live class (migration 0018): one open at a time per room. */
export interface RoomQuizzesTable {
  id: Generated<string>;
  room_id: string;
  specimen_id: string;
  image_id: string;
  taxon_id: string;
  life_stage: string | null;
  notes: string | null;
  options: JSONColumnType<string[], string, string>;
  launched_by: string;
  launched_at: CreatedAt;
  closes_at: ColumnType<Date, Date | string, Date | string>;
  revealed_at: Nullable<Date>;
}

/** A trainee's one answer to a class quiz (migration 0018): the primary key counts it once. */
export interface RoomQuizAnswersTable {
  quiz_id: string;
  user_id: string;
  taxon_id: string;
  correct: boolean;
  answered_at: CreatedAt;
}

/** Retrain jobs (migration 0021, ADR 0032): the outbox of the `retrain` queue and each run's progress and outcome. */
export interface RetrainJobsTable {
  id: Generated<string>;
  requested_by: string;
  model_name: string;
  snapshot: string;
  options: JSONColumnType<RetrainOptions, string, never>;
  status: ColumnType<RetrainStatus, RetrainStatus | undefined, RetrainStatus>;
  phase: ColumnType<RetrainPhase | null, never, RetrainPhase | null>;
  progress: ColumnType<number, never, number>;
  epoch: ColumnType<number | null, never, number | null>;
  epochs: ColumnType<number | null, never, number | null>;
  /** The run's outcome (contract `RetrainOutcome`): the gate's report, whether it was registered. */
  outcome: JSONColumnType<RetrainOutcome | null, never, string | null>;
  error: Nullable<string>;
  created_at: CreatedAt;
  enqueued_at: Nullable<Date>;
  started_at: Nullable<Date>;
  finished_at: Nullable<Date>;
}

/** One immutable dataset snapshot folder (migration 0019, ADR 0031); rows are only ever inserted. */
export interface DatasetSnapshotsTable {
  id: Generated<string>;
  name: string;
  filters: JSONColumnType<SnapshotFilters, string, never>;
  created_by: string | null;
  created_at: CreatedAt;
  manifest_sha256: string;
  image_count: number;
  specimen_count: number;
  statistics: JSONColumnType<LabelSplitCount[], string, never>;
  provenance: JSONColumnType<ProvenanceSummary, string, never>;
}
