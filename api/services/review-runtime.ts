import type { Db } from '../db/database.js';
import { AlertRepository } from '../repositories/alert.repository.js';
import { DetectionRepository } from '../repositories/detection.repository.js';
import { ReviewWorkflowRepository } from '../repositories/review-workflow.repository.js';
import { TriageRepository } from '../repositories/triage.repository.js';
import { DetectionRecorder, type AlertDeliveryOutbox } from './detection-recorder.js';
import { TriageService } from './triage.service.js';

/** The parts of triage and review every process that stores identifications needs (the api and `npm run worker`). */
export function createTriageParts(db: Db, deliveries: AlertDeliveryOutbox) {
  const workflow = new ReviewWorkflowRepository(db);
  const detections = new DetectionRepository(db);
  const alerts = new AlertRepository(db);
  const recorder = new DetectionRecorder(detections, alerts, deliveries);
  const triage = new TriageService(new TriageRepository(db), workflow, detections, recorder);
  return { workflow, detections, alerts, recorder, triage };
}
