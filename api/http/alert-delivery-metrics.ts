import { Counter, type Registry } from 'prom-client';
import type { AlertChannelKind } from '../domain/vocabulary.js';
import type { DeliveryOutcome } from '../services/alert-delivery.service.js';

/** Counts alert delivery attempts by channel kind and outcome; the answer is the delivery service's `onAttempt`. */
export function alertDeliveryMetrics(registry: Registry): (kind: AlertChannelKind, outcome: DeliveryOutcome) => void {
  const attempts = new Counter({
    name: 'vectordesk_alert_delivery_attempts_total',
    help: 'Alert delivery attempts by channel kind and outcome (delivered; retrying: another try follows; failed: given up)',
    labelNames: ['kind', 'outcome'] as const,
    registers: [registry],
  });
  return (kind, outcome) => attempts.inc({ kind, outcome });
}
