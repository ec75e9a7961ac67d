import { Type, type Static } from 'typebox';
import { EXPORT_FORMATS, EXPORT_STATUSES } from '../domain/vocabulary.js';
import { DateTime, errorResponses, FileResponses, Items, Nullable, Uuid } from './common.js';
import { endpoint } from './endpoint.js';
import { SurveillanceFilters } from './surveillance.js';

export const ExportRequest = Type.Object(
  {
    format: Type.Enum(EXPORT_FORMATS, {
      description: '`csv`: one row per specimen; `geojson`: ports as points with counts (RFC 7946); `dwc`: Darwin Core occurrences',
    }),
    filters: Type.Optional(SurveillanceFilters),
  },
  { title: 'ExportRequest', additionalProperties: false },
);

export const ExportAccepted = Type.Object({ id: Uuid }, { title: 'ExportAccepted' });

export const ExportJob = Type.Object(
  {
    id: Uuid,
    format: Type.Enum(EXPORT_FORMATS),
    filters: SurveillanceFilters,
    status: Type.Enum(EXPORT_STATUSES),
    progress: Type.Number({ minimum: 0, maximum: 1, description: 'Share of the rows written' }),
    rows: Nullable(Type.Integer({ minimum: 0 }), { description: 'Rows written so far (features, for GeoJSON)' }),
    error: Nullable(Type.String()),
    createdAt: DateTime,
    finishedAt: Nullable(DateTime),
    fileUrl: Nullable(Type.String({ description: 'Where to download the file, once done' })),
  },
  { title: 'ExportJob' },
);

const ExportIdParams = Type.Object({ id: Uuid });

export const exportEndpoints = {
  createExport: endpoint({
    method: 'POST',
    url: '/api/v1/exports',
    schema: {
      operationId: 'createExport',
      tags: ['exports'],
      summary: 'Export the specimens a query finds, as a job (202 with its id)',
      body: ExportRequest,
      response: { 202: ExportAccepted, ...errorResponses(400, 401, 403) },
    },
  }),
  listExports: endpoint({
    method: 'GET',
    url: '/api/v1/exports',
    schema: {
      operationId: 'listExports',
      tags: ['exports'],
      summary: "The caller's own exports, newest first (the last 50)",
      response: { 200: Items(ExportJob), ...errorResponses(401) },
    },
  }),
  getExport: endpoint({
    method: 'GET',
    url: '/api/v1/exports/:id',
    schema: {
      operationId: 'getExport',
      tags: ['exports'],
      summary: "An export's status and progress (the caller's own exports)",
      params: ExportIdParams,
      response: { 200: ExportJob, ...errorResponses(400, 401, 404) },
    },
  }),
  exportFile: endpoint({
    method: 'GET',
    url: '/api/v1/exports/:id/file',
    schema: {
      operationId: 'exportFile',
      tags: ['exports'],
      summary: 'The exported file, once the export is done (409 export_not_ready before, 410 export_expired after the retention)',
      params: ExportIdParams,
      response: { ...FileResponses, ...errorResponses(400, 401, 404, 409, 410) },
    },
  }),
};

export type ExportRequest = Static<typeof ExportRequest>;
export type ExportJob = Static<typeof ExportJob>;
