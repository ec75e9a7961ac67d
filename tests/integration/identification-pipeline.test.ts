import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorBody } from '../../api/contract/index.js';
import { anonymous, as, type Client } from '../helpers/client.js';
import { openTestDatabase } from '../helpers/database.js';
import { identificationOf, waitForIdentification } from '../helpers/identification.js';
import { jpegImage, pngImage, truncatedJpeg } from '../helpers/images.js';
import { MODELS_DIR, modelsDirWithSecondVersion, newestPackageDir } from '../helpers/models.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { specimenForm, uploadSpecimen, validMetadata } from '../helpers/uploads.js';

function identify(client: Client, files: { name: string; data: Buffer }[]) {
  return client.identifyImages({ form: specimenForm(undefined, files) });
}

describe('automatic identification of submitted specimens (embedded: PGlite + in-process queue)', () => {
  let app: TestApp;
  let staff: Client;
  beforeAll(async () => {
    app = await createTestApp('pglite');
    staff = await as(app, 'staff.beilun');
  });
  afterAll(() => app?.close());

  it('identifies a new specimen, stores the result with its model versions and timings, and shows it on the specimen', async () => {
    const created = await uploadSpecimen(staff, validMetadata(), [
      { name: 'a.jpg', data: await jpegImage(21, 320, 240) },
      { name: 'b.png', data: await pngImage(22, 200, 160), type: 'image/png' },
    ]);
    expect(created.statusCode).toBe(201);
    const specimen = created.json();
    expect(['pending', 'done']).toContain(specimen.identification?.status);

    const identification = await waitForIdentification(staff, specimen.id);
    expect(identification.status).toBe('done');
    expect(['mosquito', 'tick', 'rodent', 'flea', 'cockroach', 'fly', 'not_vector']).toContain(identification.group);
    expect(identification.confidence).toBeGreaterThan(0);
    expect(identification.topK.length).toBeGreaterThan(0);
    if (identification.rejected) expect(identification.taxon).toBe('unknown');
    expect(identification.model).toMatch(/^[a-z0-9-]+@[\w.-]+$/);
    expect(identification.models[0]).toMatch(/^vector-group@/);
    expect(identification.timings).toMatchObject({
      queueMs: expect.any(Number),
      preprocessMs: expect.any(Number),
      inferenceMs: expect.any(Number),
    });
    expect(identification.images.map((image) => image.imageId)).toEqual(specimen.images.map((image) => image.id));
  });

  it('gives an image that became unreadable in storage its own error, not a failed specimen', async () => {
    // Intake already refuses corrupt uploads (422); a stored file can still rot or be cut short on disk.
    const created = await uploadSpecimen(staff, validMetadata(), [
      { name: 'good.jpg', data: await jpegImage(23, 200, 150) },
      { name: 'later-cut.jpg', data: await jpegImage(26, 400, 300) },
    ]);
    expect(created.statusCode).toBe(201);
    const specimen = created.json();
    await waitForIdentification(staff, specimen.id);
    await writeFile(app.store.originalPath(specimen.images[1]!.sha256), await truncatedJpeg());
    await app.database.db.deleteFrom('identifications').where('specimen_id', '=', specimen.id).execute();
    await app.database.db
      .updateTable('identification_requests')
      .set({ status: 'pending' })
      .where('specimen_id', '=', specimen.id)
      .execute();
    await app.identification.service.runJob(app.identification.pool!, specimen.id, 1);

    const identification = await identificationOf(staff, specimen.id);
    expect(identification.status).toBe('done');
    expect(identification.taxon).toBeTruthy();
    const cut = identification.images.find((image) => image.imageId === specimen.images[1]!.id);
    expect(cut && 'error' in cut && cut.error).toMatch(/not a readable image/);
  });

  it('stores one result per specimen and model versions however often the job runs', async () => {
    const created = await uploadSpecimen(staff, validMetadata(), [{ name: 'a.jpg', data: await jpegImage(24) }]);
    const id = created.json().id;
    await waitForIdentification(staff, id);
    // A duplicated delivery of the job (at-least-once queues) and a forced re-run of a finished request.
    await app.database.db.updateTable('identification_requests').set({ status: 'pending' }).where('specimen_id', '=', id).execute();
    await app.identification.service.runJob(app.identification.pool!, id, 1);
    await app.identification.service.runJob(app.identification.pool!, id, 1);
    const rows = await app.database.db.selectFrom('identifications').select('id').where('specimen_id', '=', id).execute();
    expect(rows).toHaveLength(1);
    expect((await identificationOf(staff, id)).status).toBe('done');
  });

  it('answers POST /api/v1/identify directly, with per-image answers, and refuses bad input with clear errors', async () => {
    const ok = await identify(staff, [
      { name: 'a.jpg', data: await jpegImage(25, 240, 180) },
      { name: 'b.png', data: await pngImage(26, 120, 90) },
    ]);
    expect(ok.statusCode, ok.body).toBe(200);
    const body = ok.json();
    expect(body.model).toMatch(/@/);
    expect(body.images.map((image) => image.index)).toEqual([0, 1]);

    const none = await identify(staff, []);
    expect(none.statusCode).toBe(400);
    expect(none.error()).toMatchObject({ error: 'images_required' });
    // Inspected as specimen uploads are (tests/integration/bad-input.test.ts): never handed to the models.
    const unreadable = await identify(staff, [
      { name: 'a.jpg', data: await jpegImage(25, 240, 180) },
      { name: 'x.jpg', data: Buffer.from('garbage') },
    ]);
    expect(unreadable.statusCode).toBe(415);
    expect(unreadable.error()).toMatchObject({ error: 'not_an_image', details: { index: 1 } });
    const unsigned = await identify(anonymous(app), [{ name: 'a.jpg', data: await jpegImage(1) }]);
    expect(unsigned.statusCode).toBe(401);
  });

  it('reports queue, models and workers on /ready and inference figures on /metrics', async () => {
    const ready = await anonymous(app).getReadiness();
    expect(ready.statusCode).toBe(200);
    const checks = ready.json().checks;
    expect(checks.queue).toEqual({ ok: true, detail: 'in-process' });
    expect(checks.models!.detail).toMatch(/vector-group@/);
    expect(checks.workers!.detail).toMatch(/1 process/);
    const metrics = (await app.app.inject({ method: 'GET', url: '/metrics' })).body;
    for (const name of [
      'vectordesk_inference_batch_images_bucket',
      'vectordesk_inference_stage_seconds_bucket',
      'vectordesk_identify_queue_jobs',
      'vectordesk_identify_jobs_total',
      'vectordesk_model_active{name="vector-group"',
    ]) {
      expect(metrics).toContain(name);
    }
  });
});

describe('saturated inference', () => {
  let server: TestServer;
  beforeAll(async () => {
    // A small intake so that a burst of synchronous requests overflows it.
    server = await startTestServer('pglite', { env: { INFERENCE_MAX_QUEUED_IMAGES: '4', INFERENCE_MAX_BATCH_IMAGES: '2' } });
  });
  afterAll(() => server?.close());

  it('answers 503 with Retry-After beyond the intake and serves the rest', async () => {
    const token = await server.tokenFor('staff.beilun');
    const image = await jpegImage(61, 640, 480);
    const answers = await Promise.all(Array.from({ length: 40 }, () => identifyOverHttp(token, image)));
    const refused = answers.filter((answer) => answer.status === 503);
    expect(refused.length).toBeGreaterThan(0);
    for (const answer of refused) {
      expect(answer.body.error).toBe('inference_saturated');
      expect(Number(answer.retryAfter)).toBeGreaterThanOrEqual(1);
    }
    const served = answers.filter((answer) => answer.status !== 503);
    expect(served.map((answer) => answer.status)).toEqual(served.map(() => 200));
  });

  it('keeps /health answering while inference is saturated', async () => {
    const token = await server.tokenFor('staff.beilun');
    const image = await jpegImage(62, 640, 480);
    // Eight clients keep the inference threads and the intake full for three seconds. (How fast /health answers is
    // a benchmark figure, not a test assertion: on a shared CI machine it measures the neighbours.)
    const until = performance.now() + 3000;
    const statuses: number[] = [];
    const clients = Array.from({ length: 8 }, async () => {
      while (performance.now() < until) statuses.push((await identifyOverHttp(token, image)).status);
    });
    let probes = 0;
    await new Promise((resolve) => setTimeout(resolve, 300));
    while (performance.now() < until) {
      expect((await fetch(`${server.baseUrl}/health`)).status).toBe(200);
      probes += 1;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    await Promise.all(clients);
    expect(probes).toBeGreaterThan(5);
    expect(statuses.filter((status) => status === 200).length).toBeGreaterThan(0);
    expect(statuses.every((status) => status === 200 || status === 503)).toBe(true);
  });

  async function identifyOverHttp(token: string, image: Buffer) {
    const response = await fetch(`${server.baseUrl}/api/v1/identify`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: specimenForm(undefined, [{ name: 'a.jpg', data: image }]),
    });
    return {
      status: response.status,
      retryAfter: response.headers.get('retry-after'),
      body: (await response.json()) as Partial<ErrorBody>,
    };
  }
});

describe('identification requests survive a restart of the api (in-process queue)', () => {
  it('completes, after the restart, a request the first process never ran', async () => {
    const database = await openTestDatabase('pglite');
    // First process: accepts the specimen but does not consume jobs (as if it died right after the commit).
    const first = await createTestApp('pglite', { IDENTIFY_JOBS_IN_API: 'false' }, database);
    const created = await uploadSpecimen(await as(first, 'staff.beilun'), validMetadata(), [{ name: 'a.jpg', data: await jpegImage(31) }]);
    const id = created.json().id;
    expect((await identificationOf(await as(first, 'staff.beilun'), id)).status).toBe('pending');
    await first.app.close();

    const second = await createTestApp('pglite', { STORAGE_DIR: first.config.storageDir }, database);
    try {
      expect((await waitForIdentification(await as(second, 'staff.beilun'), id)).status).toBe('done');
    } finally {
      await second.close();
    }
  });
});

describe('model registry', () => {
  let modelsDir: string;
  let app: TestApp;
  let admin: Client;
  beforeAll(async () => {
    // Two versions of the group model (the same network under a newer version), plus the refiners.
    modelsDir = await modelsDirWithSecondVersion('vector-group', '2099.1.1');
    app = await createTestApp('pglite', { MODELS_DIR: modelsDir });
    admin = await as(app, 'admin');
  });
  afterAll(async () => {
    await app?.close();
    await rm(modelsDir, { recursive: true, force: true });
  });

  const list = async () => (await admin.listModels()).json().items;
  const activate = (client: Client, version: string) => client.activateModel({ params: { name: 'vector-group', version } });

  it('lists every package version, verified, with card metrics, and which one is active', async () => {
    const items = await list();
    const groups = items.filter((item) => item.name === 'vector-group');
    expect(groups.map((item) => item.version)[0]).toBe('2099.1.1');
    expect(groups.every((item) => item.verified)).toBe(true);
    expect(groups.find((item) => item.active)?.version).toBe('2099.1.1');
    expect(groups[0]!.metrics?.top1).toBeGreaterThan(0);
    const refiner = (name: string) => items.find((item) => item.name === name);
    expect([refiner('mosquito-species')?.replaces, refiner('mosquito-genus')?.replaces]).toEqual(['mosquito-genus', null]);
  });

  it('lets only administrators activate, names unknown versions, and swaps without a failed request', async () => {
    const other = (await list()).find((item) => item.name === 'vector-group' && !item.active)!;
    const staff = await as(app, 'staff.beilun');
    const forbidden = await activate(staff, other.version);
    expect(forbidden.statusCode).toBe(403);
    const unknown = await activate(admin, '1.2.3');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.error()).toMatchObject({ error: 'not_found' });

    const image = await jpegImage(41, 200, 150);
    const requests = Array.from({ length: 24 }, (_, index) =>
      new Promise((resolve) => setTimeout(resolve, index * 15)).then(() => identify(staff, [{ name: 'a.jpg', data: image }])),
    );
    const versions = ['2099.1.1', other.version, '2099.1.1', other.version];
    for (const version of versions) {
      const activated = await activate(admin, version);
      expect(activated.statusCode, activated.body).toBe(200);
    }
    const answers = await Promise.all(requests);
    expect(answers.map((answer) => answer.statusCode)).toEqual(answers.map(() => 200));
    expect((await list()).find((item) => item.name === 'vector-group' && item.active)?.version).toBe(other.version);
  });

  it('runs a shadow version on the same inputs and records its answer apart from the result', async () => {
    const shadowVersion = (await list()).find((item) => item.name === 'vector-group' && !item.active)!.version;
    const set = await admin.startShadowModel({ params: { name: 'vector-group', version: shadowVersion } });
    expect(set.statusCode, set.body).toBe(200);
    const staff = await as(app, 'staff.beilun');
    const created = await uploadSpecimen(staff, validMetadata(), [{ name: 'a.jpg', data: await jpegImage(42) }]);
    const id = created.json().id;
    const identification = await waitForIdentification(staff, id);
    const rows = await app.database.db
      .selectFrom('identifications')
      .select(['role', 'model_key'])
      .where('specimen_id', '=', id)
      .orderBy('role')
      .execute();
    expect(rows.map((row) => row.role)).toEqual(['primary', 'shadow']);
    expect(rows[1]!.model_key).toContain(`vector-group@${shadowVersion}`);
    expect(identification.models.join(',')).not.toContain(`vector-group@${shadowVersion}`);
    const cleared = await admin.stopShadowModel({ params: { name: 'vector-group' } });
    expect(cleared.json().items.some((item) => item.shadow)).toBe(false);
  });
});

describe('a corrupt model package', () => {
  it('makes /ready fail naming it, while the rest keeps serving', async () => {
    const modelsDir = await mkdtemp(path.join(os.tmpdir(), 'vectordesk-corrupt-'));
    await cp(MODELS_DIR, modelsDir, {
      recursive: true,
      filter: (source) => !source.includes(`${path.sep}training`) && !source.endsWith('.pt'),
    });
    const tick = path.join(modelsDir, 'tick-species', path.basename(await newestPackageDir('tick-species')), 'model.onnx');
    const bytes = await readFile(tick);
    bytes[bytes.length - 100] = bytes[bytes.length - 100]! ^ 0xff;
    await writeFile(tick, bytes);
    const app = await createTestApp('pglite', { MODELS_DIR: modelsDir });
    try {
      const ready = await anonymous(app).getReadiness();
      expect(ready.statusCode).toBe(503);
      const models = ready.error().checks.models!;
      expect(models.ok).toBe(false);
      expect(models.detail).toMatch(/tick-species@.*sha256/);
      const answer = await identify(await as(app, 'staff.beilun'), [{ name: 'a.jpg', data: await jpegImage(51) }]);
      expect(answer.statusCode).toBe(200);
      expect(answer.json().models.join(',')).not.toContain('tick-species');
    } finally {
      await app.close();
      await rm(modelsDir, { recursive: true, force: true });
    }
  });
});
