import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anonymous, as } from '../helpers/client.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { jpegImage } from '../helpers/images.js';
import { uploadSpecimen, validMetadata } from '../helpers/uploads.js';

describe('health, readiness, metrics and API documentation', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('pglite');
  });
  afterAll(() => t?.close());

  it('answers /health and /ready with the state of each backend', async () => {
    expect((await anonymous(t).getHealth()).json()).toEqual({ status: 'ok' });
    const ready = await anonymous(t).getReadiness();
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'ready', checks: { database: { ok: true, detail: 'pglite' }, storage: { ok: true } } });
  });

  it('exports Prometheus metrics, including request durations and submissions by port', async () => {
    expect(
      (await uploadSpecimen(await as(t, 'staff.beilun'), validMetadata(), [{ name: 'a.jpg', data: await jpegImage(1) }])).statusCode,
    ).toBe(201);
    const response = await t.app.inject({ url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/plain');
    expect(response.body).toContain('vectordesk_process_cpu_seconds_total');
    expect(response.body).toMatch(
      /vectordesk_http_request_duration_seconds_count\{method="POST",route="\/api\/v1\/specimens",status_code="201"\} 1/,
    );
    expect(response.body).toContain('vectordesk_specimens_submitted_total{port="CNNGB-BL"} 1');
  });

  it('publishes the OpenAPI document at /docs/json and the UI at /docs', async () => {
    const document = (await t.app.inject({ url: '/docs/json' })).json<{
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
    }>();
    expect(document.openapi).toMatch(/^3\./);
    for (const [path, method] of [
      ['/api/v1/auth/login', 'post'],
      ['/api/v1/me', 'get'],
      ['/api/v1/ports', 'get'],
      ['/api/v1/specimens', 'post'],
      ['/api/v1/specimens', 'get'],
      ['/api/v1/specimens/{id}', 'get'],
      ['/api/v1/specimens/{id}', 'patch'],
      ['/api/v1/images/{id}/{variant}', 'get'],
    ] as const) {
      expect(document.paths[path]?.[method], `${method} ${path}`).toBeDefined();
    }
    const ui = await t.app.inject({ url: '/docs/' });
    expect(ui.statusCode).toBe(200);
    expect(ui.headers['content-type']).toContain('text/html');
  });

  it('answers unknown routes with the JSON error shape', async () => {
    const response = await t.app.inject({ url: '/api/v1/nothing-here' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ error: 'not_found', message: 'No route GET /api/v1/nothing-here' });
  });
});
