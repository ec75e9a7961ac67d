import { utimes } from 'node:fs/promises';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepOrphanFiles } from '../../api/services/orphan-sweep.js';
import { as } from '../helpers/client.js';
import { jpegImage } from '../helpers/images.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { uploadSpecimen, validMetadata } from '../helpers/uploads.js';

describe('orphan file sweep', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('pglite');
  });
  afterAll(() => t?.close());

  it('removes old files no database row refers to, and nothing else', async () => {
    const uploaded = await uploadSpecimen(await as(t, 'staff.beilun'), validMetadata(), [{ name: 'kept.jpg', data: await jpegImage(1) }]);
    const referenced = uploaded.json().images[0]!.sha256;
    // What a crash between writing the files and committing the rows leaves behind:
    const orphan = (await t.store.put(await jpegImage(2))).sha256;
    const recentOrphan = (await t.store.put(await jpegImage(3))).sha256;
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    for (const sha256 of [referenced, orphan]) await utimes(t.store.originalPath(sha256), twoHoursAgo, twoHoursAgo);

    expect(await sweepOrphanFiles(t.store, t.repositories.specimens, pino({ level: 'silent' }))).toBe(1);
    expect(await t.store.has(referenced)).toBe(true);
    expect(await t.store.has(orphan)).toBe(false);
    expect(await t.store.has(recentOrphan)).toBe(true);
  });
});
