import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpoints, type SurveillanceFilters } from '../../api/contract/index.js';
import type { Client } from '../helpers/client.js';
import { testBackends } from '../helpers/database.js';
import { EVERY_FILTER, PORTS_SEEN_BY, seedMatches, surveillanceApp, variedSpecimens } from '../helpers/surveillance.js';
import type { TestApp } from '../helpers/test-app.js';

for (const backend of await testBackends()) {
  describe.skipIf(!backend.availability.available)(`surveillance filters on ${backend.name} ${backend.availability.reason}`, () => {
    let t: TestApp;
    let ids: string[];
    let clients: Map<string, Client>;
    const seeds = variedSpecimens(new Date());
    beforeAll(async () => {
      ({ t, ids, clients } = await surveillanceApp(backend.name, seeds));
    });
    afterAll(() => t?.close());

    /** The ids of the seeded specimens `username` should find with `filters`, decided from the seeds alone. */
    const expectedIds = (username: string, filters: SurveillanceFilters, detectedOnly = false) =>
      seeds
        .map((seed, index) => ({ seed, id: ids[index]! }))
        .filter(({ seed }) => PORTS_SEEN_BY[username]!.includes(seed.port) && seedMatches(seed, filters))
        .filter(({ seed }) => !detectedOnly || seed.detection !== undefined)
        .map(({ id }) => id)
        .sort();

    it.each(Object.keys(PORTS_SEEN_BY))(
      'lists the specimens and detections every filter picks, within the scope of %s',
      async (username) => {
        const client = clients.get(username)!;
        for (const filters of EVERY_FILTER) {
          const specimens = await client.listSpecimens({ query: { ...filters, limit: 100 } });
          expect(specimens.statusCode, specimens.body).toBe(200);
          const expected = expectedIds(username, filters);
          expect(
            specimens
              .json()
              .items.map((item) => item.id)
              .sort(),
            JSON.stringify(filters),
          ).toEqual(expected);
          expect(specimens.json().total).toBe(expected.length);

          const detections = await client.listDetections({ query: { ...filters, limit: 100 } });
          expect(detections.statusCode, detections.body).toBe(200);
          const byId = new Map(ids.map((id, index) => [id, index]));
          expect(
            detections
              .json()
              .items.map((item) => item.specimenId)
              .sort(),
            JSON.stringify(filters),
          ).toEqual(expectedIds(username, filters, true));
          expect(detections.json().total, JSON.stringify(filters)).toBe(expectedIds(username, filters, true).length);
          expect(detections.json().items.every((item) => seeds[byId.get(item.specimenId)!]!.detection?.taxon === item.taxon)).toBe(true);
        }
      },
    );

    it('sorts and pages the filtered list', async () => {
      const hq = clients.get('expert.hq')!;
      const all = (await hq.listSpecimens({ query: { district: 'NINGBO', sort: 'collectedAt', limit: 100 } })).json().items;
      const collectedAts = all.map((item) => item.collectedAt);
      expect(collectedAts).toEqual(collectedAts.toSorted());
      const page = (await hq.listSpecimens({ query: { district: 'NINGBO', sort: 'collectedAt', limit: 5, offset: 5 } })).json();
      expect(page.items.map((item) => item.id)).toEqual(all.slice(5, 10).map((item) => item.id));
      expect(page.total).toBe(all.length);

      const byConfidence = (await hq.listSpecimens({ query: { confidence: 'high', sort: '-confidence', limit: 100 } })).json().items;
      const confidences = byConfidence.map((item) => seeds[ids.indexOf(item.id)]!.ai!.confidence);
      expect(confidences).toEqual(confidences.toSorted((a, b) => b - a));
    });

    it("finds nothing outside the caller's scope, whatever the filters name", async () => {
      const beilun = clients.get('staff.beilun')!;
      expect((await beilun.listSpecimens({ query: { portCode: 'CNSHA-YS' } })).json().total).toBe(0);
      expect((await beilun.listSpecimens({ query: { district: 'SHANGHAI' } })).json().total).toBe(0);
      expect((await beilun.listDetections({ query: { district: 'SHANGHAI' } })).json().total).toBe(0);
      expect((await beilun.statCounts({ query: { by: 'port' } })).json().items.map((item) => item.port)).toEqual(['CNNGB-BL']);
    });

    it.each([
      [{ taxon: 'Aedes nonexistens' }, 422, 'unknown_taxon'],
      [{ district: 'BEILUN' }, 422, 'unknown_district'],
      [{ district: 'ATLANTIS' }, 422, 'unknown_district'],
      [{ from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }, 400, 'invalid_date_range'],
      [{ confidence: 'certain' }, 400, undefined],
      [{ from: 'yesterday' }, 400, undefined],
    ])('refuses %j on every surveillance query', async (filters, status, code) => {
      const hq = clients.get('expert.hq')!;
      for (const [definition, extra] of [
        [endpoints.listSpecimens, {}],
        [endpoints.listDetections, {}],
        [endpoints.statCounts, { by: 'port' }],
        [endpoints.statsOverview, {}],
        [endpoints.positiveRates, {}],
        [endpoints.portDensity, {}],
        [endpoints.turnaround, { by: 'port' }],
      ] as const) {
        const response = await hq.send(definition, { query: { ...extra, ...filters } });
        expect(response.statusCode, `${definition.url} ${response.body}`).toBe(status);
        if (code) expect(JSON.parse(response.body)).toMatchObject({ error: code });
      }
    });

    it.each(['color', 'taxon,port,month,week', 'taxon,', ''])('refuses by=%j', async (by) => {
      const response = await clients.get('expert.hq')!.send(endpoints.statCounts, { query: { by } });
      expect(response.statusCode, response.body).toBe(400);
    });

    it('refuses a turnaround by anything but port or month', async () => {
      const response = await clients.get('expert.hq')!.send(endpoints.turnaround, { query: { by: 'taxon' } });
      expect(response.statusCode).toBe(400);
    });
  });
}
