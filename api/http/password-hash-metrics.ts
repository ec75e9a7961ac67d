import { Counter, Gauge, type Registry } from 'prom-client';
import type { PasswordHashPool } from '../services/password-hash-pool.js';

/** Password hashing's saturation: hashes running and waiting now, and sign-ins refused (503 `login_busy`) since start. */
export function passwordHashMetrics(registry: Registry, pool: PasswordHashPool): void {
  new Gauge({
    name: 'vectordesk_password_hashes',
    help: 'Password hashes (logins) running or waiting for a hashing slot in this process',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      const { active, queued } = pool.status();
      this.set({ state: 'active' }, active);
      this.set({ state: 'queued' }, queued);
    },
  });
  new Counter({
    name: 'vectordesk_password_hashes_rejected_total',
    help: 'Password hashes refused because the hashing queue was full (login answered 503 login_busy)',
    registers: [registry],
    collect() {
      // The pool keeps the count (it exists before the registry); mirrored here when scraped.
      this.reset();
      this.inc(pool.status().rejected);
    },
  });
}
