import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Web modules tested here import the wire contract as the browser app does.
  resolve: { alias: { '@contract': fileURLToPath(new URL('./api/contract/index.ts', import.meta.url)) } },
  test: {
    include: ['tests/**/*.test.ts'],
    // PGlite, argon2 and sharp are CPU-heavy; two workers match the two cores CI has.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    globalSetup: ['tests/helpers/global-setup.ts'],
    reporters: ['default'],
  },
});
