// Drives every operation of the OpenAPI document with generated bad input (fast-check) and asserts that the server
// never answers 5xx: what a client gets wrong is the client's error (4xx, `{error, message}`), never the server's.
// The seed is fixed so a run is repeatable; a failure names the operation and the input that broke it.
import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/** Runs per operation: about 50 operations × 2 callers × this many requests stays well under a minute on a busy 2-core machine. */
const RUNS_PER_OPERATION = 100;
const SEED = 13;

interface Operation {
  method: string;
  /** The document's path, `{name}` for each path parameter. */
  path: string;
  operationId: string;
  pathParams: string[];
  queryParams: string[];
  body: { kind: 'json'; properties: string[] } | { kind: 'multipart' } | null;
  public: boolean;
}

interface OpenApiOperation {
  operationId: string;
  parameters?: { name: string; in: string }[];
  requestBody?: { content: Record<string, { schema?: { properties?: Record<string, unknown> } }> };
  security?: unknown[];
}

/** A URL the router cannot read matches no route, so no route's authentication runs: these answers say nothing of the API. */
const REFUSED_BY_THE_ROUTER = ['invalid_url', 'url_too_long'];

const SOME_UUID = '3f2b8c1e-5d4a-4e6f-9a7b-2c1d0e9f8a7b';

/** Text that has broken this server or a database under it before, beside whatever fast-check makes up. */
const hostileText = fc.oneof(
  fc.constantFrom(
    'a\u0000b',
    '\u0000',
    '\ud800',
    'x\udfffy',
    `urn:uuid:${SOME_UUID}`,
    `{${SOME_UUID}}`,
    SOME_UUID.toUpperCase(),
    '1e20',
    '100000000000000000000',
    '9007199254740993',
    '-1',
    '1.5',
    '',
    ' ',
    'NaN',
    'Infinity',
    '2016-12-31T23:59:60Z',
    '0000-01-01T00:00:00Z',
    '2026-11-20T06:30:00Z[Europe/Paris]',
    '2026-11-20T06:30:00+01:00[Europe/Paris]',
    '2026-02-30T00:00:00Z',
    '9999-12-31T23:59:59-23:59',
    'true',
    'null',
    '../../etc/passwd',
    '%',
    'x'.repeat(5000),
  ),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.uuid(),
);

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileText,
  fc.constantFrom(1e20, 2 ** 53, -(2 ** 53) - 2, -1, 0, 1.5, true, false, null, [], {}),
  fc.array(hostileText, { maxLength: 3 }),
  fc.jsonValue({ maxDepth: 2 }),
);

/** One UTF-16 unit of a surrogate pair on its own ([...text] keeps a whole pair together). */
const LONE_SURROGATE = /^[\ud800-\udfff]$/;

/** Percent-encodes for a URL; a lone surrogate, which has no UTF-8, goes as the bytes a careless client would send. */
function encodeForUrl(text: string): string {
  return [...text].map((character) => (LONE_SURROGATE.test(character) ? '%ED%A0%80' : encodeURIComponent(character))).join('');
}

/** Multipart bodies that are broken in the ways browsers, proxies and scripts break them. */
const brokenMultipart = fc
  .record({
    flaw: fc.constantFrom('no-boundary', 'truncated', 'no-closing-boundary', 'lf-only', 'garbage', 'bad-metadata'),
    metadata: hostileValue,
    cut: fc.nat({ max: 200 }),
  })
  .map(({ flaw, metadata, cut }): Pick<InjectOptions, 'headers' | 'payload'> => {
    const boundary = 'fuzzboundary1234';
    const metadataText = JSON.stringify(metadata) ?? 'undefined';
    const lines = [
      `--${boundary}`,
      'Content-Disposition: form-data; name="metadata"',
      '',
      metadataText,
      `--${boundary}`,
      'Content-Disposition: form-data; name="images"; filename="a.jpg"',
      'Content-Type: image/jpeg',
      '',
      '\u00ff\u00d8\u00ff\u00e0 not really a jpeg',
    ];
    const whole = [...lines, `--${boundary}--`, ''].join('\r\n');
    const payloads: Record<typeof flaw, { contentType: string; body: string }> = {
      'no-boundary': { contentType: 'multipart/form-data', body: whole },
      truncated: { contentType: `multipart/form-data; boundary=${boundary}`, body: whole.slice(0, cut) },
      'no-closing-boundary': { contentType: `multipart/form-data; boundary=${boundary}`, body: lines.join('\r\n') },
      'lf-only': { contentType: `multipart/form-data; boundary=${boundary}`, body: [...lines, `--${boundary}--`, ''].join('\n') },
      garbage: { contentType: `multipart/form-data; boundary=${boundary}`, body: metadataText },
      'bad-metadata': {
        contentType: `multipart/form-data; boundary=${boundary}`,
        body: whole.replace(metadataText, JSON.stringify({ portCode: 'CNNGB-BL', notes: '\\ud800 \\u0000' })),
      },
    };
    const { contentType, body } = payloads[flaw];
    return { headers: { 'content-type': contentType }, payload: Buffer.from(body, 'latin1') };
  });

function operationsOf(document: { paths: Record<string, Record<string, OpenApiOperation>>; security?: unknown[] }): Operation[] {
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => {
      const parameters = operation.parameters ?? [];
      const content = operation.requestBody?.content ?? {};
      const json = content['application/json'];
      return {
        method: method.toUpperCase(),
        path,
        operationId: operation.operationId,
        pathParams: parameters.filter((parameter) => parameter.in === 'path').map((parameter) => parameter.name),
        queryParams: parameters.filter((parameter) => parameter.in === 'query').map((parameter) => parameter.name),
        body: content['multipart/form-data']
          ? { kind: 'multipart' as const }
          : json
            ? { kind: 'json' as const, properties: Object.keys(json.schema?.properties ?? {}) }
            : null,
        public: (operation.security ?? document.security ?? []).length === 0,
      };
    }),
  );
}

/** One request to `operation` with hostile params, query and body. */
function requestsTo(operation: Operation): fc.Arbitrary<InjectOptions> {
  const params = fc.record(
    Object.fromEntries(operation.pathParams.map((name) => [name, hostileText])) as Record<string, fc.Arbitrary<string>>,
  );
  const name =
    operation.queryParams.length > 0
      ? fc.oneof({ arbitrary: fc.constantFrom(...operation.queryParams), weight: 4 }, fc.string())
      : fc.string();
  const query = fc.dictionary(name, hostileText, { maxKeys: 3 });
  const jsonBody = fc.oneof(
    fc.dictionary(
      operation.body?.kind === 'json' && operation.body.properties.length > 0 ? fc.constantFrom(...operation.body.properties) : fc.string(),
      hostileValue,
      { maxKeys: 6 },
    ),
    hostileValue,
  );
  const body: fc.Arbitrary<Pick<InjectOptions, 'headers' | 'payload'>> =
    operation.body?.kind === 'multipart'
      ? brokenMultipart
      : jsonBody.map((value) => ({ headers: { 'content-type': 'application/json' }, payload: JSON.stringify(value) ?? 'null' }));
  return fc.record({ params, query, body }).map(({ params: values, query: pairs, body: { headers, payload } }) => {
    const path = operation.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeForUrl(values[name] ?? ''));
    const search = Object.entries(pairs)
      .map(([name, value]) => `${encodeForUrl(name)}=${encodeForUrl(value)}`)
      .join('&');
    const withBody = operation.method !== 'GET' && operation.method !== 'DELETE';
    return {
      method: operation.method as InjectOptions['method'],
      url: search ? `${path}?${search}` : path,
      ...(withBody ? { headers, payload } : {}),
    };
  });
}

describe('fuzzing every operation of the OpenAPI document with bad input (PGlite only: the refusals come before the database)', () => {
  let t: TestApp;
  let operations: Operation[];
  let adminToken: string;

  beforeAll(async () => {
    t = await createTestApp('pglite');
    adminToken = await t.tokenFor('admin');
    operations = operationsOf((await t.app.inject({ url: '/docs/json' })).json());
  });
  afterAll(() => t?.close());

  it('reads the operations from the document', () => {
    expect(operations.length).toBeGreaterThan(30);
    expect(
      operations
        .filter((operation) => operation.body?.kind === 'multipart')
        .map((operation) => operation.operationId)
        .sort(),
    ).toEqual(['addSpecimenImages', 'checkImageQuality', 'createSpecimen', 'identifyImages']);
  });

  it('never answers 5xx, answers every error as {error, message}, and 401 to anonymous callers of protected operations', async () => {
    const failures: string[] = [];
    for (const operation of operations) {
      const caller = fc.constantFrom<'admin' | 'anonymous'>('admin', 'anonymous');
      const result = await fc.check(
        fc.asyncProperty(requestsTo(operation), caller, async (request, who) => {
          const headers = { ...request.headers, ...(who === 'admin' ? { authorization: `Bearer ${adminToken}` } : {}) };
          const response = await t.app.inject({ ...request, headers });
          const described = `${request.method} ${request.url} as ${who} → ${response.statusCode} ${response.body.slice(0, 200)}`;
          if (response.statusCode >= 500) throw new Error(described);
          const body = response.statusCode >= 400 ? response.json<Record<string, unknown>>() : {};
          if (response.statusCode >= 400 && (typeof body.error !== 'string' || typeof body.message !== 'string' || 'code' in body)) {
            throw new Error(`not {error, message}: ${described}`);
          }
          if (
            who === 'anonymous' &&
            !operation.public &&
            response.statusCode !== 401 &&
            !REFUSED_BY_THE_ROUTER.includes(String(body.error))
          ) {
            throw new Error(`not 401: ${described}`);
          }
        }),
        { numRuns: RUNS_PER_OPERATION, seed: SEED, endOnFailure: true },
      );
      if (result.failed) failures.push(`${operation.operationId}: ${String(result.errorInstance)}`);
    }
    expect(failures).toEqual([]);
  }, 120_000);
});
