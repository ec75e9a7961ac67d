import { Type, type Static } from 'typebox';
import { SHADOW_CONFUSION_LIMIT, SHADOW_DISAGREEMENT_LIMIT } from '../domain/identification.js';
import { MODEL_TASKS, RETRAIN_PHASES, RETRAIN_STATUSES } from '../domain/vocabulary.js';
import { DateTime, errorResponses, Items, Nullable, Uuid } from './common.js';
import { endpoint } from './endpoint.js';

const Fraction = (description: string) => Type.Number({ minimum: 0, maximum: 1, description });

export const ModelMetrics = Type.Object(
  {
    top1: Type.Optional(Type.Number()),
    top3: Type.Optional(Type.Number()),
    ece: Type.Optional(Type.Number()),
    rejectionAuroc: Type.Optional(Nullable(Type.Number())),
  },
  { title: 'ModelMetrics', description: 'Held-out test metrics from the model card' },
);

export const ModelInfo = Type.Object(
  {
    name: Type.String(),
    version: Type.String(),
    ref: Type.String({ description: '`name@version`' }),
    verified: Type.Boolean({ description: 'The card is valid and model.onnx matches its sha256' }),
    error: Nullable(Type.String()),
    task: Nullable(Type.Enum(MODEL_TASKS)),
    parentLabel: Nullable(Type.String()),
    replaces: Nullable(Type.String({ description: 'The package this refiner takes the place of in the identification chain' })),
    sha256: Nullable(Type.String()),
    onnxBytes: Nullable(Type.Integer()),
    metrics: Nullable(ModelMetrics),
    active: Type.Boolean(),
    shadow: Type.Boolean(),
  },
  { title: 'Model' },
);
export const ModelList = Items(ModelInfo);

const ComparedAnswer = Type.Object({
  group: Type.String(),
  taxon: Type.String(),
  confidence: Nullable(Type.Number({ minimum: 0, maximum: 1 })),
  rejected: Type.Boolean(),
});

export const ShadowComparison = Type.Object(
  {
    shadowModelKey: Type.String({
      description: "The shadow run's `model_key`: every version it consulted, `name@version` sorted and comma-joined",
    }),
    primaryModelKeys: Type.Array(Type.String(), { description: 'The `model_key`s of the primary answers it is compared with' }),
    specimens: Type.Integer({ minimum: 1, description: 'Specimens in scope with both a primary and this shadow answer' }),
    agreement: Type.Object(
      {
        taxon: Fraction('Share of those specimens where both give the same taxon'),
        group: Fraction('Share where both give the same group'),
      },
      { description: 'Fractions, 0 to 1' },
    ),
    rejected: Type.Object(
      { primary: Type.Integer({ minimum: 0 }), shadow: Type.Integer({ minimum: 0 }) },
      { description: 'Answers rejected as unknown' },
    ),
    meanConfidence: Type.Object({ primary: Nullable(Type.Number()), shadow: Nullable(Type.Number()) }),
    disagreements: Type.Array(Type.Object({ specimenId: Uuid, primary: ComparedAnswer, shadow: ComparedAnswer }), {
      description: `Specimens where group or taxon differ, newest shadow answer first, at most ${SHADOW_DISAGREEMENT_LIMIT}`,
    }),
    confusion: Type.Array(Type.Object({ primaryTaxon: Type.String(), shadowTaxon: Type.String(), count: Type.Integer({ minimum: 1 }) }), {
      description: `(primary taxon, shadow taxon) pairs that differ, most frequent first, at most ${SHADOW_CONFUSION_LIMIT}`,
    }),
  },
  { title: 'ShadowComparison' },
);

export const ShadowComparisonQuery = Type.Object(
  {
    shadowModel: Type.Optional(
      Type.String({
        pattern: '^[a-z0-9-]+@[A-Za-z0-9._-]+$',
        maxLength: 130,
        description: '`name@version`: only shadow runs that consulted this version (default: every shadow model key)',
      }),
    ),
    since: Type.Optional(Type.String({ format: 'date-time', description: 'Only shadow answers recorded at or after this instant' })),
  },
  { additionalProperties: false },
);

const ModelName = Type.String({ pattern: '^[a-z0-9][a-z0-9-]*$', maxLength: 64 });

const Headline = Type.Object({ top1: Type.Number(), ece: Type.Number(), examples: Type.Integer({ minimum: 0 }) });
export const GateReport = Type.Object(
  {
    margin: Type.Number({ description: 'Recall a class may lose, absolute' }),
    passed: Type.Boolean(),
    active: Headline,
    candidate: Headline,
    perClass: Type.Array(
      Type.Object({
        label: Type.String(),
        support: Type.Integer({ minimum: 0, description: 'Test images of the class' }),
        active: Type.Number({ description: "The active version's recall" }),
        candidate: Nullable(Type.Number(), { description: "The candidate's recall; null when it lacks the class" }),
        delta: Nullable(Type.Number()),
        passed: Type.Boolean(),
      }),
    ),
    failures: Type.Array(Type.String(), { description: 'Why the gate refused, one line per reason' }),
  },
  {
    title: 'GateReport',
    description: 'Non-regression gate on the same test split: no class loses more than `margin` of its recall, top-1 not lower (ADR 0032)',
  },
);

const DatasetRef = Type.Object({ name: Type.String(), manifestSha256: Type.String({ pattern: '^[0-9a-f]{64}$' }) });
export const RetrainOutcome = Type.Object(
  {
    candidate: Type.String({ description: '`name@version` of the retrained version' }),
    parent: Type.String({ description: '`name@version` it was measured against (the active one)' }),
    snapshots: Type.Array(DatasetRef),
    base: Type.Array(DatasetRef),
    gate: GateReport,
    registered: Type.Boolean({ description: 'Passed the gate and is now a version an administrator may activate' }),
  },
  { title: 'RetrainOutcome' },
);

export const RetrainOptions = Type.Object(
  {
    margin: Type.Number({ minimum: 0, maximum: 0.5, description: 'Recall a class may lose, absolute (0.02 = two points)' }),
    maxEpochs: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, description: "Cap on the trainer's epochs" })),
    size: Type.Optional(Type.Integer({ minimum: 16, maximum: 512, description: "Input size (default the active version's)" })),
    backbone: Type.Optional(
      Type.String({ pattern: '^[a-z0-9][a-z0-9-]*$', maxLength: 64, description: "Trainer backbone (default the active version's)" }),
    ),
  },
  { title: 'RetrainOptions', additionalProperties: false },
);

const SnapshotName = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$',
  maxLength: 128,
  description: 'A dataset snapshot: the folder of its manifest under the snapshots folder',
});

export const RetrainRequest = Type.Object(
  {
    snapshot: SnapshotName,
    margin: Type.Optional(RetrainOptions.properties.margin),
    maxEpochs: RetrainOptions.properties.maxEpochs,
    size: RetrainOptions.properties.size,
    backbone: RetrainOptions.properties.backbone,
  },
  { title: 'RetrainRequest', additionalProperties: false },
);

export const RetrainJob = Type.Object(
  {
    id: Uuid,
    model: Type.String(),
    snapshot: Type.String(),
    options: RetrainOptions,
    status: Type.Enum(RETRAIN_STATUSES),
    phase: Nullable(Type.Enum(RETRAIN_PHASES), { description: 'What a running job is doing' }),
    progress: Fraction('Share of the whole run done'),
    epoch: Nullable(Type.Integer({ minimum: 0 }), { description: 'While training: the epoch finished…' }),
    epochs: Nullable(Type.Integer({ minimum: 1 }), { description: '…of at most this many' }),
    outcome: Nullable(RetrainOutcome),
    error: Nullable(Type.String()),
    requestedBy: Uuid,
    createdAt: DateTime,
    startedAt: Nullable(DateTime),
    finishedAt: Nullable(DateTime),
  },
  { title: 'RetrainJob' },
);

const ModelVersionParams = Type.Object({ name: ModelName, version: Type.String({ pattern: '^[A-Za-z0-9._-]+$', maxLength: 64 }) });

export const modelEndpoints = {
  listModels: endpoint({
    method: 'GET',
    url: '/api/v1/models',
    schema: {
      operationId: 'listModels',
      tags: ['models'],
      summary: 'Model packages found, verified, with their card metrics and which version is active',
      response: { 200: ModelList, ...errorResponses(401) },
    },
  }),
  getShadowComparison: endpoint({
    method: 'GET',
    url: '/api/v1/models/shadow/comparison',
    schema: {
      operationId: 'getShadowComparison',
      tags: ['models'],
      summary:
        'Shadow answers compared with the primary answers on the same specimens, one item per shadow model key (experts and administrators)',
      description:
        "Every shadow AI answer on a specimen in the caller's scope is paired with the primary AI answer of the same run (the latest primary " +
        'recorded at or before it). Agreement is the share of those specimens where both answers give the same taxon (or group).',
      querystring: ShadowComparisonQuery,
      response: { 200: Items(ShadowComparison), ...errorResponses(400, 401, 403) },
    },
  }),
  activateModel: endpoint({
    method: 'POST',
    url: '/api/v1/models/:name/:version/activate',
    schema: {
      operationId: 'activateModel',
      tags: ['models'],
      summary: 'Serve this version from the next batch on (no request fails during the swap); all processes follow within seconds',
      params: ModelVersionParams,
      response: { 200: ModelList, ...errorResponses(400, 401, 403, 404, 422, 503) },
    },
  }),
  startShadowModel: endpoint({
    method: 'POST',
    url: '/api/v1/models/:name/:version/shadow',
    schema: {
      operationId: 'startShadowModel',
      tags: ['models'],
      summary: 'Also run this version on every input and record its answers for comparison, without affecting results',
      params: ModelVersionParams,
      response: { 200: ModelList, ...errorResponses(400, 401, 403, 404, 422, 503) },
    },
  }),
  retrainModel: endpoint({
    method: 'POST',
    url: '/api/v1/models/:name/retrain',
    schema: {
      operationId: 'retrainModel',
      tags: ['models'],
      summary:
        'Retrain this model from a dataset snapshot plus the base data, as a job (202): evaluated against the active version, registered only if it passes the gate, never activated',
      description: 'One retrain at a time: 409 `retrain_running` while another is queued or running. Administrators only.',
      params: Type.Object({ name: ModelName }),
      body: RetrainRequest,
      response: { 202: RetrainJob, ...errorResponses(400, 401, 403, 404, 409, 422) },
    },
  }),
  listRetrainJobs: endpoint({
    method: 'GET',
    url: '/api/v1/retrain-jobs',
    schema: {
      operationId: 'listRetrainJobs',
      tags: ['models'],
      summary: 'The latest retrain jobs, newest first, with their phase, progress and gate report (administrators)',
      response: { 200: Items(RetrainJob), ...errorResponses(401, 403) },
    },
  }),
  getRetrainJob: endpoint({
    method: 'GET',
    url: '/api/v1/retrain-jobs/:id',
    schema: {
      operationId: 'getRetrainJob',
      tags: ['models'],
      summary: 'One retrain job (administrators)',
      params: Type.Object({ id: Uuid }),
      response: { 200: RetrainJob, ...errorResponses(400, 401, 403, 404) },
    },
  }),
  stopShadowModel: endpoint({
    method: 'DELETE',
    url: '/api/v1/models/:name/shadow',
    schema: {
      operationId: 'stopShadowModel',
      tags: ['models'],
      summary: 'Stop running a shadow version of this model',
      params: Type.Object({ name: ModelName }),
      response: { 200: ModelList, ...errorResponses(400, 401, 403, 503) },
    },
  }),
};

export type ModelMetrics = Static<typeof ModelMetrics>;
export type ModelInfo = Static<typeof ModelInfo>;
export type ModelList = Static<typeof ModelList>;
export type ShadowComparison = Static<typeof ShadowComparison>;
export type ShadowComparisonQuery = Static<typeof ShadowComparisonQuery>;
export type GateReport = Static<typeof GateReport>;
export type RetrainOutcome = Static<typeof RetrainOutcome>;
export type RetrainOptions = Static<typeof RetrainOptions>;
export type RetrainRequest = Static<typeof RetrainRequest>;
export type RetrainJob = Static<typeof RetrainJob>;
