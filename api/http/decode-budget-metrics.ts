import type { Registry } from 'prom-client';
import type { DecodeBudget } from '../storage/decode-budget.js';
import { mirroredCounter, stateGauge } from './metric-readers.js';

/** The decode budget's saturation: bytes of pixels held, decodes running and waiting, requests refused (503 `decode_busy`). */
export function decodeBudgetMetrics(registry: Registry, budget: DecodeBudget): void {
  stateGauge(
    registry,
    'vectordesk_decode_budget_bytes',
    'Memory for decoded image pixels in this process: the budget and how much of it is held now',
    () => ({ capacity: budget.status().capacityBytes, in_use: budget.status().inUseBytes }),
  );
  stateGauge(
    registry,
    'vectordesk_image_decodes',
    'Image decodes (uploads being checked or identified, identify jobs) holding or waiting for decode memory',
    () => ({ active: budget.status().active, waiting: budget.status().waiting }),
  );
  mirroredCounter(
    registry,
    'vectordesk_image_decodes_refused_total',
    'Uploads refused because no decode memory became free in time (answered 503 decode_busy)',
    () => budget.status().refused,
  );
}
