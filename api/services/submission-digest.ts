import { createHash } from 'node:crypto';
import type { SpecimenMetadata } from '../contract/index.js';

/**
 * What a submission carried, as one sha256: its metadata (the client id left out, keys in a fixed order) and its
 * images' sha256 in order. A retry of the same submission has the same digest whatever order the client wrote the
 * metadata's keys in; another submission under the same id has another one (ADR 0023).
 */
export function submissionDigest(metadata: SpecimenMetadata, imageSha256s: readonly string[]): string {
  const { clientSubmissionId: _clientSubmissionId, ...carried } = metadata;
  return createHash('sha256')
    .update(JSON.stringify([sortedKeys(carried), imageSha256s]))
    .digest('hex');
}

function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, entry]) => [key, sortedKeys(entry)]),
  );
}
