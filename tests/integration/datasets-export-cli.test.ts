import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, migrateToLatest, type DatabaseHandle } from '../../api/db/database.js';
import { readSnapshot } from '../../datasets/snapshot.js';
import { runCli } from '../helpers/cli.js';
import { testBackends, type TestDatabase } from '../helpers/database.js';
import { jpegImage } from '../helpers/images.js';
import { POSTGRES_URL } from '../helpers/services.js';
import { confirmedSpecimen } from '../helpers/teaching.js';
import { createTestApp } from '../helpers/test-app.js';

const CLI = 'api/cli/datasets-export.ts';

for (const backend of await testBackends()) {
  describe.skipIf(!backend.availability.available)(`npm run datasets:export on ${backend.name} ${backend.availability.reason}`, () => {
    let dir: string;
    let env: Record<string, string>;
    let closeDatabase: () => Promise<void>;
    const run = (...args: string[]) => runCli(CLI, args, process.cwd(), env);
    const snapshots = () => readdir(path.join(dir, 'datasets', 'snapshots')).catch(() => []);

    beforeAll(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'vectordesk-export-cli-'));
      const storage = path.join(dir, 'storage');
      // PGlite: the service's embedded data directory, closed before the command opens it (one process at a time).
      const embedded: DatabaseHandle | undefined =
        backend.name === 'pglite' ? await openDatabase({ embeddedDir: path.join(dir, 'db') }) : undefined;
      if (embedded) await migrateToLatest(embedded.db);
      const t = await createTestApp(backend.name, { STORAGE_DIR: storage }, embedded);
      await confirmedSpecimen(t, { portCode: 'CNNGB-BL', taxon: 'Culex pipiens', photo: await jpegImage(201) });
      await confirmedSpecimen(t, { portCode: 'CNSHA-YS', taxon: 'Aedes albopictus', photo: await jpegImage(202) });
      env = { DATA_DIR: dir, STORAGE_DIR: storage, LOG_LEVEL: 'silent', DATABASE_URL: '', DATABASE_SCHEMA: '' };
      if (embedded) {
        await t.close();
        await embedded.close();
        closeDatabase = async () => {};
      } else {
        Object.assign(env, { DATABASE_URL: POSTGRES_URL, DATABASE_SCHEMA: (t.database as TestDatabase).schema! });
        closeDatabase = () => t.close();
      }
    });
    afterAll(async () => {
      await closeDatabase?.();
      await rm(dir, { recursive: true, force: true });
    });

    it('writes a snapshot of the filtered specimens and prints its statistics and provenance', async () => {
      const result = await run('--name', 'culex-v1', '--taxa', 'Culex', '--units', 'NINGBO', '--from', '2020-01-01');
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('dataset snapshot culex-v1: 1 images of 1 specimens');
      expect(result.stdout).toMatch(/mosquito\|adult\|Culex pipiens\s+\d\s+\d\s+\d\s+1/);
      expect(result.stdout).toContain('units: BEILUN 1');
      const summary = await readSnapshot(path.join(dir, 'datasets', 'snapshots', 'culex-v1'));
      expect(result.stdout).toContain(`manifest sha256 ${summary.manifestSha256}`);
    });

    it('refuses a name used before, an empty selection and bad arguments, writing nothing', async () => {
      const taken = await run('--name', 'culex-v1');
      expect(taken.code).toBe(1);
      expect(taken.stderr).toContain('exists already');
      const empty = await run('--name', 'ticks', '--taxa', 'Ixodida');
      expect(empty.code).toBe(1);
      expect(empty.stderr).toContain('empty_snapshot');
      for (const args of [
        [],
        ['--name', 'x', '--from', '2026-02-30'],
        ['--name', 'x y'],
        ['--name', 'x', '--units', 'ATLANTIS'],
        ['--name', 'x', 'extra'],
      ]) {
        const refused = await run(...args);
        expect(refused.code, args.join(' ')).toBe(2);
        expect(refused.stderr).toContain('usage: npm run datasets:export');
      }
      const unknownTaxon = await run('--name', 'x', '--taxa', 'Culex nonexistens');
      expect(unknownTaxon.code, unknownTaxon.stderr).toBe(2);
      expect(unknownTaxon.stderr).toContain('Not in the taxonomy: Culex nonexistens');
      expect(await snapshots()).toEqual(['culex-v1']);
    });
  });
}
