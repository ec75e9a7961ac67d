import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import { Type } from 'typebox';
import { endpoints, type Endpoint, type MultipartBody } from '../contract/index.js';

const multipartByRoute = new Map<string, MultipartBody>(
  Object.values(endpoints as Record<string, Endpoint>).flatMap((definition) =>
    definition.multipart ? [[`${definition.method} ${definition.url}`, definition.multipart] as const] : [],
  ),
);

/**
 * The OpenAPI document published at `/docs/json`, made from the wire contract. Multipart operations read their bodies
 * as streams (no body schema for the server to validate), so the document gets their form from the contract here.
 */
export function openApiDocument(): FastifyDynamicSwaggerOptions {
  return {
    openapi: {
      // 3.1: its schemas are JSON Schema, as the contract's are (`null` is a type, not a `nullable` flag).
      openapi: '3.1.0',
      info: {
        title: 'VectorDesk API',
        version: '1',
        description: 'Specimen intake, identification and review for port health-quarantine laboratories',
        license: { name: 'Proprietary: all rights reserved', identifier: 'LicenseRef-VectorDesk-Proprietary' },
      },
      servers: [{ url: '/', description: 'The server that publishes this document' }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: ({ schema, url, route }) => {
      const multipart = multipartByRoute.get(`${String(route.method)} ${url}`);
      return { schema: multipart ? { ...schema, body: multipartForm(multipart) } : schema, url };
    },
    transformObject: (document) => ('openapiObject' in document ? withNamedSchemas(document.openapiObject) : document.swaggerObject),
  };
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * Every schema the contract names (its `title`: Specimen, Room, Error …) becomes one component the operations refer
 * to, so generated clients get those names instead of one anonymous type per use. Two different schemas under one
 * name would make the document lie, so that stops start-up.
 */
function withNamedSchemas<Document extends { paths?: unknown; components?: object }>(document: Document): Document {
  const components: Record<string, Json> = {};
  const canonical = new Map<string, string>();
  const hoist = (node: Json): Json => {
    if (Array.isArray(node)) return node.map(hoist);
    if (node === null || typeof node !== 'object') return node;
    const entries = Object.fromEntries(Object.entries(node).map(([key, value]) => [key, hoist(value)]));
    const { title } = node;
    if (typeof title !== 'string' || !('type' in node || 'anyOf' in node || 'enum' in node)) return entries;
    const text = JSON.stringify(entries);
    const known = canonical.get(title);
    if (known !== undefined && known !== text) throw new Error(`the wire contract names two different schemas "${title}"`);
    canonical.set(title, text);
    components[title] = entries;
    return { $ref: `#/components/schemas/${title}` };
  };
  const paths = hoist((document.paths ?? {}) as Json);
  return { ...document, paths, components: { ...document.components, schemas: components } };
}

function multipartForm({ fields, files }: MultipartBody) {
  return Type.Object(
    {
      ...fields.properties,
      [files.name]: Type.Array(Type.String({ format: 'binary' }), { minItems: 1, description: files.description }),
    },
    { required: [...(fields.required ?? []), files.name] },
  );
}
