import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpoints, type Port, type PortBody, type UnitBody, type UnitNode } from '../../api/contract/index.js';
import { hashPassword } from '../../api/services/password-hash-pool.js';
import { as, type Client } from '../helpers/client.js';
import { testBackends } from '../helpers/database.js';
import { auditOf, type Refusal } from '../helpers/audit.js';
import { demoUnitIds, expectRefused, UNKNOWN_ID, userIdOf } from '../helpers/organisation.js';
import { createTestApp, DEMO_PASSWORD, type TestApp } from '../helpers/test-app.js';

for (const backend of await testBackends()) {
  describe.skipIf(!backend.availability.available)(`organisation administration on ${backend.name} ${backend.availability.reason}`, () => {
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
          administered: true,
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

        expect(await auditOf(t, 'unit', gaoqi.id)).toEqual([
          {
            action: 'unit.created',
            user_id: await userIdOf(t, 'admin'),
            before: null,
            after: { parentId: xiamen.id, level: 'port', code: 'XIAMEN-GAOQI', nameZh: '高崎机场海关', nameEn: 'Gaoqi Airport Customs' },
          },
        ]);
        expect(await auditOf(t, 'port', port.id)).toMatchObject([
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
        expect((await staff.listUnits()).json().items).toEqual([{ ...gaoqi, ports: [port], administered: false }]);
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
        const leaf = await refused(unit({ parentId: units.BEILUN }), 422, 'unit_has_no_children');
        expect(leaf.details).toEqual({ parentId: units.BEILUN, level: 'port' });
        expect((await refused(unit({ code: 'BEILUN' }), 409, 'unit_code_taken')).details).toEqual({ code: 'BEILUN' });
        await refused(unit({ parentId: UNKNOWN_ID }), 422, 'unknown_unit');
        for (const bad of [{ code: 'zhoushan' }, { code: 'ZHOU--SHAN' }, { code: '' }, { nameEn: '   ' }, { nameZh: 'x'.repeat(201) }]) {
          await refused(unit(bad), 400, 'validation_failed');
        }
        await refused(unit({ level: 'district' }), 400, 'validation_failed');
        await refused(
          () => admin.send(endpoints.createUnit, { body: { code: 'ZHOUSHAN', nameZh: '舟山', nameEn: 'Zhoushan' } }),
          400,
          'validation_failed',
        );
        await refused(() => admin.send(endpoints.updateUnit, { params: { id: units.BEILUN! }, body: {} }), 400, 'validation_failed');
        await refused(
          () => admin.send(endpoints.updateUnit, { params: { id: units.BEILUN! }, body: { code: 'MOVED', parentId: units.SHANGHAI } }),
          400,
          'validation_failed',
        );
        await refused(() => admin.updateUnit({ params: { id: UNKNOWN_ID }, body: { nameEn: 'Nowhere' } }), 404, 'not_found');
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
        await refused(port({ code: 'CNNGB-BL' }), 409, 'port_code_taken');
        await refused(port({ unitId: UNKNOWN_ID }), 422, 'unknown_unit');
        for (const bad of [
          { latitude: 90.5 },
          { latitude: -91 },
          { longitude: 180.01 },
          { longitude: -181 },
          { latitude: '29.9' },
          { type: 'river' },
        ]) {
          await refused(port(bad), 400, 'validation_failed');
        }
        const beilunPort = (await admin.listPorts()).json().items.find((item) => item.code === 'CNNGB-BL')!;
        const edit = (body: Record<string, unknown>) => () => admin.send(endpoints.updatePort, { params: { id: beilunPort.id }, body });
        for (const bad of [{ latitude: 100 }, { code: 'CNNGB-XX' }, { unitId: units.YANGSHAN }, {}]) {
          await refused(edit(bad), 400, 'validation_failed');
        }
        await refused(() => admin.updatePort({ params: { id: UNKNOWN_ID }, body: { nameEn: 'Nowhere' } }), 404, 'not_found');
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
        expect(await auditOf(t, 'unit', units['NINGBO-AIRPORT']!)).toMatchObject([
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
        expect(await auditOf(t, 'port', port.id)).toMatchObject([
          {
            action: 'port.updated',
            before: { code: 'CNNGB-LS', nameEn: port.nameEn, longitude: port.longitude, latitude: port.latitude, type: 'air' },
            after: { code: 'CNNGB-LS', nameEn: 'Ningbo Airport', longitude: 121.46, latitude: 29.83, type: 'air' },
          },
        ]);
      });
    });

    describe('who may change the organisation', () => {
      it('refuses everyone but administrators (403), writing nothing, while they still read their part', async () => {
        const ningbo = (await admin.listLabDetails()).json().items.find((lab) => lab.unitId === units.NINGBO)!;
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
          for (const attempt of attempts) await refused(attempt, 403, 'forbidden');
          expect((await person.listUnits()).statusCode).toBe(200);
        }
      });

      it("a district's administrator changes their district only: other units answer as unknown ones, and are not marked administered", async () => {
        const created = await admin.createUser({
          body: {
            username: 'admin.shanghai',
            displayName: 'Shanghai admin',
            password: DEMO_PASSWORD,
            role: 'admin',
            unitId: units.SHANGHAI!,
          },
        });
        expect(created.statusCode, created.body).toBe(201);
        const districtAdmin = await as(t, 'admin.shanghai');
        const tree = (await districtAdmin.listUnits()).json().items;
        const administered = new Map(tree.map((unit) => [unit.code, unit.administered]));
        expect([administered.get('SHANGHAI'), administered.get('YANGSHAN')]).toEqual([true, true]);
        expect([administered.get('HQ'), administered.get('NINGBO'), administered.get('BEILUN')]).toEqual([false, false, false]);
        const beilunPort = (await admin.listPorts()).json().items.find((port) => port.code === 'CNNGB-BL')!;
        await refused(
          () => districtAdmin.createUnit({ body: { parentId: units.NINGBO!, code: 'ZHENHAI-SH', nameZh: '镇海', nameEn: 'Zhenhai' } }),
          422,
          'unknown_unit',
        );
        await refused(() => districtAdmin.updateUnit({ params: { id: units.BEILUN! }, body: { nameEn: 'Renamed' } }), 404, 'not_found');
        await refused(() => districtAdmin.updatePort({ params: { id: beilunPort.id }, body: { nameEn: 'Renamed' } }), 404, 'not_found');
        const own = await districtAdmin.updateUnit({ params: { id: units.YANGSHAN! }, body: { nameEn: 'Yangshan Port' } });
        expect(own.statusCode, own.body).toBe(200);
      });
    });
  });
}
