import { Type, type Static } from 'typebox';
import { ROLES } from '../domain/vocabulary.js';
import { Unit } from './auth.js';
import { DateTime, errorResponses, Items, Page, pageQuery, PersonRef, Uuid } from './common.js';
import { endpoint } from './endpoint.js';

export const USER_LOOKUP_MAX = 200;
export const USER_ACCOUNTS_PAGE_MAX = 200;
/** The shortest password an administrator may set. */
export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 1000;

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

/** An account as its administrators see it: the person, their unit, whether they may sign in. Never the password. */
export const UserAccount = Type.Object(
  {
    ...PersonMatch.properties,
    unit: Unit,
    disabled: Type.Boolean({ description: 'A disabled account cannot sign in; its sessions ended when it was disabled' }),
    createdAt: DateTime,
    updatedAt: DateTime,
  },
  { title: 'UserAccount' },
);

export const UserAccountQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 100, description: 'Part of a username or display name, any case' })),
    role: Type.Optional(Type.Enum(ROLES)),
    disabled: Type.Optional(Type.Boolean({ description: 'Only disabled (`true`) or only active (`false`) accounts' })),
    ...pageQuery(USER_ACCOUNTS_PAGE_MAX, 50),
  },
  { additionalProperties: false },
);

const Username = Type.String({
  minLength: 3,
  maxLength: 64,
  pattern: '^[a-z0-9][a-z0-9._-]*$',
  description: 'Lower-case letters, digits, `.`, `_` and `-`, starting with a letter or digit',
});
const DisplayName = Type.String({ minLength: 1, maxLength: 100, pattern: '\\S', description: 'Stored trimmed' });
const Password = (description: string) =>
  Type.String({ minLength: 1, maxLength: PASSWORD_MAX_LENGTH, description: `${description}: at least ${PASSWORD_MIN_LENGTH} characters` });

export const NewUserAccount = Type.Object(
  { username: Username, displayName: DisplayName, password: Password('The first password'), role: Type.Enum(ROLES), unitId: Uuid },
  { title: 'NewUserAccount', additionalProperties: false },
);

export const UserAccountPatch = Type.Object(
  {
    displayName: Type.Optional(DisplayName),
    role: Type.Optional(Type.Enum(ROLES)),
    unitId: Type.Optional(Uuid),
    disabled: Type.Optional(Type.Boolean()),
    password: Type.Optional(Password('A new password, set by the administrator')),
  },
  { title: 'UserAccountPatch', additionalProperties: false, minProperties: 1 },
);

const administration = [
  'Administrators manage the accounts of their own unit and the units below it; an account or unit outside that',
  'answers `404 not_found` (in the path) or `422 unknown_unit` (in the body), as a missing one would. Every change is',
  'recorded in the audit log (the password never: a reset is recorded as `passwordReset: true`). A password shorter',
  `than ${PASSWORD_MIN_LENGTH} characters answers \`422 password_too_short\`; \`503 login_busy\` when password hashing is`,
  'queued to capacity.',
].join(' ');

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
  createUser: endpoint({
    method: 'POST',
    url: '/api/v1/users',
    schema: {
      operationId: 'createUser',
      tags: ['users'],
      summary: 'Create an account (administrators)',
      description: `${administration} A username already in use answers \`409 username_taken\`.`,
      body: NewUserAccount,
      response: { 201: UserAccount, ...errorResponses(400, 401, 403, 409, 422, 503) },
    },
  }),
  updateUser: endpoint({
    method: 'PATCH',
    url: '/api/v1/users/:id',
    schema: {
      operationId: 'updateUser',
      tags: ['users'],
      summary: 'Rename, disable or enable an account, change its role or unit, or reset its password (administrators)',
      description: [
        administration,
        'Disabling the account or changing its role, unit or password ends all its sessions: its next request answers',
        '`401`. Administrators cannot disable their own account, take away their own administrator role or move',
        'themselves to another unit (`409 self_lockout`, naming the field), so a unit is never left without one by mistake.',
      ].join(' '),
      params: Type.Object({ id: Uuid }),
      body: UserAccountPatch,
      response: { 200: UserAccount, ...errorResponses(400, 401, 403, 404, 409, 422, 503) },
    },
  }),
  listUserAccounts: endpoint({
    method: 'GET',
    url: '/api/v1/admin/users',
    schema: {
      operationId: 'listUserAccounts',
      tags: ['users'],
      summary: "Every account of the administrator's unit and below, disabled ones included (administrators)",
      description: 'Ordered by display name, then username. The people picker for everyone is `GET /api/v1/users`.',
      querystring: UserAccountQuery,
      response: { 200: Page(UserAccount), ...errorResponses(400, 401, 403) },
    },
  }),
};

export type PersonMatch = Static<typeof PersonMatch>;
export type UserLookupQuery = Static<typeof UserLookupQuery>;
export type UserAccount = Static<typeof UserAccount>;
export type UserAccountQuery = Static<typeof UserAccountQuery>;
export type NewUserAccount = Static<typeof NewUserAccount>;
export type UserAccountPatch = Static<typeof UserAccountPatch>;
