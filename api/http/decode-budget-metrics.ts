import { Counter, Gauge, type Registry } from 'prom-client';
import type { DecodeBudget } from '../storage/decode-budget.js';

/** The decode budget's saturation: bytes of pixels held, decodes running and waiting, requests refused (503 `decode_busy`). */
export function decodeBudgetMetrics(registry: Registry, budget: DecodeBudget): void {
  new Gauge({
    name: 'vectordesk_decode_budget_bytes',
    help: 'Memory for decoded image pixels in this process: the budget and how much of it is held now',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      const { capacityBytes, inUseBytes } = budget.status();
      this.set({ state: 'capacity' }, capacityBytes);
      this.set({ state: 'in_use' }, inUseBytes);
    },
  });
  new Gauge({
    name: 'vectordesk_image_decodes',
    help: 'Image decodes (uploads being checked or identified, identify jobs) holding or waiting for decode memory',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      const { active, waiting } = budget.status();
      this.set({ state: 'active' }, active);
      this.set({ state: 'waiting' }, waiting);
    },
  });
  new Counter({
    name: 'vectordesk_image_decodes_refused_total',
    help: 'Uploads refused because no decode memory became free in time (answered 503 decode_busy)',
    registers: [registry],
    collect() {
      // The budget keeps the count (it exists before the registry); mirrored here when scraped.
      this.reset();
      this.inc(budget.status().refused);
    },
  });
}
