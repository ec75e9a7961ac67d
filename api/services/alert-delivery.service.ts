import type { FastifyBaseLogger } from 'fastify';
import { ALERT_WEBHOOK_HEADERS } from '../contract/index.js';
import type { AlertNoticeRecord } from '../domain/alert.js';
import { outgoingAlertOf, type AlertChannelRecord, type DeliveryAttempt, type OutgoingAlert } from '../domain/alert-channel.js';
import type { AlertChannelKind } from '../domain/vocabulary.js';
import { OutboxFeeder, type JobHandler, type JobPayloads, type JobQueue } from '../jobs/index.js';
import { presentAlertWebhookPayload, presentSmsGatewayRequest } from '../presenters/alert-channels.js';
import type { AlertChannelRepository } from '../repositories/alert-channel.repository.js';
import type { AlertDeliveryRepository } from '../repositories/alert-delivery.repository.js';
import type { AlertRepository } from '../repositories/alert.repository.js';
import { postAlert, webhookSignatureHeaders } from './alert-senders.js';

/**
 * Pushes an in-app notice to the people signed in whose scope root lies in the channel unit's subtree: the api emits
 * `alert.raised` on its event bus (the live gateway sends it), a worker through the socket.io Redis emitter.
 */
export type InAppPush = (notice: AlertNoticeRecord, channelUnitPath: string) => void;

/** How an attempt ended: `retrying` when another follows after the backoff. */
export type DeliveryOutcome = 'delivered' | 'retrying' | 'failed';

export interface AlertDeliveryServiceOptions {
  /** Tries per delivery, the first included (the queue's `attempts` for `alert-delivery`). */
  attempts: number;
  /** How long one HTTP request to a webhook or SMS gateway may take. */
  timeoutMs: number;
  /** How long a delivery may sit in the queue before the outbox sweep hands it over again. */
  requeueAfterMs: number;
  /** Told of every attempt (metrics). */
  onAttempt?: ((kind: AlertChannelKind, outcome: DeliveryOutcome) => void) | undefined;
}

/**
 * Alerts going out (ADR 0014). A delivery row per alert and enabled channel is committed with the alert (the outbox,
 * `AlertDeliveryRepository.createFor`); this service hands them to the `alert-delivery` queue, one job each, so a
 * slow or dead endpoint holds up only its own deliveries. A job sends once and logs the attempt; a failure throws,
 * and the queue retries it with exponential backoff until the last attempt marks the delivery `failed`.
 */
export class AlertDeliveryService {
  private readonly outbox: OutboxFeeder<JobPayloads['alert-delivery']>;

  constructor(
    private readonly deliveries: AlertDeliveryRepository,
    private readonly channels: AlertChannelRepository,
    private readonly alerts: Pick<AlertRepository, 'findInScope'>,
    queue: JobQueue<JobPayloads['alert-delivery']>,
    private readonly pushInApp: InAppPush,
    private readonly log: FastifyBaseLogger,
    private readonly options: AlertDeliveryServiceOptions,
  ) {
    this.outbox = new OutboxFeeder(deliveries, queue, log, {
      what: 'alert-delivery',
      payloadOf: (deliveryId) => ({ deliveryId }),
      requeueAfterMs: options.requeueAfterMs,
    });
  }

  /** Hands the deliveries of a committed alert to the queue; if the queue is unreachable, the sweep retries later. */
  async enqueue(deliveryIds: string[]): Promise<void> {
    await this.outbox.handOver(deliveryIds);
  }

  /** Re-enqueues pending deliveries never handed over, or handed over before `staleBefore`. */
  sweep(staleBefore?: Date): Promise<number> {
    return this.outbox.sweep(staleBefore);
  }

  /** Sweeps every pending delivery now (an in-process queue lost its jobs with the last process), then every `intervalMs`. */
  startSweeping(intervalMs: number): void {
    this.outbox.start(intervalMs);
  }

  stopSweeping(): void {
    this.outbox.stop();
  }

  /** The `alert-delivery` job's handler, for a process that consumes jobs. */
  jobHandler(): JobHandler<JobPayloads['alert-delivery']> {
    return (job) => this.deliver(job.data.deliveryId, job.attempt);
  }

  /**
   * One attempt at one delivery. Idempotent: a delivery no longer pending is left alone. The attempt count is the
   * delivery's own (it survives a restart that starts the job afresh), so no delivery is tried more than `attempts` times.
   */
  async deliver(deliveryId: string, jobAttempt: number): Promise<void> {
    const delivery = await this.deliveries.find(deliveryId);
    if (delivery?.status !== 'pending') return;
    // Unscoped: a delivery job sends to whoever the alert's channels name.
    const [channel, record] = await Promise.all([
      this.channels.find(delivery.channelId),
      this.alerts.findInScope(delivery.alertId, { all: true }),
    ]);
    if (!channel || !record) throw new Error(`alert delivery ${deliveryId}: its channel or alert is missing`);
    const alert = outgoingAlertOf(record);
    if (!channel.enabled) {
      await this.deliveries.abandon(deliveryId, 'the channel was disabled before the alert went out');
      return;
    }
    const attempt = delivery.attempts + 1;
    const sent = await this.send(deliveryId, channel, alert);
    const lastAttempt = jobAttempt >= this.options.attempts || attempt >= this.options.attempts;
    const outcome: DeliveryOutcome = sent.ok ? 'delivered' : lastAttempt ? 'failed' : 'retrying';
    const moved = await this.deliveries.recordAttempt(deliveryId, attempt, sent, outcome === 'retrying' ? 'pending' : outcome);
    if (!moved) return;
    this.options.onAttempt?.(channel.kind, outcome);
    if (sent.ok) return;
    const failure = `alert delivery ${deliveryId} through ${channel.kind} channel "${channel.name}", attempt ${attempt}: ${sent.error}`;
    if (outcome === 'failed') this.log.warn({ deliveryId, channelId: channel.id, attempts: attempt }, `${failure}; giving up`);
    throw new Error(failure);
  }

  private async send(deliveryId: string, channel: AlertChannelRecord, alert: OutgoingAlert): Promise<DeliveryAttempt> {
    const { timeoutMs } = this.options;
    switch (channel.kind) {
      case 'in_app':
        return this.push(alert.notice, channel.unit.path);
      case 'webhook': {
        const sentAt = new Date();
        const body = JSON.stringify(presentAlertWebhookPayload(deliveryId, channel, alert, sentAt));
        return postAlert(channel.webhook.url, body, webhookSignatureHeaders(channel.webhook.secret, deliveryId, body, sentAt), timeoutMs);
      }
      case 'sms': {
        const body = JSON.stringify(presentSmsGatewayRequest(channel.sms.recipients, alert.notice));
        const authorization: Record<string, string> = channel.sms.token === null ? {} : { authorization: `Bearer ${channel.sms.token}` };
        return postAlert(channel.sms.url, body, { [ALERT_WEBHOOK_HEADERS.delivery]: deliveryId, ...authorization }, timeoutMs);
      }
    }
  }

  private push(notice: AlertNoticeRecord, channelUnitPath: string): DeliveryAttempt {
    try {
      this.pushInApp(notice, channelUnitPath);
      return { ok: true, statusCode: null, error: null, durationMs: 0, responseExcerpt: null };
    } catch (error) {
      return {
        ok: false,
        statusCode: null,
        error: error instanceof Error ? error.message : String(error),
        durationMs: 0,
        responseExcerpt: null,
      };
    }
  }
}
