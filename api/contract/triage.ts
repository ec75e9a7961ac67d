import { Type, type Static } from 'typebox';
import { REVIEW_QUEUES, TRIAGE_CONDITIONS, TRIAGE_QUEUES, TRIAGE_REASON_CODES } from '../domain/vocabulary.js';
import { DateTime, errorResponses, Items, Nullable, PersonRef } from './common.js';
import { endpoint } from './endpoint.js';

export const TriageReason = Type.Object(
  {
    code: Type.Enum(TRIAGE_REASON_CODES, { description: 'The rule that matched, or `experts_disagree`' }),
    queue: Type.Enum(REVIEW_QUEUES),
    detail: Type.String({ description: 'The fact behind it, in words' }),
  },
  { title: 'TriageReason' },
);

export const Triage = Type.Object(
  {
    queue: Type.Enum(TRIAGE_QUEUES, {
      description: '`auto`: accepted as identified; `review`: one expert decides; `critical`: two experts must agree',
    }),
    reasons: Type.Array(TriageReason),
    triagedAt: DateTime,
  },
  { title: 'Triage', description: 'Where triage sent the specimen and why' },
);

export const TriageRule = Type.Object(
  {
    code: Type.Enum(TRIAGE_CONDITIONS),
    queue: Type.Enum(REVIEW_QUEUES),
    enabled: Type.Boolean(),
    threshold: Nullable(Type.Number({ minimum: 0, maximum: 1 }), { description: '`confidence_below` only' }),
    description: Type.String({ description: 'What the rule tests' }),
    updatedBy: Nullable(PersonRef),
    updatedAt: DateTime,
  },
  { title: 'TriageRule' },
);

export const TriageRulePatch = Type.Object(
  {
    queue: Type.Optional(Type.Enum(REVIEW_QUEUES)),
    enabled: Type.Optional(Type.Boolean()),
    threshold: Type.Optional(Type.Number({ minimum: 0, maximum: 1, description: '`confidence_below` only' })),
  },
  { title: 'TriageRulePatch', additionalProperties: false, minProperties: 1 },
);

export const triageEndpoints = {
  listTriageRules: endpoint({
    method: 'GET',
    url: '/api/v1/triage/rules',
    schema: {
      operationId: 'listTriageRules',
      tags: ['review'],
      summary: 'The rules that send identified specimens to the review or critical queue (experts and administrators)',
      response: { 200: Items(TriageRule), ...errorResponses(401, 403) },
    },
  }),
  updateTriageRule: endpoint({
    method: 'PATCH',
    url: '/api/v1/triage/rules/:code',
    schema: {
      operationId: 'updateTriageRule',
      tags: ['review'],
      summary:
        'Change a triage rule: its queue, whether it applies, its threshold (administrators); applies to specimens triaged from now on',
      params: Type.Object({ code: Type.Enum(TRIAGE_CONDITIONS) }),
      body: TriageRulePatch,
      response: { 200: TriageRule, ...errorResponses(400, 401, 403, 422) },
    },
  }),
};

export type TriageReason = Static<typeof TriageReason>;
export type Triage = Static<typeof Triage>;
export type TriageRule = Static<typeof TriageRule>;
export type TriageRulePatch = Static<typeof TriageRulePatch>;
