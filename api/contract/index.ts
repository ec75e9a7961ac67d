/**
 * The wire contract of VectorDesk, declared once: every HTTP operation (method, URL, request and answers), every
 * live-push event and the `/rtc` live-room protocol. The server validates against it and publishes its OpenAPI
 * document from it; the web app and the tests take their types from it (`Static<…>`, `AnswerOf<…>`).
 */
import { alertEndpoints } from './alerts.js';
import { appointmentEndpoints } from './appointments.js';
import { auditEndpoints } from './audit.js';
import { authEndpoints } from './auth.js';
import { courseEndpoints } from './courses.js';
import { datasetEndpoints } from './datasets.js';
import { exportEndpoints } from './exports.js';
import { identificationEndpoints } from './identification.js';
import { modelEndpoints } from './models.js';
import { operationsEndpoints } from './operations.js';
import { organisationEndpoints } from './organisation.js';
import { quizEndpoints } from './quizzes.js';
import { practiceEndpoints } from './practice.js';
import { recordingEndpoints } from './recordings.js';
import { reviewEndpoints } from './review.js';
import { roomEndpoints } from './rooms.js';
import { specimenBankEndpoints } from './specimen-bank.js';
import { specimenEndpoints } from './specimens.js';
import { surveillanceEndpoints } from './surveillance.js';
import { taxonEndpoints } from './taxa.js';
import { triageEndpoints } from './triage.js';
import { uploadEndpoints } from './uploads.js';
import { userEndpoints } from './users.js';

export * from './alerts.js';
export * from './appointments.js';
export * from './audit.js';
export * from './auth.js';
export * from './common.js';
export * from './courses.js';
export * from './datasets.js';
export * from './endpoint.js';
export * from './exports.js';
export * from './identification.js';
export * from './live.js';
export * from './models.js';
export * from './operations.js';
export * from './organisation.js';
export * from './quizzes.js';
export * from './practice.js';
export * from './recordings.js';
export * from './review-state.js';
export * from './review.js';
export * from './rooms.js';
export * from './rtc.js';
export * from './specimen-bank.js';
export * from './specimens.js';
export * from './surveillance.js';
export * from './taxa.js';
export * from './triage.js';
export * from './uploads.js';
export * from './users.js';
export * from './vocabulary.js';

/** Every HTTP operation, by its OpenAPI `operationId`. */
export const endpoints = {
  ...authEndpoints,
  ...userEndpoints,
  ...specimenEndpoints,
  ...uploadEndpoints,
  ...identificationEndpoints,
  ...modelEndpoints,
  ...datasetEndpoints,
  ...roomEndpoints,
  ...quizEndpoints,
  ...recordingEndpoints,
  ...operationsEndpoints,
  ...taxonEndpoints,
  ...triageEndpoints,
  ...reviewEndpoints,
  ...alertEndpoints,
  ...surveillanceEndpoints,
  ...exportEndpoints,
  ...appointmentEndpoints,
  ...organisationEndpoints,
  ...auditEndpoints,
  ...specimenBankEndpoints,
  ...practiceEndpoints,
  ...courseEndpoints,
};

export type Endpoints = typeof endpoints;
