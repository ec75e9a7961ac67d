import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpoints, type LabDetail } from '../../api/contract/index.js';
import { as, type Client } from '../helpers/client.js';
import { testBackends } from '../helpers/database.js';
import { auditOf, type Refusal } from '../helpers/audit.js';
import { demoUnitIds, expectRefused, expectUnchanged, UNKNOWN_ID, userIdOf } from '../helpers/organisation.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

for (const backend of await testBackends()) {
  describe.skipIf(!backend.availability.available)(`laboratory administration on ${backend.name} ${backend.availability.reason}`, () => {
    let t: TestApp;
    let admin: Client;
    let units: Record<string, string>;

    beforeAll(async () => {
      t = await createTestApp(backend.name, { IDENTIFY_JOBS_IN_API: 'false' });
      admin = await as(t, 'admin');
      units = await demoUnitIds(t);
    });
    afterAll(() => t?.close());

    const refused = (attempt: () => Promise<Refusal>, status: number, code: string) => expectRefused(t, attempt, status, code);
    const labOf = async (unitCode: string): Promise<LabDetail> =>
      (await admin.listLabDetails()).json().items.find((lab) => lab.unitId === units[unitCode])!;

    it('adds a lab to a unit, renames it, takes it out of service and back, each change audited', async () => {
      const created = await admin.createLab({ body: { unitId: units.YANGSHAN!, nameZh: '洋山实验室', nameEn: 'Yangshan Laboratory' } });
      expect(created.statusCode, created.body).toBe(201);
      const lab = created.json();
      expect(lab).toEqual({
        id: lab.id,
        unitId: units.YANGSHAN,
        nameZh: '洋山实验室',
        nameEn: 'Yangshan Laboratory',
        address: null,
        active: true,
        managers: [],
      });
      const bookable = async () => (await (await as(t, 'staff.yangshan')).listLabs()).json().items.map((item) => item.id);
      expect(await bookable()).toContain(lab.id);

      const closed = await admin.updateLab({ params: { id: lab.id }, body: { active: false, address: '洋山港区 Yangshan' } });
      expect(closed.statusCode, closed.body).toBe(200);
      expect(closed.json()).toMatchObject({ active: false, address: '洋山港区 Yangshan' });
      expect(await bookable()).not.toContain(lab.id);
      expect((await admin.listLabDetails()).json().items.find((item) => item.id === lab.id)).toMatchObject({ active: false });
      const reopened = await admin.updateLab({
        params: { id: lab.id },
        body: { active: true, nameEn: 'Yangshan Port Laboratory', address: null },
      });
      expect(reopened.json()).toMatchObject({ active: true, nameEn: 'Yangshan Port Laboratory', address: null });
      expect(await bookable()).toContain(lab.id);

      const view = { unitId: units.YANGSHAN, nameZh: '洋山实验室' };
      expect(await auditOf(t, 'lab', lab.id)).toMatchObject([
        { action: 'lab.created', before: null, after: { ...view, nameEn: 'Yangshan Laboratory', address: null, active: true } },
        {
          action: 'lab.updated',
          before: { ...view, address: null, active: true },
          after: { ...view, address: '洋山港区 Yangshan', active: false },
        },
        {
          action: 'lab.updated',
          before: { active: false, nameEn: 'Yangshan Laboratory' },
          after: { active: true, nameEn: 'Yangshan Port Laboratory', address: null },
        },
      ]);
    });

    it('refuses labs at unknown units and malformed labs, writing nothing', async () => {
      const lab = (body: Record<string, unknown>) => () =>
        admin.send(endpoints.createLab, { body: { unitId: units.BEILUN, nameZh: '北仑', nameEn: 'Beilun', ...body } });
      await refused(lab({ unitId: UNKNOWN_ID }), 422, 'unknown_unit');
      for (const bad of [{ nameZh: '' }, { address: 'x'.repeat(501) }, { active: false }, { unitId: 'BEILUN' }]) {
        await refused(lab(bad), 400, 'validation_failed');
      }
      const ningbo = await labOf('NINGBO');
      for (const bad of [{}, { active: 'no' }, { unitId: units.SHANGHAI }]) {
        await refused(() => admin.send(endpoints.updateLab, { params: { id: ningbo.id }, body: bad }), 400, 'validation_failed');
      }
      await refused(() => admin.updateLab({ params: { id: UNKNOWN_ID }, body: { active: false } }), 404, 'not_found');
    });

    it('adds and removes managers: experts or administrators whose scope holds the lab’s unit, audited when something changes', async () => {
      const ningbo = await labOf('NINGBO');
      const [expertHq, expertNingbo] = [await userIdOf(t, 'expert.hq'), await userIdOf(t, 'expert.ningbo')];
      expect(ningbo.managers.map((manager) => manager.username)).toEqual(['expert.ningbo']);
      const managesNingbo = async () =>
        (await (await as(t, 'expert.hq')).listLabs()).json().items.some((lab) => lab.id === ningbo.id && lab.canManage);
      expect(await managesNingbo()).toBe(false);

      const added = await admin.addLabManager({ params: { id: ningbo.id, userId: expertHq } });
      expect(added.statusCode, added.body).toBe(200);
      expect(
        added
          .json()
          .managers.map((manager) => manager.username)
          .sort(),
      ).toEqual(['expert.hq', 'expert.ningbo']);
      expect(await managesNingbo()).toBe(true);
      const again = await expectUnchanged(t, () => admin.addLabManager({ params: { id: ningbo.id, userId: expertHq } }));
      expect(again.json()).toEqual(added.json());

      const removed = await admin.removeLabManager({ params: { id: ningbo.id, userId: expertHq } });
      expect(removed.statusCode, removed.body).toBe(200);
      expect(removed.json().managers.map((manager) => manager.username)).toEqual(['expert.ningbo']);
      expect(await managesNingbo()).toBe(false);
      await expectUnchanged(t, () => admin.removeLabManager({ params: { id: ningbo.id, userId: expertHq } }));

      expect(await auditOf(t, 'lab', ningbo.id)).toEqual([
        {
          action: 'lab.manager_added',
          user_id: await userIdOf(t, 'admin'),
          before: { managerIds: [expertNingbo] },
          after: { managerIds: [expertHq, expertNingbo].sort() },
        },
        {
          action: 'lab.manager_removed',
          user_id: await userIdOf(t, 'admin'),
          before: { managerIds: [expertHq, expertNingbo].sort() },
          after: { managerIds: [expertNingbo] },
        },
      ]);
    });

    it('refuses managers who are not experts or administrators, disabled, unknown, or whose scope lacks the lab’s unit', async () => {
      const [ningbo, shanghai] = [await labOf('NINGBO'), await labOf('SHANGHAI')];
      const add = (labId: string, username: string) => async () =>
        admin.addLabManager({ params: { id: labId, userId: await userIdOf(t, username) } });
      const outOfScope = await refused(add(shanghai.id, 'expert.ningbo'), 422, 'lab_out_of_manager_scope');
      expect(outOfScope.details).toEqual({ userId: await userIdOf(t, 'expert.ningbo'), labUnitId: units.SHANGHAI });
      await refused(add(ningbo.id, 'staff.beilun'), 422, 'not_a_lab_manager_role');
      await refused(add(ningbo.id, 'trainee.ningbo'), 422, 'not_a_lab_manager_role');
      await t.repositories.users.create({
        username: 'expert.retired',
        passwordHash: 'unused',
        displayName: 'Retired expert',
        role: 'expert',
        unitId: units.NINGBO!,
      });
      await sql`update users set disabled = true where username = 'expert.retired'`.execute(t.database.db);
      await refused(add(ningbo.id, 'expert.retired'), 422, 'user_disabled');
      await refused(() => admin.addLabManager({ params: { id: ningbo.id, userId: UNKNOWN_ID } }), 404, 'not_found');
      await refused(add(UNKNOWN_ID, 'expert.ningbo'), 404, 'not_found');
      await refused(
        () => admin.send(endpoints.removeLabManager, { params: { id: ningbo.id, userId: 'expert.ningbo' } }),
        400,
        'validation_failed',
      );
    });
  });
}
