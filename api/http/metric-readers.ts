import { Counter, Gauge, type Registry } from 'prom-client';

/** A gauge labelled by `state`, read from `states()` whenever it is scraped. */
export function stateGauge(registry: Registry, name: string, help: string, states: () => Record<string, number>): void {
  new Gauge({
    name,
    help,
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      for (const [state, value] of Object.entries(states())) this.set({ state }, value);
    },
  });
}

/** A counter whose count an object created before the registry keeps; mirrored here whenever it is scraped. */
export function mirroredCounter(registry: Registry, name: string, help: string, count: () => number): void {
  new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      this.reset();
      this.inc(count());
    },
  });
}
