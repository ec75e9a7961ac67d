import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Specimen } from '../../api/contract/index.js';
import { seedSpecimens } from '../../scripts/bench-api-seed.js';
import { countingPlugin, openTestDatabase, testBackends, type TestDatabase } from '../helpers/database.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

const SPECIMENS = 120;

// A page of specimens is one statement, whatever it holds (ADR 0039): a regression to a query per row, or per part of
// a row, shows here as a count that grows with the page.
for (const backend of await testBackends()) {
  describe.skipIf(!backend.availability.available)(`specimen reads on ${backend.name} ${backend.availability.reason}`, () => {
    let database: TestDatabase;
    let app: TestApp;
    const counter = { statements: 0 };

    beforeAll(async () => {
      database = await openTestDatabase(backend.name);
      app = await createTestApp(
        backend.name,
        { RTC_ENABLED: 'false' },
        { ...database, db: database.db.withPlugin(countingPlugin(counter)) },
      );
      await seedSpecimens(database.db, 0, SPECIMENS);
    });
    afterAll(async () => {
      await app?.close();
      await database?.close();
    });

    /**
     * The answer to GET `url` and how many statements it cost, after a first request has warmed the caches: the least
     * of three tries, since the app's background sweeps may run a statement of their own meanwhile.
     */
    async function read(url: string, username = 'admin') {
      const authorization = `Bearer ${await app.tokenFor(username)}`;
      await app.app.inject({ method: 'GET', url, headers: { authorization } });
      let statements = Number.POSITIVE_INFINITY;
      let body: { items?: Specimen[]; total?: number } & Partial<Specimen> = {};
      for (let attempt = 0; attempt < 3; attempt++) {
        const before = counter.statements;
        const response = await app.app.inject({ method: 'GET', url, headers: { authorization } });
        expect(response.statusCode, response.body).toBe(200);
        statements = Math.min(statements, counter.statements - before);
        body = response.json();
      }
      return { body, statements };
    }

    it('lists 50 specimens, whole, in as many statements as one', async () => {
      const one = await read('/api/v1/specimens?limit=1');
      const page = await read('/api/v1/specimens?limit=50');
      const items = page.body.items!;
      expect(items).toHaveLength(50);
      expect(page.body.total).toBe(SPECIMENS);
      // Signing in (the access epoch, on PostgreSQL) and the page with its total.
      expect(page.statements).toBe(one.statements);
      expect(page.statements).toBeLessThanOrEqual(2);

      // Everything a specimen shows came with it.
      expect(items.some((specimen) => specimen.images.length === 3)).toBe(true);
      const identified = items.find((specimen) => specimen.identification?.status === 'done' && specimen.images.length > 1)!;
      expect(identified.identification!.images.map((image) => image.imageId)).toEqual(identified.images.map((image) => image.id));
      const confirmed = items.find((specimen) => specimen.status === 'confirmed')!;
      expect(confirmed.detectionId).not.toBeNull();
      expect(confirmed.review.decisions[0]).toMatchObject({ decision: 'confirm', reviewer: { username: expect.any(String) } });
      expect(confirmed.identifications.map((entry) => entry.source)).toEqual(['expert', 'ai']);
      expect(confirmed.identifications[0]!.author).not.toBeNull();
      expect(items.find((specimen) => specimen.status === 'in_review')!.review.reviewUnit).toMatchObject({ level: 'district' });
    });

    it("lists a port's specimens for its staff, filtered, in the same statements", async () => {
      const page = await read('/api/v1/specimens?limit=50', 'staff.beilun');
      const items = page.body.items!;
      expect(page.body.total).toBe(SPECIMENS / 3);
      expect(new Set(items.map((specimen) => specimen.port.code))).toEqual(new Set(['CNNGB-BL']));
      expect(page.statements).toBeLessThanOrEqual(2);

      const inReview = await read('/api/v1/specimens?status=in_review&limit=50');
      expect(inReview.body.items!.every((specimen) => specimen.status === 'in_review')).toBe(true);
      expect(inReview.statements).toBeLessThanOrEqual(2);
    });

    it('still totals a page past the end', async () => {
      const page = await read(`/api/v1/specimens?limit=50&offset=${SPECIMENS}`);
      expect(page.body).toMatchObject({ items: [], total: SPECIMENS });
    });

    it('reads one specimen in one statement', async () => {
      const [first] = (await read('/api/v1/specimens?limit=1')).body.items!;
      const detail = await read(`/api/v1/specimens/${first!.id}`);
      expect(detail.body).toEqual(first);
      expect(detail.statements).toBeLessThanOrEqual(2);
    });
  });
}
