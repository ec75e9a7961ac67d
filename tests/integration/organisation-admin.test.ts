import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpoints, type LabDetail, type Port, type PortBody, type UnitBody, type UnitNode } from '../../api/contract/index.js';
import { hashPassword } from '../../api/services/password-hash-pool.js';
import { unitId } from '../helpers/alerts.js';
import { as, type Client, type Response } from '../helpers/client.js';
import { testBackends } from '../helpers/database.js';
import { createTestApp, DEMO_PASSWORD, type TestApp } from '../helpers/test-app.js';

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

type Refusal = Pick<Response, 'statusCode' | 'body' | 'error'>;

for (const backend of await testBackends()) {
  describe.skipIf(!backend.availability.available)(`organisation administration on ${backend.name} ${backend.availability.reason}`, () => {
    let t: TestApp;
    let admin: Client;
    const units: Record<string, string> = {};

    beforeAll(async () => {
      t = await createTestApp(backend.name, { IDENTIFY_JOBS_IN_API: 'false' });
      admin = await as(t, 'admin');
      for (const code of ['HQ', 'NINGBO', 'SHANGHAI', 'BEILUN', 'NINGBO-AIRPORT', 'YANGSHAN']) units[code] = await unitId(t, code);
    });
    afterAll(() => t?.close());

    /** Every row administration may write: a refused change leaves them all as they were. */
    const trace = async () => ({
      units: await t.database.db.selectFrom('units').selectAll().orderBy('id').execute(),
      ports: await t.database.db.selectFrom('ports').selectAll().orderBy('id').execute(),
      labs: await t.database.db.selectFrom('labs').selectAll().orderBy('id').execute(),
      managers: await t.database.db.selectFrom('lab_managers').select(['lab_id', 'user_id']).orderBy('lab_id').orderBy('user_id').execute(),
      audit: (await t.database.db.selectFrom('audit_log').select('id').execute()).length,
    });
    const auditOf = (entityType: string, entityId: string) =>
      t.database.db
        .selectFrom('audit_log')
        .select(['action', 'user_id', 'before', 'after'])
        .where('entity_type', '=', entityType)
        .where('entity_id', '=', entityId)
        .orderBy('at')
        .orderBy('id')
        .execute();
    const expectError = (response: Refusal, status: number, code: string) => {
      expect(response.statusCode, response.body).toBe(status);
      expect(response.error()).toMatchObject({ error: code, message: expect.any(String) });
      return response.error();
    };
    /** `response` is refused as `status code`, and nothing was written. */
    const expectRefused = async (attempt: () => Promise<Refusal>, status: number, code: string) => {
      const before = await trace();
      const error = expectError(await attempt(), status, code);
      expect(await trace()).toEqual(before);
      return error;
    };
    const codesOf = async (username: string) => (await (await as(t, username)).listUnits()).json().items.map((unit) => unit.code);
    const portCodesOf = async (username: string) => (await (await as(t, username)).listPorts()).json().items.map((port) => port.code);
    const createdUnit = async (body: UnitBody): Promise<UnitNode> => {
      const response = await admin.createUnit({ body });
      expect(response.statusCode, response.body).toBe(201);
      return response.json();
    };
    const createdPort = async (body: PortBody): Promise<Port> => {
      const response = await admin.createPort({ body });
      expect(response.statusCode, response.body).toBe(201);
      return response.json();
    };
    const labOf = async (unitCode: string): Promise<LabDetail> =>
      (await admin.listLabDetails()).json().items.find((lab) => lab.unitId === units[unitCode])!;
    const idOfUser = async (username: string) =>
      (await t.database.db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirstOrThrow()).id;

    describe('the unit tree', () => {
      it("lists each person's part of the organisation, parents first, each unit with its own ports", async () => {
        const tree = (await admin.listUnits()).json().items;
        expect(tree.map((unit) => unit.code).sort()).toEqual(['BEILUN', 'HQ', 'NINGBO', 'NINGBO-AIRPORT', 'SHANGHAI', 'YANGSHAN']);
        tree.forEach((unit, index) => {
          if (unit.parentId !== null) expect(tree.findIndex((parent) => parent.id === unit.parentId)).toBeLessThan(index);
        });
        expect(tree.find((unit) => unit.code === 'NINGBO')).toEqual({
          id: units.NINGBO,
          parentId: units.HQ,
          level: 'district',
          code: 'NINGBO',
          nameZh: '宁波海关',
          nameEn: 'Ningbo Customs District',
          ports: [],
        });
        expect(tree.find((unit) => unit.code === 'BEILUN')?.ports.map((port) => port.code)).toEqual(['CNNGB-BL']);

        expect((await codesOf('expert.ningbo')).sort()).toEqual(['BEILUN', 'NINGBO', 'NINGBO-AIRPORT']);
        expect(await codesOf('staff.yangshan')).toEqual(['YANGSHAN']);
        expect(await codesOf('trainee.ningbo')).toHaveLength(3);
      });
    });

    describe('units and ports', () => {
      it("adds a district and a port-level unit under it, levels following the parents'; its staff see only it and its port", async () => {
        const xiamen = await createdUnit({ parentId: units.HQ!, code: 'XIAMEN', nameZh: '厦门海关', nameEn: 'Xiamen Customs District' });
        expect(xiamen).toMatchObject({ parentId: units.HQ, level: 'district', code: 'XIAMEN', ports: [] });
        const gaoqi = await createdUnit({
          parentId: xiamen.id,
          code: 'XIAMEN-GAOQI',
          nameZh: '高崎机场海关',
          nameEn: 'Gaoqi Airport Customs',
        });
        expect(gaoqi).toMatchObject({ parentId: xiamen.id, level: 'port', code: 'XIAMEN-GAOQI' });
        const port = await createdPort({
          unitId: gaoqi.id,
          code: 'CNXMN-GQ',
          nameZh: '厦门高崎国际机场',
          nameEn: 'Xiamen Gaoqi International Airport',
          type: 'air',
          longitude: 118.128,
          latitude: 24.544,
        });
        expect(port).toMatchObject({ unitId: gaoqi.id, code: 'CNXMN-GQ', type: 'air', longitude: 118.128, latitude: 24.544 });

        expect(await auditOf('unit', gaoqi.id)).toEqual([
          {
            action: 'unit.created',
            user_id: await idOfUser('admin'),
            before: null,
            after: { parentId: xiamen.id, level: 'port', code: 'XIAMEN-GAOQI', nameZh: '高崎机场海关', nameEn: 'Gaoqi Airport Customs' },
          },
        ]);
        expect(await auditOf('port', port.id)).toMatchObject([
          { action: 'port.created', before: null, after: { unitId: gaoqi.id, code: 'CNXMN-GQ', type: 'air', latitude: 24.544 } },
        ]);

        await t.repositories.users.create({
          username: 'staff.gaoqi',
          passwordHash: await hashPassword(DEMO_PASSWORD),
          displayName: 'Gaoqi staff',
          role: 'staff',
          unitId: gaoqi.id,
        });
        const staff = await as(t, 'staff.gaoqi');
        expect((await staff.listUnits()).json().items).toEqual([{ ...gaoqi, ports: [port] }]);
        expect((await staff.listPorts()).json().items).toEqual([port]);
        expect(await portCodesOf('expert.hq')).toContain('CNXMN-GQ');
        expect(await portCodesOf('expert.ningbo')).not.toContain('CNXMN-GQ');
        expect(await codesOf('expert.ningbo')).not.toContain('XIAMEN-GAOQI');
      });

      it('refuses a unit under a port-level unit, a taken code, an unknown parent and malformed bodies, writing nothing', async () => {
        const unit = (body: Record<string, unknown>) => () =>
          admin.send(endpoints.createUnit, {
            body: { parentId: units.NINGBO, code: 'ZHOUSHAN', nameZh: '舟山', nameEn: 'Zhoushan', ...body },
          });
        const leaf = await expectRefused(unit({ parentId: units.BEILUN }), 422, 'unit_has_no_children');
        expect(leaf.details).toEqual({ parentId: units.BEILUN, level: 'port' });
        expect((await expectRefused(unit({ code: 'BEILUN' }), 409, 'unit_code_taken')).details).toEqual({ code: 'BEILUN' });
        await expectRefused(unit({ parentId: UNKNOWN_ID }), 422, 'unknown_unit');
        for (const bad of [{ code: 'zhoushan' }, { code: 'ZHOU--SHAN' }, { code: '' }, { nameEn: '   ' }, { nameZh: 'x'.repeat(201) }]) {
          await expectRefused(unit(bad), 400, 'validation_failed');
        }
        await expectRefused(unit({ level: 'district' }), 400, 'validation_failed');
        await expectRefused(
          () => admin.send(endpoints.createUnit, { body: { code: 'ZHOUSHAN', nameZh: '舟山', nameEn: 'Zhoushan' } }),
          400,
          'validation_failed',
        );
        await expectRefused(() => admin.send(endpoints.updateUnit, { params: { id: units.BEILUN! }, body: {} }), 400, 'validation_failed');
        await expectRefused(
          () => admin.send(endpoints.updateUnit, { params: { id: units.BEILUN! }, body: { code: 'MOVED', parentId: units.SHANGHAI } }),
          400,
          'validation_failed',
        );
        await expectRefused(() => admin.updateUnit({ params: { id: UNKNOWN_ID }, body: { nameEn: 'Nowhere' } }), 404, 'not_found');
      });

      it('gives a code to one of two administrators adding it at once: 201 and 409, one unit', async () => {
        const body = { parentId: units.SHANGHAI!, code: 'SHANGHAI-PUDONG', nameZh: '浦东机场海关', nameEn: 'Pudong Airport Customs' };
        const answers = await Promise.all([admin.createUnit({ body }), admin.createUnit({ body })]);
        expect(answers.map((answer) => answer.statusCode).sort()).toEqual([201, 409]);
        expect((await codesOf('admin')).filter((code) => code === 'SHANGHAI-PUDONG')).toHaveLength(1);
      });

      it('refuses a port with a taken code, an unknown unit, a position off the globe or an unknown type, writing nothing', async () => {
        const port = (body: Record<string, unknown>) => () =>
          admin.send(endpoints.createPort, {
            body: {
              unitId: units.BEILUN,
              code: 'CNNGB-CT',
              nameZh: '穿山',
              nameEn: 'Chuanshan',
              type: 'sea',
              longitude: 121.9,
              latitude: 29.9,
              ...body,
            },
          });
        await expectRefused(port({ code: 'CNNGB-BL' }), 409, 'port_code_taken');
        await expectRefused(port({ unitId: UNKNOWN_ID }), 422, 'unknown_unit');
        for (const bad of [
          { latitude: 90.5 },
          { latitude: -91 },
          { longitude: 180.01 },
          { longitude: -181 },
          { latitude: '29.9' },
          { type: 'river' },
        ]) {
          await expectRefused(port(bad), 400, 'validation_failed');
        }
        const beilunPort = (await admin.listPorts()).json().items.find((item) => item.code === 'CNNGB-BL')!;
        const edit = (body: Record<string, unknown>) => () => admin.send(endpoints.updatePort, { params: { id: beilunPort.id }, body });
        for (const bad of [{ latitude: 100 }, { code: 'CNNGB-XX' }, { unitId: units.YANGSHAN }, {}]) {
          await expectRefused(edit(bad), 400, 'validation_failed');
        }
        await expectRefused(() => admin.updatePort({ params: { id: UNKNOWN_ID }, body: { nameEn: 'Nowhere' } }), 404, 'not_found');
      });

      it('renames a unit, audited; its people see the new name on their next request (the access epoch moved)', async () => {
        const staff = await as(t, 'staff.airport');
        expect((await staff.getMe()).json().user.unit.nameEn).toBe('Ningbo Lishe Airport Customs');
        const epoch = await t.repositories.users.accessEpoch();
        const response = await admin.updateUnit({ params: { id: units['NINGBO-AIRPORT']! }, body: { nameEn: 'Ningbo Airport Customs' } });
        expect(response.statusCode, response.body).toBe(200);
        expect(response.json()).toMatchObject({
          code: 'NINGBO-AIRPORT',
          level: 'port',
          nameZh: '栎社机场海关',
          nameEn: 'Ningbo Airport Customs',
        });
        expect(response.json().ports.map((port) => port.code)).toEqual(['CNNGB-LS']);
        expect(await t.repositories.users.accessEpoch()).not.toBe(epoch);
        expect((await staff.getMe()).json().user.unit).toMatchObject({ code: 'NINGBO-AIRPORT', nameEn: 'Ningbo Airport Customs' });
        expect(await auditOf('unit', units['NINGBO-AIRPORT']!)).toMatchObject([
          {
            action: 'unit.renamed',
            before: { code: 'NINGBO-AIRPORT', nameEn: 'Ningbo Lishe Airport Customs', nameZh: '栎社机场海关' },
            after: { code: 'NINGBO-AIRPORT', nameEn: 'Ningbo Airport Customs', nameZh: '栎社机场海关' },
          },
        ]);
      });

      it('edits a port’s names, type and position, audited, and its people see the change', async () => {
        const port = (await admin.listPorts()).json().items.find((item) => item.code === 'CNNGB-LS')!;
        const response = await admin.updatePort({
          params: { id: port.id },
          body: { nameEn: 'Ningbo Airport', longitude: 121.46, latitude: 29.83 },
        });
        expect(response.statusCode, response.body).toBe(200);
        const edited = response.json();
        expect(edited).toEqual({ ...port, nameEn: 'Ningbo Airport', longitude: 121.46, latitude: 29.83 });
        expect((await (await as(t, 'staff.airport')).listPorts()).json().items).toEqual([edited]);
        expect(await auditOf('port', port.id)).toMatchObject([
          {
            action: 'port.updated',
            before: { code: 'CNNGB-LS', nameEn: port.nameEn, longitude: port.longitude, latitude: port.latitude, type: 'air' },
            after: { code: 'CNNGB-LS', nameEn: 'Ningbo Airport', longitude: 121.46, latitude: 29.83, type: 'air' },
          },
        ]);
      });
    });

    describe('laboratories', () => {
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
        expect(await auditOf('lab', lab.id)).toMatchObject([
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
        await expectRefused(lab({ unitId: UNKNOWN_ID }), 422, 'unknown_unit');
        for (const bad of [{ nameZh: '' }, { address: 'x'.repeat(501) }, { active: false }, { unitId: 'BEILUN' }]) {
          await expectRefused(lab(bad), 400, 'validation_failed');
        }
        const ningbo = await labOf('NINGBO');
        for (const bad of [{}, { active: 'no' }, { unitId: units.SHANGHAI }]) {
          await expectRefused(() => admin.send(endpoints.updateLab, { params: { id: ningbo.id }, body: bad }), 400, 'validation_failed');
        }
        await expectRefused(() => admin.updateLab({ params: { id: UNKNOWN_ID }, body: { active: false } }), 404, 'not_found');
      });

      it('adds and removes managers: experts or administrators whose scope holds the lab’s unit, audited when something changes', async () => {
        const ningbo = await labOf('NINGBO');
        const [expertHq, expertNingbo] = [await idOfUser('expert.hq'), await idOfUser('expert.ningbo')];
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
        const again = await expectUnchanged(() => admin.addLabManager({ params: { id: ningbo.id, userId: expertHq } }));
        expect(again.json()).toEqual(added.json());

        const removed = await admin.removeLabManager({ params: { id: ningbo.id, userId: expertHq } });
        expect(removed.statusCode, removed.body).toBe(200);
        expect(removed.json().managers.map((manager) => manager.username)).toEqual(['expert.ningbo']);
        expect(await managesNingbo()).toBe(false);
        await expectUnchanged(() => admin.removeLabManager({ params: { id: ningbo.id, userId: expertHq } }));

        expect(await auditOf('lab', ningbo.id)).toEqual([
          {
            action: 'lab.manager_added',
            user_id: await idOfUser('admin'),
            before: { managerIds: [expertNingbo] },
            after: { managerIds: [expertHq, expertNingbo].sort() },
          },
          {
            action: 'lab.manager_removed',
            user_id: await idOfUser('admin'),
            before: { managerIds: [expertHq, expertNingbo].sort() },
            after: { managerIds: [expertNingbo] },
          },
        ]);
      });

      it('refuses managers who are not experts or administrators, disabled, unknown, or whose scope lacks the lab’s unit', async () => {
        const [ningbo, shanghai] = [await labOf('NINGBO'), await labOf('SHANGHAI')];
        const add = (labId: string, username: string) => async () =>
          admin.addLabManager({ params: { id: labId, userId: await idOfUser(username) } });
        const outOfScope = await expectRefused(add(shanghai.id, 'expert.ningbo'), 422, 'lab_out_of_manager_scope');
        expect(outOfScope.details).toEqual({ userId: await idOfUser('expert.ningbo'), labUnitId: units.SHANGHAI });
        await expectRefused(add(ningbo.id, 'staff.beilun'), 422, 'not_a_lab_manager_role');
        await expectRefused(add(ningbo.id, 'trainee.ningbo'), 422, 'not_a_lab_manager_role');
        await t.repositories.users.create({
          username: 'expert.retired',
          passwordHash: 'unused',
          displayName: 'Retired expert',
          role: 'expert',
          unitId: units.NINGBO!,
        });
        await sql`update users set disabled = true where username = 'expert.retired'`.execute(t.database.db);
        await expectRefused(add(ningbo.id, 'expert.retired'), 422, 'user_disabled');
        await expectRefused(() => admin.addLabManager({ params: { id: ningbo.id, userId: UNKNOWN_ID } }), 404, 'not_found');
        await expectRefused(add(UNKNOWN_ID, 'expert.ningbo'), 404, 'not_found');
        await expectRefused(
          () => admin.send(endpoints.removeLabManager, { params: { id: ningbo.id, userId: 'expert.ningbo' } }),
          400,
          'validation_failed',
        );
      });
    });

    describe('who may change the organisation', () => {
      it('refuses everyone but administrators (403), writing nothing, while they still read their part', async () => {
        const ningbo = await labOf('NINGBO');
        const beilunPort = (await admin.listPorts()).json().items.find((port) => port.code === 'CNNGB-BL')!;
        for (const username of ['expert.hq', 'expert.ningbo', 'staff.beilun', 'trainee.ningbo']) {
          const person = await as(t, username);
          const attempts: (() => Promise<Refusal>)[] = [
            () => person.createUnit({ body: { parentId: units.NINGBO!, code: 'ZHENHAI', nameZh: '镇海', nameEn: 'Zhenhai' } }),
            () => person.updateUnit({ params: { id: units.BEILUN! }, body: { nameEn: 'Renamed' } }),
            () =>
              person.createPort({
                body: {
                  unitId: units.BEILUN!,
                  code: 'CNNGB-ZH',
                  nameZh: '镇海',
                  nameEn: 'Zhenhai',
                  type: 'sea',
                  longitude: 121.7,
                  latitude: 29.95,
                },
              }),
            () => person.updatePort({ params: { id: beilunPort.id }, body: { nameEn: 'Renamed' } }),
            () => person.listLabDetails(),
            () => person.createLab({ body: { unitId: units.BEILUN!, nameZh: '北仑', nameEn: 'Beilun' } }),
            () => person.updateLab({ params: { id: ningbo.id }, body: { active: false } }),
            () => person.addLabManager({ params: { id: ningbo.id, userId: ningbo.managers[0]!.id } }),
            () => person.removeLabManager({ params: { id: ningbo.id, userId: ningbo.managers[0]!.id } }),
          ];
          for (const attempt of attempts) await expectRefused(attempt, 403, 'forbidden');
          expect((await person.listUnits()).statusCode).toBe(200);
        }
      });
    });

    /** A repeated request answers 200 and writes nothing, not even an audit entry. */
    async function expectUnchanged<R extends Refusal>(attempt: () => Promise<R>): Promise<R> {
      const before = await trace();
      const response = await attempt();
      expect(response.statusCode, response.body).toBe(200);
      expect(await trace()).toEqual(before);
      return response;
    }
  });
}
