/**
 * Every job the api runs in the background, by name, with its payload: the one place a job is declared. The name is
 * also the queue's name (BullMQ keys `<QUEUE_PREFIX>:<name>:…`), so renaming a job strands the jobs already queued.
 * Payloads travel as JSON and carry ids, not records: a handler reads the rest from the database.
 */
export interface JobPayloads {
  /** Identify a submitted specimen's images (the request row in `identification_requests` is the outbox). */
  identify: { specimenId: string };
  /** Send one alert through one channel (the row in `alert_deliveries` is the outbox; ADR 0014). */
  'alert-delivery': { deliveryId: string };
  /** Write one export's file (the row in `exports` is the outbox; ADR 0021). */
  export: { exportId: string };
  /** Retrain a model from a dataset snapshot (the row in `retrain_jobs` is the outbox; ADR 0032). */
  retrain: { retrainJobId: string };
}

export type JobName = keyof JobPayloads;

/** A record, not a list, so that the compiler holds it to exactly the names of {@link JobPayloads}. */
const everyJobName: { [Name in JobName]: true } = { identify: true, 'alert-delivery': true, export: true, retrain: true };

/** Every job name, at run time. */
export const JOB_NAMES = Object.keys(everyJobName) as readonly JobName[];
