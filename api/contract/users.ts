import { Type, type Static } from 'typebox';
import { ROLES } from '../domain/vocabulary.js';
import { errorResponses, Items, PersonRef, Uuid } from './common.js';
import { endpoint } from './endpoint.js';

export const USER_LOOKUP_MAX = 200;

export const PersonMatch = Type.Object({ ...PersonRef.properties, role: Type.Enum(ROLES), unitId: Uuid }, { title: 'PersonMatch' });

export const UserLookupQuery = Type.Object(
  {
    q: Type.Optional(
      Type.String({
        maxLength: 100,
        description: 'Part of a username or display name, any case; empty or absent: everyone in scope (with the other filters)',
      }),
    ),
    role: Type.Optional(Type.Enum(ROLES)),
    limit: Type.Integer({ minimum: 1, maximum: USER_LOOKUP_MAX, default: 20 }),
  },
  { additionalProperties: false },
);

export const userEndpoints = {
  lookupUsers: endpoint({
    method: 'GET',
    url: '/api/v1/users',
    schema: {
      operationId: 'lookupUsers',
      tags: ['users'],
      summary: "Active people in the caller's unit and below whose name or username matches (experts, staff and administrators)",
      description: 'Ordered by display name; at most `limit`. Trainees are refused (403).',
      querystring: UserLookupQuery,
      response: { 200: Items(PersonMatch), ...errorResponses(400, 401, 403) },
    },
  }),
};

export type PersonMatch = Static<typeof PersonMatch>;
export type UserLookupQuery = Static<typeof UserLookupQuery>;
