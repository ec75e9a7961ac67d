import type { SwaggerOptions } from '@fastify/swagger';
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
export function openApiDocument(): SwaggerOptions {
  return {
    openapi: {
      info: {
        title: 'VectorDesk API',
        version: '1',
        description: 'Specimen intake, identification and review for port health-quarantine laboratories',
      },
      servers: [{ url: '/', description: 'The server that publishes this document' }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: ({ schema, url, route }) => {
      const multipart = multipartByRoute.get(`${String(route.method)} ${url}`);
      return { schema: multipart ? { ...schema, body: multipartForm(multipart) } : schema, url };
    },
  };
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
