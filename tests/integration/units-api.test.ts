import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anonymous, as } from '../helpers/client.js';
import { testBackends } from '../helpers/database.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

for (const backend of await testBackends()) {
  describe.skipIf(!backend.availability.available)(`units API on ${backend.name} ${backend.availability.reason}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp(backend.name);
    });
    afterAll(() => t?.close());

    const unitCodes = async (username: string) => {
      const response = await (await as(t, username)).listUnits();
      expect(response.statusCode, response.body).toBe(200);
      return response.json().items.map((unit) => unit.code);
    };

    it('lists the units in scope, each before the units under it', async () => {
      const all = await unitCodes('admin');
      expect([...all].sort()).toEqual(['BEILUN', 'HQ', 'NINGBO', 'NINGBO-AIRPORT', 'SHANGHAI', 'YANGSHAN']);
      expect(all[0]).toBe('HQ');
      for (const [above, below] of [
        ['NINGBO', 'BEILUN'],
        ['NINGBO', 'NINGBO-AIRPORT'],
        ['SHANGHAI', 'YANGSHAN'],
      ]) {
        expect(all.indexOf(above!)).toBeLessThan(all.indexOf(below!));
      }
      const ningbo = await unitCodes('expert.ningbo');
      expect(ningbo[0]).toBe('NINGBO');
      expect([...ningbo].sort()).toEqual(['BEILUN', 'NINGBO', 'NINGBO-AIRPORT']);
      expect(await unitCodes('staff.beilun')).toEqual(['BEILUN']);
    });

    it('answers 401 without a session', async () => {
      expect((await anonymous(t).listUnits()).statusCode).toBe(401);
    });
  });
}
