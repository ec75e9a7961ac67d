import { sql, type RawBuilder } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Specimen } from '../../api/contract/index.js';
import { SpecimenJsonCache } from '../../api/http/specimen-json-cache.js';
import { seedSpecimens } from '../../scripts/bench-api-seed.js';
import { countingPlugin, openTestDatabase, testBackends, type TestDatabase } from '../helpers/database.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

const SPECIMENS = 90;

type SpecimenPage = { items: Specimen[]; total: number };

// Two apps on one database: one keeps specimens' answers between requests (ADR 0040), the other builds every page
// whole. Whatever changes, and however, the first must answer byte for byte what the second does.
for (const backend of await testBackends()) {
  describe.skipIf(!backend.availability.available)(`kept specimen answers on ${backend.name} ${backend.availability.reason}`, () => {
    let database: TestDatabase;
    let cached: TestApp;
    let whole: TestApp;
    const counter = { statements: 0 };

    beforeAll(async () => {
      database = await openTestDatabase(backend.name);
      cached = await createTestApp(
        backend.name,
        { RTC_ENABLED: 'false' },
        { ...database, db: database.db.withPlugin(countingPlugin(counter)) },
      );
      whole = await createTestApp(backend.name, { RTC_ENABLED: 'false', SPECIMEN_ANSWER_CACHE_MB: '0' }, database);
      await seedSpecimens(database.db, 0, SPECIMENS);
    });
    afterAll(async () => {
      await cached?.close();
      await whole?.close();
      await database?.close();
    });

    async function get(app: TestApp, url: string, username: string) {
      const response = await app.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${await app.tokenFor(username)}` } });
      expect(response.statusCode, response.body).toBe(200);
      return response;
    }

    /** The page from both apps, checked equal byte for byte, and the statements the keeping app ran for it. */
    async function page(url: string, username = 'admin'): Promise<{ body: string; page: SpecimenPage; statements: number }> {
      const before = counter.statements;
      const kept = await get(cached, url, username);
      const statements = counter.statements - before;
      const built = await get(whole, url, username);
      expect(kept.headers['content-type']).toBe(built.headers['content-type']);
      expect(kept.body).toBe(built.body);
      return { body: kept.body, page: kept.json<SpecimenPage>(), statements };
    }

    it('answers what the whole page answers, cold and warm, in every order, filter, scope and page', async () => {
      const urls: [string, string?][] = [
        ['/api/v1/specimens?limit=50'],
        ['/api/v1/specimens?limit=50&offset=20'],
        ['/api/v1/specimens?sort=-confidence&limit=30'],
        ['/api/v1/specimens?sort=collectedAt&limit=7'],
        ['/api/v1/specimens?status=in_review&limit=50'],
        [`/api/v1/specimens?limit=50&offset=${SPECIMENS}`],
        ['/api/v1/specimens?limit=50', 'staff.beilun'],
        ['/api/v1/specimens?limit=50&mine=true', 'staff.beilun'],
      ];
      for (const [url, username] of urls) {
        const cold = await page(url, username);
        const warm = await page(url, username);
        expect(warm.body).toBe(cold.body);
      }
      expect((await page('/api/v1/specimens?limit=50')).page.items).toHaveLength(50);
    });

    it('reads again only the specimens that changed', async () => {
      const url = '/api/v1/specimens?limit=20';
      const token = await cached.tokenFor('admin');
      // The app's own sweeps may run a statement during a read: each count is the least of three tries.
      const fewest = async (read: () => Promise<number>) => Math.min(await read(), await read(), await read());
      const readPage = async () => (await page(url)).statements;
      await page(url);
      const warm = await fewest(readPage);
      const [first, second] = (await page(url)).page.items;
      const afterChange = await fewest(async () => {
        const notes = `corrected through the API ${Math.random()}`;
        const patched = await cached.app.inject({
          method: 'PATCH',
          url: `/api/v1/specimens/${first!.id}`,
          headers: { authorization: `Bearer ${token}` },
          payload: { notes },
        });
        expect(patched.statusCode, patched.body).toBe(200);
        // Signing in after a write reads the access epoch again on PGlite (ADR 0017): another request takes that read.
        await get(cached, `/api/v1/specimens/${second!.id}`, 'admin');
        const after = await page(url);
        expect(after.page.items[0]!.notes).toBe(notes);
        return after.statements;
      });
      // The page's revisions, then the one changed specimen read whole; then nothing more.
      expect(afterChange).toBe(warm + 1);
      expect(await fewest(readPage)).toBe(warm);
    });

    /** A specimen of the first page of 50 that `pick` chooses, by its answer. */
    async function specimenWhere(pick: (specimen: Specimen) => boolean): Promise<Specimen> {
      const found = (await page('/api/v1/specimens?limit=50')).page.items.find(pick);
      if (!found) throw new Error('no specimen of the first page fits');
      return found;
    }

    const changes: [string, (specimen: Specimen) => boolean, (specimen: Specimen) => RawBuilder<unknown>][] = [
      ['its own row', () => true, ({ id }) => sql`update specimens set collector = 'someone else' where id = ${id}`],
      [
        'an image',
        ({ images }) => images.length > 0,
        ({ id }) => sql`update specimen_images set original_filename = 'renamed.jpg' where specimen_id = ${id}`,
      ],
      [
        'its identification request',
        ({ identification }) => identification !== null,
        ({ id }) => sql`update identification_requests set error = 'looked at again' where specimen_id = ${id}`,
      ],
      [
        'an identification',
        ({ identifications }) => identifications.length > 0,
        ({ id }) => sql`update identifications set notes = 'a second look' where specimen_id = ${id}`,
      ],
      [
        'a per-image answer',
        ({ identification }) => (identification?.images.length ?? 0) > 0,
        ({ id }) =>
          sql`delete from image_identifications where identification_id in (select id from identifications where specimen_id = ${id})`,
      ],
      [
        'a review',
        ({ review }) => review.decisions.length > 0,
        ({ id }) => sql`update reviews set notes = 'see the wing' where specimen_id = ${id}`,
      ],
      ['its detection', ({ detectionId }) => detectionId !== null, ({ id }) => sql`delete from detections where specimen_id = ${id}`],
      [
        "its creator's name",
        () => true,
        ({ createdBy }) => sql`update users set display_name = 'Renamed person' where id = ${createdBy.id}`,
      ],
      ["its port's name", () => true, ({ port }) => sql`update ports set name_en = 'Renamed port' where id = ${port.id}`],
      [
        "its review unit's name",
        ({ review }) => review.reviewUnit !== null,
        ({ review }) => sql`update units set name_en = 'Renamed unit' where id = ${review.reviewUnit!.id}`,
      ],
    ];
    for (const [part, fits, change] of changes) {
      it(`shows a change to ${part} on the next read`, async () => {
        const specimen = await specimenWhere(fits);
        const before = await page('/api/v1/specimens?limit=50');
        await change(specimen).execute(database.db);
        const after = await page('/api/v1/specimens?limit=50');
        expect(after.body).not.toBe(before.body);
      });
    }

    it("leaves every kept answer valid when someone signs in (a person's other columns change)", async () => {
      const epoch = () => sql<{ epoch: string }>`select epoch::text as epoch from specimen_references_epoch`.execute(database.db);
      const before = (await epoch()).rows[0]!.epoch;
      const login = await cached.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username: 'staff.beilun', password: 'wrong password' },
      });
      expect(login.statusCode).toBe(401);
      await cached.tokenFor('expert.ningbo');
      expect((await epoch()).rows[0]!.epoch).toBe(before);
    });

    it('gives up the kept answers, for the whole page, when a specimen is gone between the two reads', async () => {
      const cache = new SpecimenJsonCache(1024 * 1024);
      const page = {
        items: [{ id: '00000000-0000-4000-8000-000000000000', revision: '3' }],
        total: 1,
        referencesEpoch: '0',
        limit: 1,
        offset: 0,
      };
      expect(await cache.pageJson(page, async () => [])).toBeUndefined();
    });
  });
}
