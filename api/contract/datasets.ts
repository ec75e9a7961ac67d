import { Type, type Static } from 'typebox';
import { LIFE_STAGES, VECTOR_GROUPS } from '../domain/vocabulary.js';
import { DateTime, errorResponses, FileResponses, Items, Nullable, PersonRef, Uuid } from './common.js';
import { endpoint } from './endpoint.js';

const Day = Type.String({ format: 'date', description: 'A UTC calendar day, YYYY-MM-DD' });
const Count = Type.Integer({ minimum: 0 });

export const SnapshotFilters = Type.Object(
  {
    taxa: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 200 }), {
        minItems: 1,
        maxItems: 100,
        uniqueItems: true,
        description: 'Taxon ids: specimens confirmed as one of these or a taxon below it (default: every taxon)',
      }),
    ),
    units: Type.Optional(
      Type.Array(Uuid, {
        minItems: 1,
        maxItems: 100,
        uniqueItems: true,
        description: 'Unit ids: specimens submitted by one of these units or a unit under it (default: every unit)',
      }),
    ),
    from: Type.Optional({ ...Day, description: 'Confirmed on or after this day (UTC)' }),
    to: Type.Optional({ ...Day, description: 'Confirmed on or before this day (UTC)' }),
  },
  { additionalProperties: false, title: 'SnapshotFilters' },
);

export const CreateSnapshot = Type.Object(
  {
    name: Type.String({
      pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$',
      maxLength: 100,
      description: 'Letters, digits, . _ and -; also the folder name. A name is never used twice',
    }),
    filters: SnapshotFilters,
  },
  { additionalProperties: false, title: 'CreateSnapshot' },
);

export const SnapshotLabelCount = Type.Object(
  {
    group: Type.Enum(VECTOR_GROUPS),
    lifeStage: Nullable(Type.Enum(LIFE_STAGES), { description: 'Null: not recorded' }),
    taxon: Type.String(),
    train: Count,
    val: Count,
    test: Count,
    total: Count,
  },
  { title: 'SnapshotLabelCount', description: 'Images of one label (group, life stage, taxon) in each split' },
);

const Tally = Type.Array(Type.Object({ key: Type.String(), specimens: Type.Integer({ minimum: 1 }) }), {
  description: 'Specimens per key, most first',
});

export const SnapshotProvenance = Type.Object(
  {
    licence: Type.String(),
    confirmedFrom: DateTime,
    confirmedTo: DateTime,
    units: Tally,
    ports: Tally,
    experts: { ...Tally, description: 'Specimens per confirming expert (username), most first' },
  },
  { title: 'SnapshotProvenance' },
);

export const DatasetSnapshot = Type.Object(
  {
    id: Uuid,
    name: Type.String(),
    filters: SnapshotFilters,
    createdBy: Nullable(PersonRef, { description: 'Null: taken with `npm run datasets:export`' }),
    createdAt: DateTime,
    manifestSha256: Type.String({ pattern: '^[0-9a-f]{64}$', description: 'What a model package names as its training data' }),
    images: Count,
    specimens: Count,
    splits: Type.Object({ train: Count, val: Count, test: Count }, { description: 'Images per split' }),
  },
  { title: 'DatasetSnapshot' },
);

export const DatasetSnapshotDetail = Type.Object(
  { ...DatasetSnapshot.properties, statistics: Type.Array(SnapshotLabelCount), provenance: SnapshotProvenance },
  { title: 'DatasetSnapshotDetail' },
);

const SnapshotIdParams = Type.Object({ id: Uuid });

export const datasetEndpoints = {
  createDatasetSnapshot: endpoint({
    method: 'POST',
    url: '/api/v1/datasets/snapshots',
    schema: {
      operationId: 'createDatasetSnapshot',
      tags: ['datasets'],
      summary: 'Freeze the confirmed specimens matching the filters as an immutable, split dataset snapshot (administrators)',
      description:
        'Copies the photos of every confirmed specimen that matches (not those an expert hid from teaching) into a read-only folder ' +
        'with a manifest split by specimen and near-duplicate. 409 `snapshot_exists` when the name was ever used; 422 ' +
        '`empty_snapshot` when nothing matches; 400 `unknown_taxa` / `unknown_units` / `bad_date_range` for filters that cannot match.',
      body: CreateSnapshot,
      response: { 201: DatasetSnapshotDetail, ...errorResponses(400, 401, 403, 409, 422) },
    },
  }),
  listDatasetSnapshots: endpoint({
    method: 'GET',
    url: '/api/v1/datasets/snapshots',
    schema: {
      operationId: 'listDatasetSnapshots',
      tags: ['datasets'],
      summary: 'Dataset snapshots, newest first, with their counts (administrators)',
      response: { 200: Items(DatasetSnapshot), ...errorResponses(401, 403) },
    },
  }),
  getDatasetSnapshot: endpoint({
    method: 'GET',
    url: '/api/v1/datasets/snapshots/:id',
    schema: {
      operationId: 'getDatasetSnapshot',
      tags: ['datasets'],
      summary: 'A snapshot with its filters, image counts per label and split, and provenance (administrators)',
      params: SnapshotIdParams,
      response: { 200: DatasetSnapshotDetail, ...errorResponses(400, 401, 403, 404) },
    },
  }),
  datasetSnapshotManifest: endpoint({
    method: 'GET',
    url: '/api/v1/datasets/snapshots/:id/manifest',
    schema: {
      operationId: 'datasetSnapshotManifest',
      tags: ['datasets'],
      summary: "The snapshot's manifest.json, byte for byte (its sha256 is `manifestSha256`) (administrators)",
      params: SnapshotIdParams,
      response: { ...FileResponses, ...errorResponses(400, 401, 403, 404) },
    },
  }),
};

export type SnapshotFilters = Static<typeof SnapshotFilters>;
export type CreateSnapshot = Static<typeof CreateSnapshot>;
export type SnapshotLabelCount = Static<typeof SnapshotLabelCount>;
export type SnapshotProvenance = Static<typeof SnapshotProvenance>;
export type DatasetSnapshot = Static<typeof DatasetSnapshot>;
export type DatasetSnapshotDetail = Static<typeof DatasetSnapshotDetail>;
