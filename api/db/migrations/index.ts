import type { Migration, MigrationProvider } from 'kysely/migration';
import * as organisationAndSpecimens from './0001-organisation-and-specimens.js';
import * as identifications from './0002-identifications.js';
import * as accessEpoch from './0003-access-epoch.js';
import * as liveRooms from './0004-live-rooms.js';
import * as roomRecordings from './0005-room-recordings.js';
import * as roomHosts from './0006-room-hosts.js';
import * as reviewDetectionsAlerts from './0007-review-detections-alerts.js';
import * as sessions from './0008-sessions.js';
import * as specimenCurrentIdentification from './0009-specimen-current-identification.js';
import * as appointments from './0010-appointments.js';
import * as surveillanceStatistics from './0011-surveillance-statistics.js';
import * as exportJobs from './0012-exports.js';
import * as surveillanceAtScale from './0013-surveillance-at-scale.js';
import * as exportExpiry from './0014-export-expiry.js';
import * as classSchedule from './0015-class-schedule.js';
import * as fieldSubmissions from './0016-field-submissions.js';
import * as auditTrailOrder from './0017-audit-trail-order.js';
import * as training from './0018-training.js';
import * as datasetSnapshots from './0019-dataset-snapshots.js';
import * as identificationLevels from './0020-identification-levels.js';
import * as retrainJobs from './0021-retrain-jobs.js';
import * as imageQualityWarnings from './0022-image-quality-warnings.js';
import * as specimenConfidenceOrder from './0023-specimen-confidence-order.js';
import * as specimenRevision from './0024-specimen-revision.js';
import * as specimenCounts from './0025-specimen-counts.js';

/**
 * Migrations are listed here rather than discovered on disk, so the compiled server, tsx and
 * vitest all see the same ordered set. Append new ones; never edit one that has shipped.
 */
const migrations: Record<string, Migration> = {
  '0001-organisation-and-specimens': organisationAndSpecimens,
  '0002-identifications': identifications,
  '0003-access-epoch': accessEpoch,
  '0004-live-rooms': liveRooms,
  '0005-room-recordings': roomRecordings,
  '0006-room-hosts': roomHosts,
  '0007-review-detections-alerts': reviewDetectionsAlerts,
  '0008-sessions': sessions,
  '0009-specimen-current-identification': specimenCurrentIdentification,
  '0010-appointments': appointments,
  '0011-surveillance-statistics': surveillanceStatistics,
  '0012-exports': exportJobs,
  '0013-surveillance-at-scale': surveillanceAtScale,
  '0014-export-expiry': exportExpiry,
  '0015-class-schedule': classSchedule,
  '0016-field-submissions': fieldSubmissions,
  '0017-audit-trail-order': auditTrailOrder,
  '0018-training': training,
  '0019-dataset-snapshots': datasetSnapshots,
  '0020-identification-levels': identificationLevels,
  '0021-retrain-jobs': retrainJobs,
  '0022-image-quality-warnings': imageQualityWarnings,
  '0023-specimen-confidence-order': specimenConfidenceOrder,
  '0024-specimen-revision': specimenRevision,
  '0025-specimen-counts': specimenCounts,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
