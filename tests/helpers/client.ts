// The tests' HTTP client, derived from the wire contract like the web app's (web/src/api/client.ts), but over
// `app.inject`: `staff.getSpecimen({ params: { id } })` answers the raw response, whose `json()` is the operation's
// 2xx body and `error()` the error body. `send` and `inject` are for the requests the contract cannot type: the
// malformed bodies and queries that tests of refusals must send.
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import type { Static, TSchema } from 'typebox';
import {
  endpoints,
  urlOf,
  type AnswerOf,
  type Endpoint,
  type Endpoints,
  type ErrorBody,
  type MultipartBody,
  type RequestOf,
} from '../../api/contract/index.js';

/** An app under test whose demo users sign in with `tokenFor` (a TestApp or TestServer). */
export interface SignInApp {
  app: FastifyInstance;
  tokenFor(username: string): Promise<string>;
}

/** Any answer: light-my-request's response, with `error()` reading the body every 4xx/5xx answer has. */
export type Response = LightMyRequestResponse & { error(): ErrorBody };

type Responses<E extends Endpoint> = E['schema']['response'];
/** The bodies an operation declares for its 4xx/5xx answers: the error shape, or its own (`/ready`'s 503). */
type FailureOf<E extends Endpoint> = {
  [S in keyof Responses<E>]: `${S & number}` extends `${4 | 5}${string}`
    ? Responses<E>[S] extends infer R extends TSchema
      ? Static<R>
      : never
    : never;
}[keyof Responses<E>];

/** The answer of one operation: `json()` is its 2xx body, `error()` its 4xx/5xx body, as the contract declares them. */
export type Answer<E extends Endpoint> = Omit<Response, 'json' | 'error'> & {
  json(): AnswerOf<E>;
  error(): [FailureOf<E>] extends [never] ? ErrorBody : FailureOf<E>;
};

/** Inject options besides the request itself: extra headers, cookies, the caller's address. */
export type RequestOptions = Omit<InjectOptions, 'method' | 'url' | 'path' | 'query' | 'payload' | 'body'>;

/** What an operation takes: its params, query and JSON body, or for a multipart operation the `form`. */
export type InputOf<E extends Endpoint> = RequestOf<E> & (E extends { multipart: MultipartBody } ? { form: FormData } : unknown);

/** An operation's input, however malformed. */
export interface LooseInput {
  params?: Record<string, string | number>;
  query?: Record<string, unknown>;
  body?: unknown;
  form?: FormData;
}

type CallArguments<E extends Endpoint> =
  Record<never, never> extends InputOf<E> ? [input?: InputOf<E>, options?: RequestOptions] : [input: InputOf<E>, options?: RequestOptions];

type Operations = { [Id in keyof Endpoints]: (...args: CallArguments<Endpoints[Id]>) => Promise<Answer<Endpoints[Id]>> };

/** Every operation of the contract by its operationId, sent with one person's session token (or none). */
export type Client = Operations & {
  /** The session token sent as `Authorization: Bearer …`; null for an anonymous client. */
  readonly token: string | null;
  /** An operation with an input the contract does not allow, to see it refused. */
  send<E extends Endpoint>(definition: E, input?: LooseInput, options?: RequestOptions): Promise<Answer<E>>;
  /** Any request (a URL the server handed out, a body that is no JSON …), with the token filled in. */
  inject(options: InjectOptions): Promise<Response>;
};

/** A client with a session token, which a socket or a plain `fetch` may borrow. */
export type SignedInClient = Client & { readonly token: string };

/** A client for `username`, a demo user of the app, signed in through the real route. */
export async function as(subject: SignInApp, username: string): Promise<SignedInClient> {
  return withToken(subject.app, await subject.tokenFor(username)) as SignedInClient;
}

/** A client sending no credentials. */
export function anonymous(subject: { app: FastifyInstance }): Client {
  return withToken(subject.app, null);
}

/** A client sending this token, however it was obtained (a login, a room token, a forged one). */
export function withToken(app: FastifyInstance, token: string | null): Client {
  const inject = async (options: InjectOptions): Promise<Response> => {
    const headers = token === null ? options.headers : { authorization: `Bearer ${token}`, ...options.headers };
    const response = await app.inject({ ...options, ...(headers ? { headers } : {}) });
    return Object.assign(response, { error: () => response.json<ErrorBody>() });
  };
  const send = async <E extends Endpoint>(definition: E, input: LooseInput = {}, options: RequestOptions = {}): Promise<Answer<E>> => {
    const payload = input.form ?? input.body;
    return (await inject({
      ...options,
      method: definition.method,
      url: urlOf(definition, input),
      ...(payload === undefined ? {} : { payload: payload as InjectOptions['payload'] }),
    })) as unknown as Answer<E>;
  };
  const operations = Object.fromEntries(
    Object.entries(endpoints).map(([operationId, definition]) => [
      operationId,
      (input?: LooseInput, options?: RequestOptions) => send(definition, input, options),
    ]),
  );
  return { ...operations, token, send, inject } as unknown as Client;
}
