import { Type, type Static } from 'typebox';
import { PORT_TYPES, UNIT_LEVELS } from '../domain/vocabulary.js';
import { Port } from './auth.js';
import { errorResponses, Items, Nullable, Uuid } from './common.js';
import { endpoint } from './endpoint.js';
import { PersonMatch } from './users.js';

/** Unit and port codes: capitals, digits and single hyphens (`NINGBO-AIRPORT`, `CNNGB-BL`). */
export const ORGANISATION_CODE_PATTERN = '^[A-Z0-9]+(-[A-Z0-9]+)*$';
export const ORGANISATION_CODE_MAX_LENGTH = 40;
export const OrganisationCode = Type.String({
  minLength: 1,
  maxLength: ORGANISATION_CODE_MAX_LENGTH,
  pattern: ORGANISATION_CODE_PATTERN,
  description: 'Capital letters and digits, words joined by single hyphens; unique among units (or among ports)',
});
export const ORGANISATION_NAME_MAX_LENGTH = 200;
export const LAB_ADDRESS_MAX_LENGTH = 500;
const Name = Type.String({ minLength: 1, maxLength: ORGANISATION_NAME_MAX_LENGTH, pattern: '\\S', description: 'Not blank' });
/** The globe's bounds, in degrees: what a port's position may be (the web form offers the same). */
export const LONGITUDE_RANGE = { minimum: -180, maximum: 180 } as const;
export const LATITUDE_RANGE = { minimum: -90, maximum: 90 } as const;
const Longitude = Type.Number({ ...LONGITUDE_RANGE, description: 'WGS 84 degrees east' });
const Latitude = Type.Number({ ...LATITUDE_RANGE, description: 'WGS 84 degrees north' });
const Address = Type.String({ maxLength: LAB_ADDRESS_MAX_LENGTH });

export const UnitNode = Type.Object(
  {
    id: Uuid,
    parentId: Nullable(Uuid, { description: 'Null for headquarters; a unit whose parent is not listed is one of the caller’s roots' }),
    level: Type.Enum(UNIT_LEVELS),
    code: Type.String(),
    nameZh: Type.String(),
    nameEn: Type.String(),
    ports: Type.Array(Port, { description: 'The ports the unit runs, by code' }),
    administered: Type.Boolean({
      description:
        'The caller administers it: an administrator’s own unit and those below it, which they may change, add to and put accounts in (ADR 0024)',
    }),
  },
  { title: 'UnitNode', description: 'A unit of the organisation tree with its ports' },
);

export const UnitBody = Type.Object(
  {
    parentId: Uuid,
    code: OrganisationCode,
    nameZh: Name,
    nameEn: Name,
  },
  {
    title: 'UnitBody',
    additionalProperties: false,
    description: 'A unit under a parent: a district under headquarters, a port-level unit under a district',
  },
);

export const UnitPatch = Type.Object(
  { nameZh: Type.Optional(Name), nameEn: Type.Optional(Name) },
  {
    title: 'UnitPatch',
    additionalProperties: false,
    minProperties: 1,
    description: 'New names; a unit’s code, level and place in the tree stay as created (units are not moved)',
  },
);

export const PortBody = Type.Object(
  {
    unitId: Uuid,
    code: OrganisationCode,
    nameZh: Name,
    nameEn: Name,
    type: Type.Enum(PORT_TYPES),
    longitude: Longitude,
    latitude: Latitude,
  },
  { title: 'PortBody', additionalProperties: false },
);

export const PortPatch = Type.Object(
  {
    nameZh: Type.Optional(Name),
    nameEn: Type.Optional(Name),
    type: Type.Optional(Type.Enum(PORT_TYPES)),
    longitude: Type.Optional(Longitude),
    latitude: Type.Optional(Latitude),
  },
  {
    title: 'PortPatch',
    additionalProperties: false,
    minProperties: 1,
    description: 'What changes of a port; its code and unit stay (specimens and statistics refer to them)',
  },
);

export const LabDetail = Type.Object(
  {
    id: Uuid,
    unitId: Uuid,
    nameZh: Type.String(),
    nameEn: Type.String(),
    address: Nullable(Type.String()),
    active: Type.Boolean({ description: 'In service: only active labs are listed for booking and take new slots' }),
    managers: Type.Array(PersonMatch, { description: 'Who publishes its slots and sees its whole schedule, by name' }),
  },
  { title: 'LabDetail', description: 'A laboratory as administrators manage it: in service or not, with its managers' },
);

export const LabBody = Type.Object(
  { unitId: Uuid, nameZh: Name, nameEn: Name, address: Type.Optional(Nullable(Address)) },
  { title: 'LabBody', additionalProperties: false, description: 'A laboratory receiving the specimens of its unit’s subtree' },
);

export const LabPatch = Type.Object(
  {
    nameZh: Type.Optional(Name),
    nameEn: Type.Optional(Name),
    address: Type.Optional(Nullable(Address)),
    active: Type.Optional(Type.Boolean({ description: 'false takes the lab out of service; its slots and appointments stay' })),
  },
  { title: 'LabPatch', additionalProperties: false, minProperties: 1 },
);

const IdParams = Type.Object({ id: Uuid });
const LabManagerParams = Type.Object({ id: Uuid, userId: Uuid });

const ADMINISTRATORS_ONLY = 'Administrators only (`403 forbidden` for anyone else).';

export const organisationEndpoints = {
  listUnits: endpoint({
    method: 'GET',
    url: '/api/v1/units',
    schema: {
      operationId: 'listUnits',
      tags: ['organisation'],
      summary: "The units of the caller's part of the organisation with their ports, parents before their children",
      response: { 200: Items(UnitNode), ...errorResponses(401) },
    },
  }),
  createUnit: endpoint({
    method: 'POST',
    url: '/api/v1/units',
    schema: {
      operationId: 'createUnit',
      tags: ['organisation'],
      summary: 'Add a unit under a parent: its level follows from the parent’s',
      description: [
        ADMINISTRATORS_ONLY,
        'Headquarters has districts, a district has port-level units, a port-level unit has none',
        '(`422 unit_has_no_children`). A parent that is unknown or outside the caller’s scope is `422 unknown_unit`;',
        'a code another unit has, `409 unit_code_taken`.',
      ].join(' '),
      body: UnitBody,
      response: { 201: UnitNode, ...errorResponses(400, 401, 403, 409, 422) },
    },
  }),
  updateUnit: endpoint({
    method: 'PATCH',
    url: '/api/v1/units/:id',
    schema: {
      operationId: 'updateUnit',
      tags: ['organisation'],
      summary: 'Rename a unit (units are not moved)',
      description: ADMINISTRATORS_ONLY,
      params: IdParams,
      body: UnitPatch,
      response: { 200: UnitNode, ...errorResponses(400, 401, 403, 404) },
    },
  }),
  createPort: endpoint({
    method: 'POST',
    url: '/api/v1/ports',
    schema: {
      operationId: 'createPort',
      tags: ['organisation'],
      summary: 'Add a port run by a unit',
      description: `${ADMINISTRATORS_ONLY} An unknown unit is \`422 unknown_unit\`; a code another port has, \`409 port_code_taken\`.`,
      body: PortBody,
      response: { 201: Port, ...errorResponses(400, 401, 403, 409, 422) },
    },
  }),
  updatePort: endpoint({
    method: 'PATCH',
    url: '/api/v1/ports/:id',
    schema: {
      operationId: 'updatePort',
      tags: ['organisation'],
      summary: 'Change a port’s names, type or position',
      description: ADMINISTRATORS_ONLY,
      params: IdParams,
      body: PortPatch,
      response: { 200: Port, ...errorResponses(400, 401, 403, 404) },
    },
  }),
  listLabDetails: endpoint({
    method: 'GET',
    url: '/api/v1/labs/details',
    schema: {
      operationId: 'listLabDetails',
      tags: ['organisation'],
      summary: 'Every laboratory of the caller’s scope, in service or not, with its managers',
      description: ADMINISTRATORS_ONLY,
      response: { 200: Items(LabDetail), ...errorResponses(401, 403) },
    },
  }),
  createLab: endpoint({
    method: 'POST',
    url: '/api/v1/labs',
    schema: {
      operationId: 'createLab',
      tags: ['organisation'],
      summary: 'Add a laboratory: it receives the specimens of its unit’s subtree',
      description: `${ADMINISTRATORS_ONLY} An unknown unit is \`422 unknown_unit\`.`,
      body: LabBody,
      response: { 201: LabDetail, ...errorResponses(400, 401, 403, 422) },
    },
  }),
  updateLab: endpoint({
    method: 'PATCH',
    url: '/api/v1/labs/:id',
    schema: {
      operationId: 'updateLab',
      tags: ['organisation'],
      summary: 'Rename a laboratory, change its address, take it out of service or back',
      description: ADMINISTRATORS_ONLY,
      params: IdParams,
      body: LabPatch,
      response: { 200: LabDetail, ...errorResponses(400, 401, 403, 404) },
    },
  }),
  addLabManager: endpoint({
    method: 'PUT',
    url: '/api/v1/labs/:id/managers/:userId',
    schema: {
      operationId: 'addLabManager',
      tags: ['organisation'],
      summary: 'Make a person one of the laboratory’s managers (nothing changes if they are one)',
      description: [
        ADMINISTRATORS_ONLY,
        'The person must be an expert or administrator (`422 not_a_lab_manager_role`), not disabled (`422 user_disabled`),',
        'whose scope holds the lab’s unit, since managers see every appointment of the lab (`422 lab_out_of_manager_scope`).',
        'A person or lab outside the caller’s scope is `404`.',
      ].join(' '),
      params: LabManagerParams,
      response: { 200: LabDetail, ...errorResponses(400, 401, 403, 404, 422) },
    },
  }),
  removeLabManager: endpoint({
    method: 'DELETE',
    url: '/api/v1/labs/:id/managers/:userId',
    schema: {
      operationId: 'removeLabManager',
      tags: ['organisation'],
      summary: 'Take a person off the laboratory’s managers (nothing changes if they are not one)',
      description: ADMINISTRATORS_ONLY,
      params: LabManagerParams,
      response: { 200: LabDetail, ...errorResponses(400, 401, 403, 404) },
    },
  }),
};

export type UnitNode = Static<typeof UnitNode>;
export type UnitBody = Static<typeof UnitBody>;
export type UnitPatch = Static<typeof UnitPatch>;
export type PortBody = Static<typeof PortBody>;
export type PortPatch = Static<typeof PortPatch>;
export type LabDetail = Static<typeof LabDetail>;
export type LabBody = Static<typeof LabBody>;
export type LabPatch = Static<typeof LabPatch>;
