import { utimes, writeFile } from 'node:fs/promises';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ORGANISATION } from '../../api/seed/demo-organisation.js';
import type { ExportJob, ExportRequest, Specimen } from '../../api/contract/index.js';
import { endpoints } from '../../api/contract/index.js';
import { parseCsv } from '../../datasets/csv.js';
import { as, type Response, type SignedInClient } from '../helpers/client.js';
import { testBackends } from '../helpers/database.js';
import { addUsers, aiAnswer, triagedSpecimen } from '../helpers/review.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { ExportRepository } from '../../api/repositories/export.repository.js';
import { ExportExpiry } from '../../api/services/export-expiry.js';
import { ExportStore } from '../../api/storage/export-store.js';

const BEILUN = 'CNNGB-BL';
const LISHE = 'CNNGB-LS';
const YANGSHAN = 'CNSHA-YS';
const MODEL = 'mosquito-genus@2026.11.27';

/** Every port of the demo organisation, by code. */
const DEMO_PORTS = new Map(
  (function* walk(unit: typeof DEMO_ORGANISATION): Generator<[string, { longitude: number; latitude: number }]> {
    for (const port of unit.ports ?? []) yield [port.code, port];
    for (const child of unit.children ?? []) yield* walk(child);
  })(DEMO_ORGANISATION),
);

/** A CSV file as records keyed by its header's column names. */
function csvRecords(text: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(text);
  return rows.map((row) => {
    expect(row).toHaveLength(header!.length);
    return Object.fromEntries(header!.map((name, index) => [name, row[index]!]));
  });
}

for (const backend of await testBackends()) {
  describe.skipIf(!backend.availability.available)(`exports on ${backend.name} ${backend.availability.reason}`, () => {
    let t: TestApp;
    /** A demo user's client, signed in once (the test app keeps the token). */
    const client = (username: string): Promise<SignedInClient> => as(t, username);
    /** Confirmed by two Ningbo experts: a detection at Beilun. */
    let tiger: Specimen;
    /** Left with the AI's answer, its metadata full of what CSV must quote. */
    let culex: Specimen;
    let lishe: Specimen;
    let yangshan: Specimen;

    const expectError = (response: Pick<Response, 'statusCode' | 'error'>, status: number, code: string) => {
      expect(response.statusCode).toBe(status);
      expect(response.error()).toMatchObject({ error: code, message: expect.any(String) });
    };

    const requested = async (person: string, body: ExportRequest) => {
      const response = await (await client(person)).createExport({ body });
      expect(response.statusCode, response.body).toBe(202);
      return response.json().id;
    };

    /** Polls the export until it is no longer queued or running. */
    const finished = async (person: string, id: string): Promise<ExportJob> => {
      const deadline = performance.now() + 60_000;
      for (;;) {
        const response = await (await client(person)).getExport({ params: { id } });
        expect(response.statusCode, response.body).toBe(200);
        const job = response.json();
        if (job.status === 'done' || job.status === 'failed') return job;
        if (performance.now() > deadline) throw new Error(`export ${id} still ${job.status} after 60 s`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };

    /** An export row written straight into the table (as a request writes it, or as a test needs it), not handed over. */
    const storedExport = async (username: string, columns: { scope?: string; filters?: string; enqueued_at?: Date } = {}) => {
      const { id: userId } = await t.database.db
        .selectFrom('users')
        .select('id')
        .where('username', '=', username)
        .executeTakeFirstOrThrow();
      const { id } = await t.database.db
        .insertInto('exports')
        .values({ requested_by: userId, scope: JSON.stringify({ all: false, unitPaths: [] }), format: 'csv', filters: '{}', ...columns })
        .returning('id')
        .executeTakeFirstOrThrow();
      return id;
    };

    /** Requests an export, waits for it and downloads its file. */
    const exported = async (person: string, body: ExportRequest) => {
      const id = await requested(person, body);
      const job = await finished(person, id);
      expect(job).toMatchObject({ id, status: 'done', progress: 1, error: null, fileUrl: `/api/v1/exports/${id}/file` });
      const file = await (await client(person)).inject({ method: 'GET', url: job.fileUrl! });
      expect(file.statusCode, file.body).toBe(200);
      return { job, file, text: file.body };
    };

    beforeAll(async () => {
      // Identifications are the tests' own answers; export jobs run here, as in any process that consumes jobs.
      // Outbox sweeps every 200 ms: an export that never reached the queue is found quickly.
      t = await createTestApp(backend.name, { IDENTIFY_JOBS_IN_API: 'false', IDENTIFY_SWEEP_INTERVAL_MS: '200' });
      t.jobs.queue('export').process(t.services.exports.jobHandler());
      await addUsers(t, [['expert.ningbo2', 'expert', 'NINGBO']]);

      tiger = await triagedSpecimen(t, await client('staff.beilun'), BEILUN, aiAnswer('Aedes albopictus', 0.97));
      for (const expert of ['expert.ningbo', 'expert.ningbo2'] as const) {
        const review = await (await client(expert)).reviewSpecimen({ params: { id: tiger.id }, body: { decision: 'confirm' } });
        expect(review.statusCode, review.body).toBe(201);
      }
      culex = await triagedSpecimen(t, await client('staff.beilun'), BEILUN, aiAnswer('Culex tritaeniorhynchus', 0.72));
      const edited = await (
        await client('staff.beilun')
      ).updateSpecimen({
        params: { id: culex.id },
        body: {
          collectedAt: '2026-11-21T08:00:00.000Z',
          collector: 'Wang "Xiao" Ming, night shift',
          locationDetail: 'Container yard,\nrow 7',
          count: 5,
          lifeStage: 'unknown',
        },
      });
      expect(edited.statusCode, edited.body).toBe(200);
      lishe = await triagedSpecimen(t, await client('staff.airport'), LISHE, aiAnswer('Aedes aegypti', 0.93));
      yangshan = await triagedSpecimen(t, await client('staff.yangshan'), YANGSHAN, aiAnswer('Culex tritaeniorhynchus', 0.91));
    });

    afterAll(async () => {
      await t?.close();
    });

    it('exports every specimen in scope as an Excel-friendly CSV, quoting what needs it', async () => {
      const { job, file, text } = await exported('admin', { format: 'csv' });
      expect(file.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(file.headers['content-disposition']).toMatch(/^attachment; filename="vectordesk-specimens-[\dT-]+\.csv"$/);
      expect(text.startsWith('\uFEFF')).toBe(true);
      const records = csvRecords(text);
      expect(job.rows).toBe(4);
      expect(records.map((record) => record.id).sort()).toEqual([tiger.id, culex.id, lishe.id, yangshan.id].sort());
      const row = records.find((record) => record.id === culex.id)!;
      expect(row).toMatchObject({
        collectedAt: '2026-11-21T08:00:00.000Z',
        portCode: BEILUN,
        portNameZh: '宁波舟山港北仑港区',
        collector: 'Wang "Xiao" Ming, night shift',
        locationDetail: 'Container yard,\nrow 7',
        count: '5',
        taxon: 'Culex tritaeniorhynchus',
        taxonRank: 'species',
        group: 'mosquito',
        identifiedBy: 'ai',
        aiConfidence: '0.72',
        createdBy: 'staff.beilun',
      });
      expect(records.find((record) => record.id === tiger.id)).toMatchObject({ taxon: 'Aedes albopictus', identifiedBy: 'expert' });
      // Oldest collection first.
      const collected = records.map((record) => record.collectedAt);
      expect(collected).toEqual([...collected].sort());
    });

    it("holds only what the requester may see, narrowed by the query's filters", async () => {
      const ids = async (person: string, body: ExportRequest) => csvRecords((await exported(person, body)).text).map((record) => record.id);
      expect((await ids('staff.beilun', { format: 'csv' })).sort()).toEqual([tiger.id, culex.id].sort());
      expect(await ids('staff.beilun', { format: 'csv', filters: { portCode: YANGSHAN } })).toEqual([]);
      expect((await ids('expert.ningbo', { format: 'csv' })).sort()).toEqual([tiger.id, culex.id, lishe.id].sort());
      expect((await ids('expert.hq', { format: 'csv', filters: { taxon: 'Aedes' } })).sort()).toEqual([tiger.id, lishe.id].sort());
      expect(await ids('expert.hq', { format: 'csv', filters: { district: 'SHANGHAI' } })).toEqual([yangshan.id]);
      expect(await ids('admin', { format: 'csv', filters: { identifiedBy: 'expert' } })).toEqual([tiger.id]);
      expect(await ids('admin', { format: 'csv', filters: { from: '2026-11-21T00:00:00Z', to: '2026-11-21T23:59:59Z' } })).toEqual([
        culex.id,
      ]);
    });

    it('exports ports as a GeoJSON FeatureCollection of points at [longitude, latitude] with their counts (RFC 7946)', async () => {
      const { job, file, text } = await exported('expert.hq', { format: 'geojson' });
      expect(file.headers['content-type']).toBe('application/geo+json');
      expect(file.headers['content-disposition']).toMatch(/filename="vectordesk-specimens-[\dT-]+\.geojson"/);
      const collection = JSON.parse(text) as Record<string, unknown> & { features: Record<string, unknown>[] };
      expect(collection.type).toBe('FeatureCollection');
      expect(collection).not.toHaveProperty('crs');
      expect(Array.isArray(collection.features)).toBe(true);
      expect(job.rows).toBe(collection.features.length);
      const byPort = new Map<string, Record<string, unknown>>();
      for (const feature of collection.features) {
        expect(feature.type).toBe('Feature');
        const geometry = feature.geometry as { type: string; coordinates: unknown };
        expect(geometry.type).toBe('Point');
        const [longitude, latitude, ...rest] = geometry.coordinates as number[];
        expect(rest).toEqual([]);
        expect(typeof longitude).toBe('number');
        expect(typeof latitude).toBe('number');
        expect(Math.abs(longitude!)).toBeLessThanOrEqual(180);
        expect(Math.abs(latitude!)).toBeLessThanOrEqual(90);
        const properties = feature.properties as Record<string, unknown>;
        const port = DEMO_PORTS.get(properties.port as string)!;
        expect([longitude, latitude]).toEqual([port.longitude, port.latitude]);
        for (const count of ['specimens', 'individuals', 'detections']) expect(Number.isInteger(properties[count])).toBe(true);
        byPort.set(properties.port as string, properties);
      }
      expect([...byPort.keys()].sort()).toEqual([BEILUN, LISHE, YANGSHAN].sort());
      expect(byPort.get(BEILUN)).toMatchObject({
        specimens: 2,
        individuals: tiger.count + 5,
        detections: 1,
        nameEn: 'Ningbo-Zhoushan Port, Beilun',
      });
      expect(byPort.get(LISHE)).toMatchObject({ specimens: 1, individuals: lishe.count, detections: 0 });

      const beilunOnly = JSON.parse((await exported('staff.beilun', { format: 'geojson' })).text) as { features: unknown[] };
      expect(beilunOnly.features).toHaveLength(1);
    });

    it('exports Darwin Core occurrences with their terms filled in from the specimen, its port and who identified it', async () => {
      const { file, text } = await exported('expert.ningbo', { format: 'dwc' });
      expect(file.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(file.headers['content-disposition']).toMatch(/filename="vectordesk-darwin-core-[\dT-]+\.csv"/);
      expect(text.startsWith('\uFEFF')).toBe(false);
      const [header] = parseCsv(text);
      for (const term of [
        'occurrenceID',
        'basisOfRecord',
        'scientificName',
        'taxonRank',
        'kingdom',
        'family',
        'genus',
        'eventDate',
        'decimalLatitude',
        'decimalLongitude',
        'geodeticDatum',
        'countryCode',
        'locality',
        'individualCount',
        'lifeStage',
        'sex',
        'samplingProtocol',
        'identifiedBy',
        'dateIdentified',
        'identificationVerificationStatus',
        'institutionCode',
        'recordedBy',
      ])
        expect(header, term).toContain(term);
      const records = csvRecords(text);
      expect(records).toHaveLength(3);
      expect(new Set(records.map((record) => record.occurrenceID)).size).toBe(3);
      for (const record of records) {
        expect(record.occurrenceID).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
        expect(record.eventDate).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
        expect(record).toMatchObject({ basisOfRecord: 'MaterialSample', geodeticDatum: 'WGS84', countryCode: 'CN' });
      }
      const occurrence = (specimen: Specimen) => records.find((record) => record.occurrenceID === `urn:uuid:${specimen.id}`)!;
      const beilun = DEMO_PORTS.get(BEILUN)!;
      expect(occurrence(tiger)).toMatchObject({
        scientificName: 'Aedes albopictus',
        taxonRank: 'species',
        kingdom: 'Animalia',
        phylum: 'Arthropoda',
        class: 'Insecta',
        order: 'Diptera',
        family: 'Culicidae',
        genus: 'Aedes',
        eventDate: new Date(tiger.collectedAt).toISOString(),
        decimalLatitude: String(beilun.latitude),
        decimalLongitude: String(beilun.longitude),
        locationID: BEILUN,
        locality: 'Ningbo-Zhoushan Port, Beilun; MV Ever Given, hold 3',
        individualCount: String(tiger.count),
        lifeStage: 'adult',
        sex: 'female',
        samplingProtocol: 'light trap',
        recordedBy: 'Li Wei',
        identifiedBy: '宁波媒介专家 Ningbo expert | expert.ningbo2',
        identificationVerificationStatus: 'verified by experts',
        institutionCode: 'BEILUN',
      });
      expect(Date.parse(occurrence(tiger).dateIdentified!)).not.toBeNaN();
      expect(occurrence(culex)).toMatchObject({
        scientificName: 'Culex tritaeniorhynchus',
        genus: 'Culex',
        lifeStage: '',
        recordedBy: 'Wang "Xiao" Ming, night shift',
        identifiedBy: `VectorDesk AI model ${MODEL}`,
        identificationVerificationStatus: 'unverified',
      });
      expect(occurrence(lishe)).toMatchObject({ scientificName: 'Aedes aegypti', institutionCode: 'NINGBO-AIRPORT' });
    });

    it("shows an export to its requester only; another person's is as missing as none", async () => {
      const id = await requested('staff.beilun', { format: 'csv' });
      await finished('staff.beilun', id);
      for (const person of ['staff.airport', 'expert.ningbo', 'admin'] as const) {
        expectError(await (await client(person)).getExport({ params: { id } }), 404, 'not_found');
        expectError(await (await client(person)).exportFile({ params: { id } }), 404, 'not_found');
      }
      expectError(await (await client('staff.beilun')).getExport({ params: { id: crypto.randomUUID() } }), 404, 'not_found');
    });

    it('answers 409 export_not_ready for the file of an export not written yet, and writes it once only', async () => {
      const staff = await client('staff.beilun');
      // Handed over just now, and lost on the way: it waits as it would behind a busy worker (the sweep leaves it be).
      const id = await storedExport('staff.beilun', { enqueued_at: new Date() });
      const waiting = (await staff.getExport({ params: { id } })).json();
      expect(waiting).toMatchObject({ status: 'queued', progress: 0, rows: null, fileUrl: null, finishedAt: null, filters: {} });
      expectError(await staff.exportFile({ params: { id } }), 409, 'export_not_ready');

      await t.services.exports.run(id, 1);
      const done = (await staff.getExport({ params: { id } })).json();
      expect(done).toMatchObject({ status: 'done', progress: 1, rows: 0 });
      // The scope stored with it, not the requester's present one: it saw no unit.
      expect(csvRecords((await staff.exportFile({ params: { id } })).body)).toEqual([]);
      // A job seen again after it finished leaves the export alone.
      await t.services.exports.run(id, 1);
      expect((await staff.getExport({ params: { id } })).json()).toEqual(done);
    });

    it('hands an export that never reached the queue (Redis down, the process gone) to it with the next sweep', async () => {
      const id = await storedExport('staff.beilun', { scope: JSON.stringify({ all: true }) });
      expect(await finished('staff.beilun', id)).toMatchObject({ status: 'done', rows: 4 });
    });

    it('marks an export failed after its last attempt, with the reason, and leaves no file behind', async () => {
      const staff = await client('staff.beilun');
      // The taxon named nothing by the time the export was written (the taxonomy changed after the request).
      const id = await storedExport('staff.beilun', {
        filters: JSON.stringify({ taxon: 'Nessiteras rhombopteryx' }),
        enqueued_at: new Date(),
      });
      await expect(t.services.exports.run(id, 1)).rejects.toThrow(/Nessiteras/);
      expect((await staff.getExport({ params: { id } })).json()).toMatchObject({ status: 'running', error: null });
      await expect(t.services.exports.run(id, t.config.jobs.attempts)).rejects.toThrow(/Nessiteras/);
      const failed = (await staff.getExport({ params: { id } })).json();
      expect(failed).toMatchObject({ status: 'failed', error: expect.stringMatching(/Nessiteras/), fileUrl: null });
      expect(failed.finishedAt).not.toBeNull();
      expectError(await staff.exportFile({ params: { id } }), 409, 'export_failed');
      expect((await t.storedFiles()).filter((file) => file.startsWith('exports/') && file.includes(id))).toEqual([]);
      expect((await t.storedFiles()).filter((file) => file.endsWith('.part'))).toEqual([]);
    });

    it('refuses trainees, unknown formats and filters, and filters that name nothing', async () => {
      expectError(await (await client('trainee.ningbo')).createExport({ body: { format: 'csv' } }), 403, 'forbidden');
      const staff = await client('staff.beilun');
      expect((await staff.send(endpoints.createExport, { body: { format: 'xlsx' } })).statusCode).toBe(400);
      expect((await staff.send(endpoints.createExport, { body: { format: 'csv', filters: { colour: 'red' } } })).statusCode).toBe(400);
      expect((await staff.send(endpoints.createExport, { body: { format: 'csv', filters: { from: 'yesterday' } } })).statusCode).toBe(400);
      expectError(
        await staff.createExport({ body: { format: 'csv', filters: { taxon: 'Nessiteras rhombopteryx' } } }),
        422,
        'unknown_taxon',
      );
      expectError(await staff.createExport({ body: { format: 'dwc', filters: { district: 'BEILUN' } } }), 422, 'unknown_district');
      expectError(
        await staff.createExport({ body: { format: 'csv', filters: { from: '2026-12-01T00:00:00Z', to: '2026-11-01T00:00:00Z' } } }),
        400,
        'invalid_date_range',
      );
      const exports = await t.database.db
        .selectFrom('exports')
        .select((eb) => eb.fn.countAll<string | number>().as('n'))
        .innerJoin('users', 'users.id', 'exports.requested_by')
        .where('users.username', '=', 'trainee.ningbo')
        .executeTakeFirstOrThrow();
      expect(Number(exports.n)).toBe(0);
    });

    it('writes thousands of rows batch by batch, its progress reaching every row', async () => {
      const port = await t.database.db.selectFrom('ports').select(['id', 'unit_id']).where('code', '=', YANGSHAN).executeTakeFirstOrThrow();
      const { id: userId } = await t.database.db
        .selectFrom('users')
        .select('id')
        .where('username', '=', 'staff.yangshan')
        .executeTakeFirstOrThrow();
      const added = 5_000;
      // Three at a time collected at the same microsecond-precise moment: batches must neither skip nor repeat a tie.
      await sql`
        insert into specimens (unit_id, port_id, site_type, trap_method, collected_at, count, created_by)
        select ${port.unit_id}, ${port.id}, 'container', 'co2_trap', timestamptz '2025-01-01T00:00:00Z' + (n / 3) * interval '60.000001 seconds', 1 + n % 4, ${userId}
        from generate_series(1, ${added}) as n`.execute(t.database.db);

      const { job, text } = await exported('staff.yangshan', { format: 'csv', filters: { portCode: YANGSHAN } });
      const records = csvRecords(text);
      expect(records).toHaveLength(added + 1);
      expect(job).toMatchObject({ rows: added + 1, progress: 1 });
      expect(new Set(records.map((record) => record.id)).size).toBe(added + 1);
      const { rows_written, rows_total } = await t.database.db
        .selectFrom('exports')
        .select(['rows_written', 'rows_total'])
        .where('id', '=', job.id)
        .executeTakeFirstOrThrow();
      expect([rows_written, rows_total]).toEqual([added + 1, added + 1]);
      const individuals = records.reduce((sum, record) => sum + Number(record.count), 0);
      const density = JSON.parse((await exported('staff.yangshan', { format: 'geojson' })).text) as {
        features: { properties: { specimens: number; individuals: number } }[];
      };
      expect(density.features[0]!.properties).toMatchObject({ specimens: added + 1, individuals });
    });

    it("lists a person's own exports, newest first, and expires a done one after the retention: file gone, 410 export_expired", async () => {
      const staff = await client('staff.beilun');
      const id = await requested('staff.beilun', { format: 'geojson' });
      await finished('staff.beilun', id);
      const listed = (await staff.listExports()).json().items;
      expect(listed[0]).toMatchObject({ id, status: 'done', format: 'geojson' });
      expect(listed.map((job) => job.createdAt)).toEqual(
        listed
          .map((job) => job.createdAt)
          .toSorted()
          .toReversed(),
      );
      expect((await (await client('staff.airport')).listExports()).json().items.map((job) => job.id)).not.toContain(id);

      const store = new ExportStore(t.config.storageDir);
      const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000);
      const leftover = async (name: string, writtenAt: Date) => {
        await writeFile(store.pathOf(name), 'half a file');
        await utimes(store.pathOf(name), writtenAt, writtenAt);
      };
      // An attempt that died two hours ago, one writing now, and a file committed whose row was never marked done.
      await leftover('.dead-attempt.part', hoursAgo(2));
      await leftover('.live-attempt.part', new Date());
      await leftover(`${crypto.randomUUID()}.csv`, hoursAgo(2));
      const expiry = new ExportExpiry(new ExportRepository(t.database.db), store, t.app.log, {
        retentionMs: t.config.exports.retentionMs,
        intervalMs: 60_000,
      });
      expect(await expiry.sweep()).toEqual({ expired: 0, leftovers: 2 });
      const exportFiles = async () => (await t.storedFiles()).filter((file) => file.startsWith('exports/'));
      expect(await exportFiles()).toContain('exports/.live-attempt.part');
      expect((await staff.exportFile({ params: { id } })).statusCode).toBe(200);

      const afterRetention = new Date(Date.now() + t.config.exports.retentionMs + 60_000);
      const swept = await expiry.sweep(afterRetention);
      expect(swept.expired).toBeGreaterThanOrEqual(1);
      expect((await staff.getExport({ params: { id } })).json()).toMatchObject({ status: 'expired', progress: 1, fileUrl: null });
      expectError(await staff.exportFile({ params: { id } }), 410, 'export_expired');
      // Every done export was older than the retention by then, and the live attempt's file had stopped growing.
      expect(await exportFiles()).toEqual([]);
      expect(await expiry.sweep(afterRetention)).toEqual({ expired: 0, leftovers: 0 });
    });
  });
}
