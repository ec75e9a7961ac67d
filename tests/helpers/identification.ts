import { expect } from 'vitest';
import type { Specimen } from '../../api/contract/index.js';
import type { Client } from './client.js';

/** A specimen's automatic identification, as the API presents it. */
export type Identification = NonNullable<Specimen['identification']>;

export interface WaitOptions {
  timeoutMs?: number;
  /** What else to say when the time is up (the output of the workers that should have run it …). */
  diagnostics?: () => string;
}

/** The specimen's identification now, read through `GET /api/v1/specimens/:id` as `client` (which must see it). */
export async function identificationOf(client: Client, specimenId: string): Promise<Identification> {
  const response = await client.getSpecimen({ params: { id: specimenId } });
  expect(response.statusCode, response.body).toBe(200);
  const { identification } = response.json();
  if (!identification) throw new Error(`specimen ${specimenId} has no identification (stored before identification existed?)`);
  return identification;
}

/** Polls the specimen until its identification has left `pending` (`done` or `failed`), and returns it. */
export async function waitForIdentification(
  client: Client,
  specimenId: string,
  { timeoutMs = 60_000, diagnostics }: WaitOptions = {},
): Promise<Identification> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const identification = await identificationOf(client, specimenId);
    if (identification.status !== 'pending') return identification;
    if (performance.now() > deadline) {
      throw new Error(
        `the identification of specimen ${specimenId} was still pending after ${timeoutMs} ms${diagnostics ? `\n${diagnostics()}` : ''}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
