import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';

/** Opens a consultation on a specimen through the real route, as `token`'s holder (an expert or administrator); returns its id. */
export async function openConsultation(app: FastifyInstance, token: string, specimenId: string): Promise<string> {
  const response = await app.inject({ method: 'POST', url: '/api/v1/rooms', headers: { authorization: `Bearer ${token}` }, payload: { kind: 'consultation', specimenId } });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<{ id: string }>().id;
}
