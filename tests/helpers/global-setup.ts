import { mediasoupAvailability, postgresAvailability, redisAvailability } from './services.js';

/** Says once, plainly, which real services the run will use and which tests will be skipped. */
export default async function globalSetup(): Promise<void> {
  for (const [name, availability] of [
    ['PostgreSQL', await postgresAvailability()],
    ['Redis', await redisAvailability()],
    ['mediasoup worker', await mediasoupAvailability()],
  ] as const) {
    if (availability.available) console.log(`[services] ${name}: available, tests that need it will use it`);
    else console.warn(`[services] ${name}: SKIPPING the tests that need it — ${availability.reason}`);
  }
}
