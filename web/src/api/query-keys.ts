// Every key of the server-state cache, in one place: invalidating `specimens` reaches every list and every specimen.
import type {
  AlertListQuery,
  AnswerOf,
  AppointmentListQuery,
  AuditQuery,
  BankEntryQuery,
  BankTaxaQuery,
  Endpoints,
  ReviewQueueQuery,
  RoomListQuery,
  ScheduleQuery,
  UserAccountQuery,
  UserLookupQuery,
  SpecimenListQuery,
  TaxonSearchQuery,
} from '@contract';

export type SpecimenPage = AnswerOf<Endpoints['listSpecimens']>;
export type RoomList = AnswerOf<Endpoints['listRooms']>;

export const queryKeys = {
  me: ['me'] as const,
  ports: ['ports'] as const,
  uploadLimits: ['upload-limits'] as const,
  specimens: ['specimens'] as const,
  specimenLists: ['specimens', 'list'] as const,
  specimenList: (query: SpecimenListQuery) => ['specimens', 'list', query] as const,
  specimen: (id: string) => ['specimens', 'detail', id] as const,
  roomLists: ['rooms', 'list'] as const,
  roomList: (query: Partial<RoomListQuery>) => ['rooms', 'list', query] as const,
  room: (id: string) => ['rooms', 'detail', id] as const,
  roomRecord: (id: string) => ['rooms', 'record', id] as const,
  /** Everything said about people: lookups and administrators' account lists (what an account change makes stale). */
  people: ['people'] as const,
  peopleLookup: (query: Partial<UserLookupQuery>) => ['people', 'lookup', query] as const,
  userAccountList: (query: Partial<UserAccountQuery>) => ['people', 'accounts', query] as const,
  models: ['models'] as const,
  shadowComparisons: ['models', 'shadow-comparison'] as const,
  shadowComparison: (shadowModel: string) => ['models', 'shadow-comparison', shadowModel] as const,
  retrainJobs: ['models', 'retrain-jobs'] as const,
  units: ['units'] as const,
  datasetSnapshots: ['dataset-snapshots'] as const,
  datasetSnapshot: (id: string) => ['dataset-snapshots', id] as const,
  alertChannels: ['alert-channels'] as const,
  taxonSearches: ['taxa', 'search'] as const,
  taxonSearch: (query: Partial<TaxonSearchQuery>) => ['taxa', 'search', query] as const,
  taxon: (id: string) => ['taxa', 'detail', id] as const,
  triageRules: ['triage-rules'] as const,
  auditEntries: (query: Partial<AuditQuery>) => ['audit', query] as const,
  reviewQueues: ['review', 'queue'] as const,
  reviewQueue: (query: Partial<ReviewQueueQuery>) => ['review', 'queue', query] as const,
  similarSpecimens: (specimenId: string) => ['review', 'similar', specimenId] as const,
  alerts: ['alerts'] as const,
  alertList: (query: Partial<AlertListQuery>) => ['alerts', 'list', query] as const,
  alert: (id: string) => ['alerts', 'detail', id] as const,
  stats: (kind: 'counts' | 'overview' | 'density' | 'positiveRates' | 'turnaround', query: object) => ['stats', kind, query] as const,
  /** Every lab list: the labs people book at and administrators' details of every lab. */
  labs: ['labs'] as const,
  labDetails: ['labs', 'details'] as const,
  exports: ['exports'] as const,
  /** Schedules and appointment lists: what every booking change makes stale. */
  appointmentsRoot: ['appointments'] as const,
  labSchedule: (labId: string, period: ScheduleQuery) => ['appointments', 'schedule', labId, period] as const,
  appointmentList: (query: Partial<AppointmentListQuery>) => ['appointments', 'list', query] as const,
  /** The specimen bank's lists and entries: what a teaching mark makes stale. */
  bank: ['bank'] as const,
  bankTaxa: (query: Partial<BankTaxaQuery>) => ['bank', 'taxa', query] as const,
  bankEntry: (taxonId: string, query: Partial<BankEntryQuery>) => ['bank', 'entry', taxonId, query] as const,
  /** A trainee's practice sets and progress: what every answer makes stale. */
  practiceRoot: ['practice'] as const,
  practiceSessions: ['practice', 'sessions'] as const,
  practiceSession: (id: string) => ['practice', 'sessions', id] as const,
  practiceProgress: ['practice', 'progress'] as const,
  /** Every course list, course and progress table, and a trainee's assignments: what a course change makes stale. */
  courses: ['courses'] as const,
  courseList: ['courses', 'list'] as const,
  course: (id: string) => ['courses', 'detail', id] as const,
  courseProgress: (id: string) => ['courses', 'progress', id] as const,
  myAssignments: ['courses', 'mine'] as const,
};

/** The query of a cached specimen list, read back from its key. */
export function specimenListQueryOf(key: readonly unknown[]): SpecimenListQuery {
  return (key[2] ?? {}) as SpecimenListQuery;
}
