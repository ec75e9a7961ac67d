import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as } from '../helpers/client.js';
import { testBackends } from '../helpers/database.js';
import { jpegImage } from '../helpers/images.js';
import { openConsultation } from '../helpers/rooms.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { uploadSpecimen, validMetadata } from '../helpers/uploads.js';

/**
 * Role × unit × operation. One specimen is created at each of three ports (two in the Ningbo
 * district, one in Shanghai); every demo user then tries every operation on every specimen.
 * Outside one's scope the answer is 404 — the same as for an id that does not exist.
 */
const PORT_OF_SPECIMEN = { beilun: 'CNNGB-BL', airport: 'CNNGB-LS', yangshan: 'CNSHA-YS' } as const;
type SpecimenKey = keyof typeof PORT_OF_SPECIMEN;

const SEES: Record<string, SpecimenKey[]> = {
  admin: ['beilun', 'airport', 'yangshan'],
  'expert.hq': ['beilun', 'airport', 'yangshan'],
  'expert.ningbo': ['beilun', 'airport'],
  'trainee.ningbo': ['beilun', 'airport'],
  'staff.beilun': ['beilun'],
  'staff.airport': ['airport'],
  'staff.yangshan': ['yangshan'],
};
const CAN_EDIT = new Set(['admin', 'expert.hq', 'expert.ningbo', 'staff.beilun', 'staff.airport', 'staff.yangshan']);
const SUBMITTER: Record<SpecimenKey, string> = { beilun: 'staff.beilun', airport: 'staff.airport', yangshan: 'staff.yangshan' };

for (const backend of await testBackends()) {
  describe.skipIf(!backend.availability.available)(`scoped visibility on ${backend.name} ${backend.availability.reason}`, () => {
    let t: TestApp;
    const specimens = {} as Record<SpecimenKey, { id: string; imageId: string }>;
    /** A consultation (live room) about each specimen: rooms are scoped by their specimen's unit. */
    const consultations = {} as Record<SpecimenKey, string>;

    beforeAll(async () => {
      t = await createTestApp(backend.name);
      for (const [key, portCode] of Object.entries(PORT_OF_SPECIMEN) as [SpecimenKey, string][]) {
        const response = await uploadSpecimen(await as(t, SUBMITTER[key]), validMetadata({ portCode }), [
          { name: `${key}.jpg`, data: await jpegImage(key.length * 7) },
        ]);
        expect(response.statusCode, response.body).toBe(201);
        const body = response.json();
        specimens[key] = { id: body.id, imageId: body.images[0]!.id };
        consultations[key] = await openConsultation(await as(t, 'admin'), body.id);
      }
    });
    afterAll(() => t?.close());

    for (const [username, visible] of Object.entries(SEES)) {
      describe(username, () => {
        it('lists exactly the specimens and ports in scope', async () => {
          const user = await as(t, username);
          const list = await user.listSpecimens({ query: { limit: 200 } });
          const ids = list
            .json()
            .items.map((item) => item.id)
            .sort();
          expect(ids).toEqual(visible.map((key) => specimens[key].id).sort());
          const ports = await user.listPorts();
          const codes = ports
            .json()
            .items.map((port) => port.code)
            .sort();
          expect(codes).toEqual(visible.map((key) => PORT_OF_SPECIMEN[key]).sort());
        });

        it('lists and reads exactly the consultations about specimens in scope', async () => {
          const user = await as(t, username);
          const list = await user.listRooms({ query: { kind: 'consultation', limit: 200 } });
          const ids = list
            .json()
            .items.map((item) => item.id)
            .sort();
          expect(ids).toEqual(visible.map((key) => consultations[key]).sort());
          for (const key of Object.keys(PORT_OF_SPECIMEN) as SpecimenKey[]) {
            const read = await user.getRoom({ params: { id: consultations[key] } });
            expect(read.statusCode).toBe(visible.includes(key) ? 200 : 404);
          }
        });

        for (const key of Object.keys(PORT_OF_SPECIMEN) as SpecimenKey[]) {
          const inScope = visible.includes(key);
          it(`${inScope ? 'can' : 'cannot'} read, fetch images of${inScope && CAN_EDIT.has(username) ? ' and change' : ''} the ${key} specimen`, async () => {
            const { id, imageId } = specimens[key];
            const user = await as(t, username);
            const read = await user.getSpecimen({ params: { id } });
            const original = await user.getImage({ params: { id: imageId, variant: 'original' } });
            const thumbnail = await user.getImage({ params: { id: imageId, variant: 'thumbnail' } });
            const change = await user.updateSpecimen({ params: { id }, body: { collector: `changed by ${username}` } });
            const filtered = await user.listSpecimens({ query: { portCode: PORT_OF_SPECIMEN[key] } });
            if (!inScope) {
              for (const response of [read, original, thumbnail, change]) {
                expect(response.statusCode).toBe(404);
                expect(response.error()).toMatchObject({ error: 'not_found' });
              }
              expect(filtered.json().total).toBe(0);
              return;
            }
            expect(read.statusCode).toBe(200);
            expect(original.statusCode).toBe(200);
            expect(thumbnail.statusCode).toBe(200);
            expect(filtered.json().total).toBe(1);
            expect(change.statusCode).toBe(CAN_EDIT.has(username) ? 200 : 403);
          });
        }
      });
    }

    it('answers a non-existent specimen or image exactly like one out of scope', async () => {
      const yangshanStaff = await as(t, 'staff.yangshan');
      const missing = await yangshanStaff.getSpecimen({ params: { id: crypto.randomUUID() } });
      const hidden = await yangshanStaff.getSpecimen({ params: { id: specimens.beilun.id } });
      expect(hidden.statusCode).toBe(missing.statusCode);
      expect(hidden.error()).toEqual(missing.error());
      const missingImage = await yangshanStaff.getImage({ params: { id: crypto.randomUUID(), variant: 'original' } });
      const hiddenImage = await yangshanStaff.getImage({ params: { id: specimens.beilun.imageId, variant: 'original' } });
      expect(hiddenImage.error()).toEqual(missingImage.error());
    });

    it('lets an expert granted another district see it, and nothing more', async () => {
      const expert = await t.repositories.users.findByUsername('expert.ningbo');
      const shanghai = await t.repositories.organisation.findUnitByCode('SHANGHAI');
      await t.repositories.users.grantUnit(expert!.id, shanghai!.id);
      const read = await (await as(t, 'expert.ningbo')).getSpecimen({ params: { id: specimens.yangshan.id } });
      expect(read.statusCode).toBe(200);
      const staffStillBlind = await (await as(t, 'staff.beilun')).getSpecimen({ params: { id: specimens.yangshan.id } });
      expect(staffStillBlind.statusCode).toBe(404);
    });
  });
}
