import type { Static, TObject, TSchema } from 'typebox';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What the server validates and what the OpenAPI document shows of one operation (fastify's route `schema`). */
export interface EndpointSchema {
  operationId: string;
  tags: readonly string[];
  summary: string;
  description?: string;
  params?: TSchema;
  querystring?: TSchema;
  body?: TSchema;
  consumes?: readonly string[];
  /** Left out of the OpenAPI document (operations endpoints for load balancers, not part of the client API). */
  hide?: boolean;
  /** Overrides the document's default (bearer token); `[]`: no credentials needed. */
  security?: readonly Readonly<Record<string, readonly string[]>>[];
  response: Readonly<Record<number, TSchema>>;
}

/**
 * A `multipart/form-data` body: its text fields (JSON fields are declared with their document's schema) and the
 * name of its file field. The server reads such bodies as streams, so this is documentation and client typing.
 */
export interface MultipartBody {
  fields: TObject;
  /** Text fields whose value is a JSON document (the field's schema describes the document). */
  jsonFields?: readonly string[];
  files: { name: string; description: string };
}

export interface Endpoint {
  method: HttpMethod;
  url: string;
  schema: EndpointSchema;
  multipart?: MultipartBody;
}

/** Declares one operation, keeping the types of its schemas for the types derived from it. */
export const endpoint = <E extends Endpoint>(definition: E): E => definition;

type Part<E extends Endpoint, K extends 'params' | 'querystring' | 'body'> = E['schema'] extends { [P in K]: infer S extends TSchema }
  ? Static<S>
  : never;

export type ParamsOf<E extends Endpoint> = Part<E, 'params'>;
export type QueryOf<E extends Endpoint> = Part<E, 'querystring'>;
export type BodyOf<E extends Endpoint> = Part<E, 'body'>;
export type MultipartFieldsOf<E extends Endpoint> = E['multipart'] extends { fields: infer F extends TSchema } ? Static<F> : never;

type SuccessStatus = 200 | 201 | 202 | 204;
/** The answer of a successful call: the union of the operation's 2xx bodies. */
export type AnswerOf<E extends Endpoint> = {
  [S in keyof E['schema']['response'] & SuccessStatus]: E['schema']['response'][S] extends infer R extends TSchema ? Static<R> : never;
}[keyof E['schema']['response'] & SuccessStatus];

/** What a caller passes: path parameters, query (filters are optional: the server fills defaults) and JSON body. */
export type RequestOf<E extends Endpoint> = ([ParamsOf<E>] extends [never] ? unknown : { params: ParamsOf<E> }) &
  ([QueryOf<E>] extends [never] ? unknown : { query?: Partial<QueryOf<E>> }) &
  ([BodyOf<E>] extends [never] ? unknown : { body: BodyOf<E> });

/** The operation's URL with its `:name` segments filled in (each value URL-encoded). */
export function pathOf(definition: Pick<Endpoint, 'url'>, params: Readonly<Record<string, string | number>> = {}): string {
  return definition.url.replace(/:([A-Za-z]+)/g, (_segment, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`${definition.url}: missing path parameter ${name}`);
    return encodeURIComponent(String(value));
  });
}

/** Query parameters as the server reads them: each value as text, absent ones (`undefined`) left out, `false` kept. */
export function queryStringOf(query: Readonly<Record<string, unknown>> = {}): string {
  const pairs = Object.entries(query)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`);
  return pairs.length > 0 ? `?${pairs.join('&')}` : '';
}

/** The URL of an operation for these path parameters and query. */
export function urlOf(
  definition: Pick<Endpoint, 'url'>,
  input: { params?: Readonly<Record<string, string | number>>; query?: Readonly<Record<string, unknown>> } = {},
): string {
  return pathOf(definition, input.params) + queryStringOf(input.query);
}
