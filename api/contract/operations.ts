import { Type, type Static } from 'typebox';
import { endpoint } from './endpoint.js';

// For load balancers and orchestrators, like /metrics: not in the OpenAPI document of the client API (they take no
// input, so they have no 4xx answer a client could act on).

const Check = Type.Object({ ok: Type.Boolean(), detail: Type.String() });
const Checks = Type.Record(Type.String(), Check, {
  description: 'One entry per backend: database, storage, queue, models, workers (identify consumers), rtc (mediasoup workers)',
});

export const Readiness = Type.Object({ status: Type.Literal('ready'), checks: Checks });
export const NotReady = Type.Object({ status: Type.Literal('not_ready'), checks: Checks });

export const operationsEndpoints = {
  getHealth: endpoint({
    method: 'GET',
    url: '/health',
    schema: {
      operationId: 'getHealth',
      tags: ['operations'],
      summary: 'Liveness: the process answers',
      security: [],
      hide: true,
      response: { 200: Type.Object({ status: Type.Literal('ok') }) },
    },
  }),
  getReadiness: endpoint({
    method: 'GET',
    url: '/ready',
    schema: {
      operationId: 'getReadiness',
      tags: ['operations'],
      summary: 'Readiness: every backend this process needs answers',
      security: [],
      hide: true,
      response: { 200: Readiness, 503: NotReady },
    },
  }),
};

export type Readiness = Static<typeof Readiness>;
export type NotReady = Static<typeof NotReady>;
