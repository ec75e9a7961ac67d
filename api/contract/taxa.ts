import { Type, type Static } from 'typebox';
import { TAXON_RANKS, VECTOR_GROUPS } from '../domain/vocabulary.js';
import { DateTime, errorResponses, Items, Nullable } from './common.js';
import { endpoint } from './endpoint.js';

/** A taxon id is its scientific name (or `not_vector`): what the models' labels and every identification name. */
export const TaxonId = Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z_][A-Za-z_ .-]*$', description: 'Scientific name' });

export const DiseaseName = Type.Object({ nameZh: Type.String(), nameEn: Type.String() }, { title: 'DiseaseName' });

export const Taxon = Type.Object(
  {
    id: TaxonId,
    rank: Type.Enum(TAXON_RANKS),
    parentId: Nullable(Type.String()),
    group: Type.Enum(VECTOR_GROUPS),
    nameZh: Type.String(),
    nameEn: Type.String(),
    synonyms: Type.Array(Type.String(), { description: 'Other scientific and common names it is searched by' }),
    diseases: Type.Array(DiseaseName, { description: 'Diseases it carries' }),
    lineage: Type.Array(Type.String(), { description: 'Its ancestors and itself, broadest first' }),
    watchList: Type.Boolean({ description: 'Watched for at ports: a detection of it is always critical and raises an alert' }),
    updatedAt: DateTime,
  },
  { title: 'Taxon' },
);

export const TaxonSearchQuery = Type.Object(
  {
    q: Type.Optional(
      Type.String({
        maxLength: 100,
        description: 'Part of a scientific, Chinese or English name or synonym (白纹伊蚊, albopictus, tiger)',
      }),
    ),
    group: Type.Optional(Type.Enum(VECTOR_GROUPS)),
    rank: Type.Optional(Type.Enum(TAXON_RANKS)),
    watchList: Type.Optional(Type.Boolean()),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
  },
  { additionalProperties: false },
);

export const TaxonPatch = Type.Object(
  { watchList: Type.Boolean({ description: 'Put the taxon on the watch list, or take it off' }) },
  { title: 'TaxonPatch', additionalProperties: false },
);

const TaxonParams = Type.Object({ id: TaxonId });

export const taxonEndpoints = {
  searchTaxa: endpoint({
    method: 'GET',
    url: '/api/v1/taxa',
    schema: {
      operationId: 'searchTaxa',
      tags: ['taxa'],
      summary: 'Search the taxa in both languages and by synonym; exact and prefix matches first',
      querystring: TaxonSearchQuery,
      response: { 200: Items(Taxon), ...errorResponses(400, 401) },
    },
  }),
  getTaxon: endpoint({
    method: 'GET',
    url: '/api/v1/taxa/:id',
    schema: {
      operationId: 'getTaxon',
      tags: ['taxa'],
      summary: 'One taxon by its scientific name',
      params: TaxonParams,
      response: { 200: Taxon, ...errorResponses(400, 401, 404) },
    },
  }),
  updateTaxon: endpoint({
    method: 'PATCH',
    url: '/api/v1/taxa/:id',
    schema: {
      operationId: 'updateTaxon',
      tags: ['taxa'],
      summary: "Change a taxon's watch-list flag (administrators); recorded in the audit log",
      params: TaxonParams,
      body: TaxonPatch,
      response: { 200: Taxon, ...errorResponses(400, 401, 403, 404) },
    },
  }),
};

export type DiseaseName = Static<typeof DiseaseName>;
export type Taxon = Static<typeof Taxon>;
export type TaxonSearchQuery = Static<typeof TaxonSearchQuery>;
export type TaxonPatch = Static<typeof TaxonPatch>;
