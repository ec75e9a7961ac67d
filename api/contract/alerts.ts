import { Type, type Static } from 'typebox';
import { ALERT_CHANNEL_KINDS, ALERT_REASONS, ALERT_STATUSES, DELIVERY_STATUSES } from '../domain/vocabulary.js';
import { Unit } from './auth.js';
import { DateTime, errorResponses, Items, Nullable, Page, pageQuery, PersonRef, Uuid } from './common.js';
import { endpoint } from './endpoint.js';
import { PortRef } from './specimens.js';
import { Taxon } from './taxa.js';

export const AlertDelivery = Type.Object(
  {
    id: Uuid,
    channel: Type.Object({ id: Uuid, name: Type.String(), kind: Type.Enum(ALERT_CHANNEL_KINDS) }),
    status: Type.Enum(DELIVERY_STATUSES),
    attempts: Type.Integer({ minimum: 0 }),
    lastAttemptAt: Nullable(DateTime),
    lastStatusCode: Nullable(Type.Integer(), { description: 'HTTP status the endpoint answered on the last attempt' }),
    lastError: Nullable(Type.String()),
    deliveredAt: Nullable(DateTime),
  },
  { title: 'AlertDelivery', description: 'How the alert went out through one channel' },
);

export const Alert = Type.Object(
  {
    id: Uuid,
    status: Type.Enum(ALERT_STATUSES),
    reasons: Type.Array(Type.Enum(ALERT_REASONS)),
    taxon: Taxon,
    port: PortRef,
    specimenId: Uuid,
    detectionId: Uuid,
    unit: Unit,
    responsibleUnit: Nullable(Unit, { description: 'Whose people acknowledge and confirm it: the unit above the specimen’s' }),
    collectedAt: DateTime,
    createdAt: DateTime,
    acknowledgedBy: Nullable(PersonRef),
    acknowledgedAt: Nullable(DateTime),
    confirmedBy: Nullable(PersonRef),
    confirmedAt: Nullable(DateTime),
    dismissedBy: Nullable(PersonRef),
    dismissedAt: Nullable(DateTime),
    dismissReason: Nullable(Type.String()),
    canAct: Type.Boolean({ description: 'Whether the caller is a responsible person who may acknowledge, confirm or dismiss it' }),
    deliveries: Type.Array(AlertDelivery),
  },
  { title: 'Alert', description: 'A first or watch-list detection that a responsible person must acknowledge and confirm' },
);

export const AlertListQuery = Type.Object(
  { status: Type.Optional(Type.Enum(ALERT_STATUSES)), ...pageQuery(200, 50) },
  { additionalProperties: false },
);

export const DismissAlertBody = Type.Object(
  { reason: Type.String({ minLength: 3, maxLength: 2000, description: 'Why the alert is dismissed' }) },
  { title: 'DismissAlertBody', additionalProperties: false },
);

const HttpUrl = Type.String({ minLength: 1, maxLength: 2000, description: 'An absolute http(s) URL' });

export const WebhookChannelConfig = Type.Object(
  {
    url: HttpUrl,
    secret: Type.Optional(
      Type.String({ minLength: 16, maxLength: 200, description: 'HMAC-SHA256 key; generated when left out and shown once, on creation' }),
    ),
  },
  { additionalProperties: false },
);

export const SmsChannelConfig = Type.Object(
  {
    url: HttpUrl,
    recipients: Type.Array(Type.String({ pattern: '^\\+?[0-9]{5,20}$' }), { minItems: 1, maxItems: 100 }),
    token: Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: 'Sent as `Authorization: Bearer …`' })),
  },
  { additionalProperties: false },
);

export const AlertChannelBody = Type.Union(
  [
    Type.Object(
      {
        kind: Type.Literal('in_app'),
        unitId: Uuid,
        name: Type.String({ minLength: 1, maxLength: 200 }),
        enabled: Type.Optional(Type.Boolean()),
      },
      { additionalProperties: false },
    ),
    Type.Object(
      {
        kind: Type.Literal('webhook'),
        unitId: Uuid,
        name: Type.String({ minLength: 1, maxLength: 200 }),
        enabled: Type.Optional(Type.Boolean()),
        webhook: WebhookChannelConfig,
      },
      { additionalProperties: false },
    ),
    Type.Object(
      {
        kind: Type.Literal('sms'),
        unitId: Uuid,
        name: Type.String({ minLength: 1, maxLength: 200 }),
        enabled: Type.Optional(Type.Boolean()),
        sms: SmsChannelConfig,
      },
      { additionalProperties: false },
    ),
  ],
  { title: 'AlertChannelBody' },
);

export const AlertChannelPatch = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    enabled: Type.Optional(Type.Boolean()),
    webhook: Type.Optional(WebhookChannelConfig),
    sms: Type.Optional(SmsChannelConfig),
  },
  { title: 'AlertChannelPatch', additionalProperties: false, minProperties: 1 },
);

export const AlertChannel = Type.Object(
  {
    id: Uuid,
    unit: Unit,
    kind: Type.Enum(ALERT_CHANNEL_KINDS),
    name: Type.String(),
    enabled: Type.Boolean(),
    webhook: Nullable(Type.Object({ url: Type.String() })),
    sms: Nullable(Type.Object({ url: Type.String(), recipients: Type.Array(Type.String()), tokenSet: Type.Boolean() })),
    /** Only in the answer that created the channel (or replaced its webhook settings). */
    secret: Type.Optional(Type.String({ description: 'The webhook signing key: shown once' })),
    createdBy: PersonRef,
    createdAt: DateTime,
    updatedAt: DateTime,
  },
  { title: 'AlertChannel', description: 'Where alerts about the unit’s subtree go: in-app push, a signed webhook, an SMS gateway' },
);

/** What the live push says of an alert: enough to show a notice; the caller's own view of it is at `GET /api/v1/alerts/:id`. */
export const AlertNotice = Type.Object(
  {
    alertId: Uuid,
    status: Type.Enum(ALERT_STATUSES),
    reasons: Type.Array(Type.Enum(ALERT_REASONS)),
    taxon: Type.Object({ id: Type.String(), nameZh: Type.String(), nameEn: Type.String() }),
    port: PortRef,
    specimenId: Uuid,
    createdAt: DateTime,
  },
  { title: 'AlertNotice' },
);

/**
 * The headers of every webhook delivery (ADR 0014). The signature is `sha256=` and the lower-case hex HMAC-SHA256,
 * keyed with the channel's secret (its UTF-8 bytes), of `<timestamp>.<raw body>`; the timestamp is Unix seconds.
 */
export const ALERT_WEBHOOK_HEADERS = {
  delivery: 'X-VectorDesk-Delivery',
  timestamp: 'X-VectorDesk-Timestamp',
  signature: 'X-VectorDesk-Signature',
} as const;

/** The body a webhook channel receives (`POST`, `application/json`), signed as {@link ALERT_WEBHOOK_HEADERS} say. */
export const AlertWebhookPayload = Type.Object(
  {
    event: Type.Literal('alert.raised'),
    deliveryId: Uuid,
    sentAt: Type.String({ format: 'date-time', description: 'When this attempt was sent: each retry is signed afresh' }),
    channel: Type.Object({ id: Uuid, name: Type.String() }),
    alert: Type.Object({
      ...AlertNotice.properties,
      detectionId: Uuid,
      unit: Unit,
      responsibleUnit: Unit,
    }),
  },
  {
    title: 'AlertWebhookPayload',
    description:
      'One alert through one webhook channel; the same `deliveryId` (and header) on every retry, so receivers can ignore repeats',
  },
);

/** The body an SMS-gateway channel receives (`POST`, `application/json`, `Authorization: Bearer <token>` when one is set). */
export const SmsGatewayRequest = Type.Object(
  {
    to: Type.Array(Type.String(), { minItems: 1, description: "The channel's recipients" }),
    message: Type.String({ description: 'A short text in Chinese and English: taxon, port and why it is an alert' }),
    alertId: Uuid,
  },
  { title: 'SmsGatewayRequest' },
);

const AlertParams = Type.Object({ id: Uuid });
const alertAction = (operationId: string, action: string, summary: string) =>
  endpoint({
    method: 'POST',
    url: `/api/v1/alerts/:id/${action}`,
    schema: {
      operationId,
      tags: ['alerts'],
      summary,
      params: AlertParams,
      response: { 200: Alert, ...errorResponses(400, 401, 403, 404, 409) },
    },
  });

export const alertEndpoints = {
  listAlerts: endpoint({
    method: 'GET',
    url: '/api/v1/alerts',
    schema: {
      operationId: 'listAlerts',
      tags: ['alerts'],
      summary: "Alerts about specimens in the caller's scope: open first, then newest",
      querystring: AlertListQuery,
      response: { 200: Page(Alert), ...errorResponses(400, 401) },
    },
  }),
  getAlert: endpoint({
    method: 'GET',
    url: '/api/v1/alerts/:id',
    schema: {
      operationId: 'getAlert',
      tags: ['alerts'],
      summary: 'One alert with its deliveries',
      params: AlertParams,
      response: { 200: Alert, ...errorResponses(400, 401, 404) },
    },
  }),
  acknowledgeAlert: alertAction(
    'acknowledgeAlert',
    'acknowledge',
    'Acknowledge an open alert (a responsible person: an expert or administrator of the unit above)',
  ),
  confirmAlert: alertAction('confirmAlert', 'confirm', 'Confirm an acknowledged alert: the detection stands (a responsible person)'),
  dismissAlert: endpoint({
    method: 'POST',
    url: '/api/v1/alerts/:id/dismiss',
    schema: {
      operationId: 'dismissAlert',
      tags: ['alerts'],
      summary: 'Dismiss an open or acknowledged alert, with the reason (a responsible person)',
      params: AlertParams,
      body: DismissAlertBody,
      response: { 200: Alert, ...errorResponses(400, 401, 403, 404, 409) },
    },
  }),
  listAlertChannels: endpoint({
    method: 'GET',
    url: '/api/v1/alert-channels',
    schema: {
      operationId: 'listAlertChannels',
      tags: ['alerts'],
      summary: 'The alert channels of every unit (administrators)',
      response: { 200: Items(AlertChannel), ...errorResponses(401, 403) },
    },
  }),
  createAlertChannel: endpoint({
    method: 'POST',
    url: '/api/v1/alert-channels',
    schema: {
      operationId: 'createAlertChannel',
      tags: ['alerts'],
      summary: 'Add an alert channel to a unit (administrators); a webhook answers its signing secret once',
      description: [
        'The channel hears of every alert about a specimen anywhere in the unit’s subtree. Each alert goes out through each',
        'enabled channel as its own delivery, retried with exponential backoff (`ALERT_DELIVERY_ATTEMPTS`,',
        '`ALERT_DELIVERY_BACKOFF_MS`); every attempt is logged with its status code.',
        '',
        '**Webhook**: `POST <url>` with an `AlertWebhookPayload` JSON body and the headers',
        '`X-VectorDesk-Delivery: <delivery id>`, `X-VectorDesk-Timestamp: <Unix seconds>` and',
        '`X-VectorDesk-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>`. A receiver recomputes the',
        'HMAC over the raw bytes it received, compares in constant time, and refuses timestamps more than a few minutes',
        'old. Any 2xx answer counts as delivered; anything else (redirects included) is retried. The secret is',
        'generated (32 random bytes, base64url) unless given, and appears only in this answer.',
        '',
        '**SMS gateway**: `POST <url>` with an `SmsGatewayRequest` JSON body, `Authorization: Bearer <token>` when a token',
        'is set. **In-app**: a live-push `alert.raised` to the people of the unit’s subtree who are signed in.',
        '',
        'URLs must be absolute `http:`/`https:` without credentials: otherwise `400 invalid_url` naming the field.',
      ].join('\n'),
      body: AlertChannelBody,
      response: { 201: AlertChannel, ...errorResponses(400, 401, 403, 422) },
    },
  }),
  updateAlertChannel: endpoint({
    method: 'PATCH',
    url: '/api/v1/alert-channels/:id',
    schema: {
      operationId: 'updateAlertChannel',
      tags: ['alerts'],
      summary: 'Rename, enable or disable an alert channel, or change its endpoint (administrators)',
      description: [
        '`webhook` or `sms` replace the channel’s settings of that kind as a whole, as on creation: a webhook without',
        '`secret` gets a new generated one (answered once, in `secret`), an SMS gateway without `token` sends none.',
        'Settings of another kind than the channel’s are refused (`422 channel_kind_mismatch`). Channels are disabled,',
        'never deleted: their deliveries stay on record.',
      ].join('\n'),
      params: Type.Object({ id: Uuid }),
      body: AlertChannelPatch,
      response: { 200: AlertChannel, ...errorResponses(400, 401, 403, 404, 422) },
    },
  }),
};

export type AlertDelivery = Static<typeof AlertDelivery>;
export type AlertNotice = Static<typeof AlertNotice>;
export type Alert = Static<typeof Alert>;
export type AlertListQuery = Static<typeof AlertListQuery>;
export type DismissAlertBody = Static<typeof DismissAlertBody>;
export type AlertChannelBody = Static<typeof AlertChannelBody>;
export type AlertChannelPatch = Static<typeof AlertChannelPatch>;
export type AlertChannel = Static<typeof AlertChannel>;
export type AlertWebhookPayload = Static<typeof AlertWebhookPayload>;
export type SmsGatewayRequest = Static<typeof SmsGatewayRequest>;
