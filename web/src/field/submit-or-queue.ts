// A submission from the submit page: sent at once when the device is online, kept in the outbox when it is not or
// when the upload gets no answer. It carries its client submission id from the moment it is made, so the upload that
// got no answer and the outbox's later send are the same submission to the server (ADR 0023).
import { endpoints, type Specimen, type SpecimenMetadata } from '@contract';
import { ApiError, formOf, upload, type UploadOptions } from '../api/client';
import { addToOutbox } from './outbox-store';
import { rememberMetadata } from './remembered-metadata';

export type SubmitOutcome = { kind: 'sent'; specimen: Specimen } | { kind: 'queued'; submissionId: string };

/**
 * Uploads `metadata` and `photos` as `userId`, or keeps them in the outbox when the browser is offline or the upload
 * failed on the network. A refusal (4xx) or a server error is thrown as before: the person sees it on the form.
 */
export async function submitOrQueue(
  userId: string,
  metadata: SpecimenMetadata,
  photos: readonly File[],
  options: UploadOptions = {},
): Promise<SubmitOutcome> {
  const submission = { ...metadata, clientSubmissionId: newSubmissionId() };
  if (navigator.onLine) {
    try {
      const form = formOf(endpoints.createSpecimen, { metadata: submission }, photos);
      const specimen = await upload(endpoints.createSpecimen, {}, form, options);
      rememberMetadata(userId, submission);
      return { kind: 'sent', specimen };
    } catch (error) {
      if (!(error instanceof ApiError && error.isNetworkError)) throw error;
    }
  }
  await addToOutbox({
    id: submission.clientSubmissionId,
    userId,
    metadata: submission,
    photos: photos.map((photo) => ({ name: photo.name, data: photo })),
    queuedAt: new Date().toISOString(),
    state: 'waiting',
  });
  rememberMetadata(userId, submission);
  return { kind: 'queued', submissionId: submission.clientSubmissionId };
}

/** A random (version 4) UUID; `crypto.randomUUID` exists only on secure (HTTPS or localhost) pages. */
export function newSubmissionId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
