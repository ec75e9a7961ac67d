import { Type, type Static } from 'typebox';
import { PORT_TYPES, ROLES, UNIT_LEVELS } from '../domain/vocabulary.js';
import { errorResponses, Items, Uuid } from './common.js';
import { endpoint } from './endpoint.js';

/** The httpOnly cookie that carries the session token for the browser (so `<img>` tags load protected images). */
export const SESSION_COOKIE = 'vd_token';

export const Unit = Type.Object(
  {
    id: Uuid,
    code: Type.String(),
    level: Type.Enum(UNIT_LEVELS),
    nameZh: Type.String(),
    nameEn: Type.String(),
  },
  { title: 'Unit' },
);

export const User = Type.Object(
  {
    id: Uuid,
    username: Type.String(),
    displayName: Type.String(),
    role: Type.Enum(ROLES),
    unit: Unit,
  },
  { title: 'User' },
);

export const Port = Type.Object(
  {
    id: Uuid,
    code: Type.String(),
    nameZh: Type.String(),
    nameEn: Type.String(),
    type: Type.Enum(PORT_TYPES),
    longitude: Type.Number(),
    latitude: Type.Number(),
    unitId: Uuid,
  },
  { title: 'Port' },
);

export const LoginBody = Type.Object(
  { username: Type.String({ minLength: 1, maxLength: 100 }), password: Type.String({ minLength: 1, maxLength: 1000 }) },
  { title: 'Credentials', additionalProperties: false },
);
export const LoginAnswer = Type.Object(
  { token: Type.String({ description: 'Send it as `Authorization: Bearer <token>`' }), user: User },
  { title: 'Session' },
);
export const MeAnswer = Type.Object({ user: User }, { title: 'Me' });

export const authEndpoints = {
  login: endpoint({
    method: 'POST',
    url: '/api/v1/auth/login',
    schema: {
      operationId: 'login',
      tags: ['auth'],
      summary: 'Sign in; returns a bearer token and sets it as an httpOnly cookie',
      description:
        '429 with `Retry-After` when one address tries too often (`too_many_logins`) or one account from one address ' +
        '(`too_many_requests`); 503 `login_busy` with `Retry-After` when password checks are queued to capacity.',
      security: [],
      body: LoginBody,
      response: { 200: LoginAnswer, ...errorResponses(400, 401, 429, 503) },
    },
  }),
  logout: endpoint({
    method: 'POST',
    url: '/api/v1/auth/logout',
    schema: {
      operationId: 'logout',
      tags: ['auth'],
      summary: 'Sign out: revoke the session of the token sent, if any, and clear the session cookie',
      security: [],
      response: { 204: Type.Null({ description: 'Signed out' }), ...errorResponses(400, 415) },
    },
  }),
  getMe: endpoint({
    method: 'GET',
    url: '/api/v1/me',
    schema: {
      operationId: 'getMe',
      tags: ['auth'],
      summary: 'Who the token belongs to',
      response: { 200: MeAnswer, ...errorResponses(401) },
    },
  }),
  listPorts: endpoint({
    method: 'GET',
    url: '/api/v1/ports',
    schema: {
      operationId: 'listPorts',
      tags: ['organisation'],
      summary: "Ports in the caller's part of the organisation",
      response: { 200: Items(Port), ...errorResponses(401) },
    },
  }),
};

export type Unit = Static<typeof Unit>;
export type User = Static<typeof User>;
export type Port = Static<typeof Port>;
export type LoginBody = Static<typeof LoginBody>;
export type LoginAnswer = Static<typeof LoginAnswer>;
export type MeAnswer = Static<typeof MeAnswer>;
