import fastJsonStringify, { type Schema } from 'fast-json-stringify';
import type { FastifyInstance } from 'fastify';

/**
 * Responses are written by fast-json-stringify from the route's response schema, as fastify does by default, but from a
 * copy in which each `anyOf: [X, { type: 'null' }]` — how the contract spells a nullable value (`Nullable`) — is X made
 * nullable. The contract and the OpenAPI document keep the `anyOf`; only the serializer's copy changes, and it writes the
 * same JSON. fast-json-stringify picks an `anyOf` branch by validating the value against each branch in turn, so a
 * nullable object (a specimen's identification, its triage, a position) was validated whole, nested `anyOf`s again at
 * each level, for every row: half the cost of writing a page of specimens.
 */
export function installSerialization(app: FastifyInstance): void {
  app.setSerializerCompiler(({ schema }) => fastJsonStringify(nullableForSerialization(schema) as Schema));
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** `schema` with every `anyOf` of a schema and `null` as that schema, nullable; everything else as it is. */
export function nullableForSerialization(schema: unknown): unknown {
  return rewrite(schema as Json);
}

function rewrite(node: Json): Json {
  if (Array.isArray(node)) return node.map(rewrite);
  if (node === null || typeof node !== 'object') return node;
  const rewritten = Object.fromEntries(Object.entries(node).map(([key, value]) => [key, rewrite(value)]));
  const { anyOf, ...siblings } = rewritten;
  if (!Array.isArray(anyOf) || anyOf.length !== 2) return rewritten;
  const nullAt = anyOf.findIndex(isNullSchema);
  const other = anyOf[1 - nullAt];
  if (nullAt === -1 || !isObject(other)) return rewritten;
  const nullable = nullableSchema(other);
  return nullable ? { ...nullable, ...siblings } : rewritten;
}

/** X that also takes null, in the keywords fast-json-stringify serializes without validating; undefined where there are none. */
function nullableSchema(schema: { [key: string]: Json }): { [key: string]: Json } | undefined {
  const { type } = schema;
  if (type === 'object' || type === 'array') return { ...schema, nullable: true };
  if (type === 'string' || type === 'number' || type === 'integer' || type === 'boolean') return { ...schema, type: [type, 'null'] };
  const values = schema.enum;
  if (type === undefined && Array.isArray(values) && values.every((value) => typeof value === 'string'))
    return { ...schema, type: ['string', 'null'], enum: [...values, null] };
  return undefined;
}

function isNullSchema(schema: Json): boolean {
  return isObject(schema) && schema.type === 'null' && Object.keys(schema).length === 1;
}

function isObject(node: Json | undefined): node is { [key: string]: Json } {
  return node !== null && node !== undefined && typeof node === 'object' && !Array.isArray(node);
}
