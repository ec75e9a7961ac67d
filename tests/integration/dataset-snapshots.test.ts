import { createHash } from 'node:crypto';
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readManifest } from '../../datasets/manifest.js';
import { readSnapshot } from '../../datasets/snapshot.js';
import { endpoints, type DatasetSnapshotDetail, type Specimen } from '../../api/contract/index.js';
import { auditOf, expectError } from '../helpers/audit.js';
import { as, type Client } from '../helpers/client.js';
import { testBackends } from '../helpers/database.js';
import { jpegImage } from '../helpers/images.js';
import { confirmedSpecimen } from '../helpers/teaching.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

const PIPIENS = 'Culex pipiens';
const TRITAENIORHYNCHUS = 'Culex tritaeniorhynchus';
const ALBOPICTUS = 'Aedes albopictus';

for (const backend of await testBackends()) {
  describe.skipIf(!backend.availability.available)(`dataset snapshots on ${backend.name} ${backend.availability.reason}`, () => {
    let t: TestApp;
    let admin: Client;
    let specimens: Specimen[];
    let unitIds: Map<string, string>;
    const snapshotsDir = () => path.join(t.config.datasets.dir, 'snapshots');
    const create = (name: string, filters: Record<string, unknown> = {}) =>
      admin.send(endpoints.createDatasetSnapshot, { body: { name, filters } });
    const rowsAndFolders = async () => ({
      rows: (await t.database.db.selectFrom('dataset_snapshots').select('name').orderBy('name').execute()).map((row) => row.name),
      folders: (await readdir(snapshotsDir()).catch(() => [])).sort(),
    });

    beforeAll(async () => {
      t = await createTestApp(backend.name);
      admin = await as(t, 'admin');
      // Two Culex species at Ningbo (Beilun, the airport), an Aedes at Shanghai: each with a photo of its own.
      specimens = [
        await confirmedSpecimen(t, { portCode: 'CNNGB-BL', taxon: PIPIENS, photo: await jpegImage(101) }),
        await confirmedSpecimen(t, { portCode: 'CNNGB-LS', taxon: TRITAENIORHYNCHUS, photo: await jpegImage(102), lifeStage: 'larva' }),
        await confirmedSpecimen(t, { portCode: 'CNSHA-YS', taxon: ALBOPICTUS, photo: await jpegImage(103) }),
        await confirmedSpecimen(t, { portCode: 'CNNGB-BL', taxon: PIPIENS, photo: await jpegImage(104) }),
      ];
      const units = await t.database.db.selectFrom('units').select(['id', 'code']).execute();
      unitIds = new Map(units.map((unit) => [unit.code, unit.id]));
    });
    afterAll(() => t?.close());

    it('freezes the confirmed specimens as a split, verified snapshot, recorded, audited and downloadable', async () => {
      const response = await admin.createDatasetSnapshot({ body: { name: 'all-v1', filters: {} } });
      expect(response.statusCode, response.body).toBe(201);
      const snapshot: DatasetSnapshotDetail = response.json();
      expect(snapshot).toMatchObject({ name: 'all-v1', images: 4, specimens: 4, createdBy: { username: 'admin' }, filters: {} });
      expect(snapshot.splits.train + snapshot.splits.val + snapshot.splits.test).toBe(4);
      expect(snapshot.statistics.find((label) => label.taxon === TRITAENIORHYNCHUS)).toMatchObject({ lifeStage: 'larva', total: 1 });
      expect(snapshot.provenance).toMatchObject({
        licence: t.config.datasets.licence,
        units: expect.arrayContaining([{ key: 'BEILUN', specimens: 2 }]),
        ports: expect.arrayContaining([{ key: 'CNSHA-YS', specimens: 1 }]),
      });
      // The expert whose decision confirmed each: the district's, or the second where two were needed.
      expect(snapshot.provenance.experts.reduce((sum, expert) => sum + expert.specimens, 0)).toBe(4);
      for (const { key } of snapshot.provenance.experts) expect(['expert.ningbo', 'expert.shanghai', 'expert.hq']).toContain(key);

      const folder = path.join(snapshotsDir(), 'all-v1');
      expect(await readSnapshot(folder)).toEqual({ name: 'all-v1', manifestSha256: snapshot.manifestSha256, images: 4, specimens: 4 });
      const manifest = await readManifest(path.join(folder, 'manifest.json'));
      expect(manifest.images.map((image) => image.specimenId).sort()).toEqual(specimens.map((specimen) => specimen.id).sort());
      expect(manifest.images.find((image) => image.specimenId === specimens[2]!.id)).toMatchObject({
        taxon: ALBOPICTUS,
        source: 'YANGSHAN',
      });

      const download = await admin.datasetSnapshotManifest({ params: { id: snapshot.id } });
      expect(download.statusCode).toBe(200);
      expect(createHash('sha256').update(download.rawPayload).digest('hex')).toBe(snapshot.manifestSha256);
      expect((await admin.listDatasetSnapshots()).json().items.map((item) => item.name)).toContain('all-v1');
      expect((await admin.getDatasetSnapshot({ params: { id: snapshot.id } })).json()).toEqual(snapshot);
      expect(await auditOf(t, 'dataset_snapshot', snapshot.id)).toEqual([
        expect.objectContaining({
          action: 'dataset_snapshot.create',
          after: expect.objectContaining({ manifestSha256: snapshot.manifestSha256 }),
        }),
      ]);
    });

    it('filters by taxon with its descendants, by unit with its subordinates, and by confirmation day', async () => {
      const names = async (name: string, filters: Record<string, unknown>) => {
        const response = await create(name, filters);
        expect(response.statusCode, response.body).toBe(201);
        const manifest = await readManifest(path.join(snapshotsDir(), name, 'manifest.json'));
        return manifest.images.map((image) => image.taxon).sort();
      };
      expect(await names('culex', { taxa: ['Culex'] })).toEqual([PIPIENS, PIPIENS, TRITAENIORHYNCHUS]);
      expect(await names('ningbo', { units: [unitIds.get('NINGBO')] })).toEqual([PIPIENS, PIPIENS, TRITAENIORHYNCHUS]);
      expect(await names('beilun-or-shanghai', { units: [unitIds.get('BEILUN'), unitIds.get('SHANGHAI')] })).toEqual([
        ALBOPICTUS,
        PIPIENS,
        PIPIENS,
      ]);
      const today = new Date().toISOString().slice(0, 10);
      expect(await names('today-aedes', { taxa: ['Aedes albopictus'], from: today, to: today })).toEqual([ALBOPICTUS]);
      expectError(await create('tomorrow', { from: '2999-01-01' }), 422, 'empty_snapshot');
      expectError(await create('no-ticks', { taxa: ['Ixodida'] }), 422, 'empty_snapshot');
    });

    it('refuses a name used before, bad filters and other roles, writing nothing', async () => {
      const before = await rowsAndFolders();
      expectError(await create('all-v1'), 409, 'snapshot_exists');
      expectError(await create('../escape'), 400, 'validation_failed');
      expectError(await create('spaced name'), 400, 'validation_failed');
      expectError(await create('bad-taxon', { taxa: ['Culex nonexistens'] }), 400, 'unknown_taxa');
      expectError(await create('bad-unit', { units: ['00000000-0000-4000-8000-000000000000'] }), 400, 'unknown_units');
      expectError(await create('bad-range', { from: '2026-12-02', to: '2026-12-01' }), 400, 'bad_date_range');
      expectError(await create('bad-day', { from: '2026-02-30' }), 400, 'validation_failed');
      expectError(await create('extra', { species: ['Culex'] }), 400, 'validation_failed');
      expectError(await admin.send(endpoints.createDatasetSnapshot, { body: { filters: {} } }), 400, 'validation_failed');
      for (const username of ['expert.hq', 'staff.beilun', 'trainee.ningbo']) {
        const other = await as(t, username);
        expectError(await other.send(endpoints.createDatasetSnapshot, { body: { name: `by-${username}`, filters: {} } }), 403, 'forbidden');
        expectError(await other.listDatasetSnapshots(), 403, 'forbidden');
      }
      const { id } = (await admin.listDatasetSnapshots()).json().items[0]!;
      const expert = await as(t, 'expert.hq');
      expectError(await expert.getDatasetSnapshot({ params: { id } }), 403, 'forbidden');
      expectError(await expert.datasetSnapshotManifest({ params: { id } }), 403, 'forbidden');
      expectError(await admin.getDatasetSnapshot({ params: { id: '00000000-0000-4000-8000-000000000000' } }), 404, 'not_found');
      expect(await rowsAndFolders()).toEqual(before);
    });

    it('keeps a snapshot as it was when a specimen is corrected or its photo leaves the store', async () => {
      const [snapshot] = (await admin.listDatasetSnapshots()).json().items.filter((item) => item.name === 'all-v1');
      const manifest = (await admin.datasetSnapshotManifest({ params: { id: snapshot!.id } })).rawPayload;
      await t.database.db.updateTable('detections').set({ taxon_id: ALBOPICTUS }).where('specimen_id', '=', specimens[0]!.id).execute();
      await rm(t.store.originalPath(specimens[0]!.images[0]!.sha256));
      expect((await admin.datasetSnapshotManifest({ params: { id: snapshot!.id } })).rawPayload.equals(manifest)).toBe(true);
      expect((await readSnapshot(path.join(snapshotsDir(), 'all-v1'))).manifestSha256).toBe(snapshot!.manifestSha256);
      // A new snapshot takes the correction; the photo no longer in the store is named, and nothing is written.
      const refused = expectError(await create('after-correction'), 422, 'snapshot_data_problems');
      expect(JSON.stringify(refused.details)).toContain('missing');
      expect((await rowsAndFolders()).folders).not.toContain('after-correction');
    });
  });
}
