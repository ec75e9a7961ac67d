import { createConfig, lintFromString } from '@redocly/openapi-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpoints, type Endpoint } from '../../api/contract/index.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

describe('the OpenAPI document and the wire contract', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('pglite');
  });
  afterAll(() => t?.close());

  it("passes Redocly's recommended rules with no error and no warning", async () => {
    const response = await t.app.inject({ url: '/docs/json' });
    expect(response.statusCode).toBe(200);
    const config = await createConfig({ extends: ['recommended'] });
    const problems = await lintFromString({ source: response.body, absoluteRef: 'openapi.json', config });
    const described = problems.map(
      (problem) => `${problem.severity} ${problem.ruleId}: ${problem.message} at ${problem.location[0]?.pointer ?? '?'}`,
    );
    expect(described).toEqual([]);
  });

  it('serves every operation the contract declares, each under its own operationId', async () => {
    const declared = Object.entries(endpoints as Record<string, Endpoint>);
    for (const [operationId, definition] of declared) {
      expect(definition.schema.operationId, operationId).toBe(operationId);
      expect(t.app.hasRoute({ method: definition.method, url: definition.url }), `${definition.method} ${definition.url}`).toBe(true);
    }
    const document = (await t.app.inject({ url: '/docs/json' })).json<{
      paths: Record<string, Record<string, { operationId?: string }>>;
    }>();
    const documented = Object.values(document.paths).flatMap((operations) =>
      Object.values(operations).map((operation) => operation.operationId),
    );
    const published = declared.filter(([, definition]) => !definition.schema.hide).map(([operationId]) => operationId);
    expect(documented.sort()).toEqual(published.sort());
  });

  it('names the shapes a client generator will see: one component per named contract schema, referred to by the operations', async () => {
    const document = (await t.app.inject({ url: '/docs/json' })).json<{
      components: { schemas: Record<string, unknown> };
      paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>>;
    }>();
    expect(Object.keys(document.components.schemas)).toEqual(
      expect.arrayContaining(['Specimen', 'SpecimenPage', 'Room', 'RoomToken', 'Recording', 'Error', 'User']),
    );
    expect(document.paths['/api/v1/specimens/{id}']?.get?.responses['200']?.content?.['application/json']?.schema).toEqual({
      $ref: '#/components/schemas/Specimen',
    });
    expect(document.paths['/api/v1/rooms/{id}']?.get?.responses['404']?.content?.['application/json']?.schema).toEqual({
      $ref: '#/components/schemas/Error',
    });
  });

  it('documents multipart bodies with their fields and files', async () => {
    const document = (await t.app.inject({ url: '/docs/json' })).json<{
      paths: Record<
        string,
        Record<
          string,
          { requestBody?: { content: Record<string, { schema: { properties: Record<string, unknown>; required: string[] } }> } }
        >
      >;
    }>();
    const form = document.paths['/api/v1/specimens']?.post?.requestBody?.content['multipart/form-data']?.schema;
    expect(Object.keys(form?.properties ?? {}).sort()).toEqual(['images', 'metadata']);
    expect(form?.required.sort()).toEqual(['images', 'metadata']);
  });
});
