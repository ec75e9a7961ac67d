import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * How to start the worker_threads entry `name` that sits next to the module at `moduleUrl` (its `import.meta.url`).
 * Compiled JavaScript (`dist/`): the sibling `.js` file. TypeScript source (tests, the tsx-run CLIs): a small bootstrap
 * registers tsx in the new thread and imports the `.ts` entry (Node 20 does not apply `--import tsx` from a worker's
 * `execArgv`); tsx is resolved from here, so the working directory does not matter.
 */
export function workerEntry(moduleUrl: string, name: string): { script: URL | string; eval: boolean } {
  if (!moduleUrl.endsWith('.ts')) return { script: new URL(`./${name}.js`, moduleUrl), eval: false };
  const require = createRequire(import.meta.url);
  const manifest = require('tsx/package.json') as { exports: Record<string, { import?: { default?: string } } | string> };
  const api = manifest.exports['./esm/api'];
  if (typeof api !== 'object' || !api.import?.default) throw new Error(`cannot find the tsx ESM API to run ${name}.ts`);
  const tsxApi = pathToFileURL(path.join(path.dirname(require.resolve('tsx/package.json')), api.import.default)).href;
  const entry = new URL(`./${name}.ts`, moduleUrl).href;
  return {
    script: `import(${JSON.stringify(tsxApi)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`,
    eval: true,
  };
}
