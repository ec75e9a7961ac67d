import { expect } from 'vitest';
import type { Client } from './client.js';

/** Opens a consultation on a specimen through the real route, as `client` (an expert or administrator); returns its id. */
export async function openConsultation(client: Client, specimenId: string): Promise<string> {
  const response = await client.createRoom({ body: { kind: 'consultation', specimenId } });
  expect(response.statusCode, response.body).toBe(201);
  return response.json().id;
}
