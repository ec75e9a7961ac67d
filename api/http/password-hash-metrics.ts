import type { Registry } from 'prom-client';
import type { PasswordHashPool } from '../services/password-hash-pool.js';
import { mirroredCounter, stateGauge } from './metric-readers.js';

/** Password hashing's saturation: hashes running and waiting now, and sign-ins refused (503 `login_busy`) since start. */
export function passwordHashMetrics(registry: Registry, pool: PasswordHashPool): void {
  stateGauge(
    registry,
    'vectordesk_password_hashes',
    'Password hashes (logins) running or waiting for a hashing slot in this process',
    () => {
      const { active, queued } = pool.status();
      return { active, queued };
    },
  );
  mirroredCounter(
    registry,
    'vectordesk_password_hashes_rejected_total',
    'Password hashes refused because the hashing queue was full (login answered 503 login_busy)',
    () => pool.status().rejected,
  );
}
