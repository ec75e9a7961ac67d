/**
 * A test-only preload for `node --import tsx --import ./tests/helpers/worker-read-probe.ts api/worker.ts`
 * (tests/integration/identification-scale-out.test.ts). It wraps `fs/promises.access` so that every check of
 * a file under READ_PROBE_DIR (the shared image storage: an identify job making sure a specimen's photo is there,
 * right before its inference threads read it) prints one JSON line `{"readProbe":"<mode>","path":"…"}` to stdout, and
 * then:
 *
 * - READ_PROBE=trace: checks the file as usual (proof of which process ran which specimen);
 * - READ_PROBE=hold: never returns, so the process holds the job (its BullMQ lock kept alive) until it is killed.
 *
 * Nothing in the product changes: the worker imports `access` from `node:fs/promises`, whose live binding
 * `syncBuiltinESMExports` points at the wrapper.
 */
import type * as fsPromisesModule from 'node:fs/promises';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import path from 'node:path';

const mode = process.env.READ_PROBE;
const root = process.env.READ_PROBE_DIR ? path.resolve(process.env.READ_PROBE_DIR) + path.sep : undefined;

if ((mode === 'trace' || mode === 'hold') && root) {
  const require = createRequire(import.meta.url);
  const fsPromises = require('node:fs/promises') as typeof fsPromisesModule & { access: (...args: unknown[]) => Promise<unknown> };
  const original = fsPromises.access;
  fsPromises.access = async function probedAccess(this: unknown, ...args: unknown[]) {
    const file = args[0];
    if (typeof file === 'string' && path.resolve(file).startsWith(root)) {
      process.stdout.write(`${JSON.stringify({ readProbe: mode, path: path.resolve(file) })}\n`);
      if (mode === 'hold') await new Promise<never>(() => undefined);
    }
    return original.apply(this, args);
  } as typeof fsPromises.access;
  syncBuiltinESMExports();
}
