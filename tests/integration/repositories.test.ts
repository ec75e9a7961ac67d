import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../api/db/database.js';
import type { Scope } from '../../api/domain/access.js';
import { IdentificationRequestRepository } from '../../api/repositories/identification-request.repository.js';
import { ReviewRepository } from '../../api/repositories/review.repository.js';
import { IdentificationRepository } from '../../api/repositories/identification.repository.js';
import { OrganisationRepository } from '../../api/repositories/organisation.repository.js';
import { SettingsRepository } from '../../api/repositories/settings.repository.js';
import { SpecimenRepository, type NewSpecimen } from '../../api/repositories/specimen.repository.js';
import { UserRepository } from '../../api/repositories/user.repository.js';
import { openTestDatabase, testBackends } from '../helpers/database.js';

for (const backend of await testBackends()) {
  describe.skipIf(!backend.availability.available)(`repositories on ${backend.name} ${backend.availability.reason}`, () => {
    let database: DatabaseHandle;
    let organisation: OrganisationRepository;
    let specimens: SpecimenRepository;
    let users: UserRepository;
    const units: Record<string, { id: string; path: string }> = {};
    const ports: Record<string, string> = {};
    let creator: string;

    beforeAll(async () => {
      database = await openTestDatabase(backend.name);
      organisation = new OrganisationRepository(database.db);
      specimens = new SpecimenRepository(
        database.db,
        new IdentificationRepository(database.db, new IdentificationRequestRepository(database.db)),
        new ReviewRepository(),
      );
      users = new UserRepository(database.db);
      const hq = await organisation.createUnit({ code: 'T-HQ', level: 'headquarters', nameZh: '总署', nameEn: 'HQ', parentId: null });
      const east = await organisation.createUnit({ code: 'T-EAST', level: 'district', nameZh: '东', nameEn: 'East', parentId: hq.id });
      // A code whose letters are LIKE wildcards must not widen anyone's scope.
      const west = await organisation.createUnit({ code: 'T_W%', level: 'district', nameZh: '西', nameEn: 'West', parentId: hq.id });
      const harbour = await organisation.createUnit({
        code: 'T-HARBOUR',
        level: 'port',
        nameZh: '港',
        nameEn: 'Harbour',
        parentId: east.id,
      });
      const field = await organisation.createUnit({ code: 'T-FIELD', level: 'port', nameZh: '场', nameEn: 'Airfield', parentId: west.id });
      Object.assign(units, { hq, east, west, harbour, field });
      ports.harbour = (
        await organisation.createPort({
          unitId: harbour.id,
          code: 'T-H1',
          nameZh: '港一',
          nameEn: 'H1',
          type: 'sea',
          longitude: 120.5,
          latitude: 30.25,
        })
      ).id;
      ports.field = (
        await organisation.createPort({
          unitId: field.id,
          code: 'T-F1',
          nameZh: '场一',
          nameEn: 'F1',
          type: 'air',
          longitude: -0.5,
          latitude: 51.5,
        })
      ).id;
      creator = (
        await users.create({ username: 'repo.tester', passwordHash: 'x', displayName: 'Tester', role: 'staff', unitId: harbour.id })
      ).id;
    });
    afterAll(() => database?.close());

    const scopeOfUnits = (...names: string[]): Scope => ({ all: false, unitPaths: names.map((name) => units[name]!.path) });
    const newSpecimen = (unit: string, port: string, overrides: Partial<NewSpecimen> = {}): NewSpecimen => ({
      unitId: units[unit]!.id,
      portId: ports[port]!,
      siteType: 'container',
      locationDetail: null,
      trapMethod: null,
      collectedAt: new Date('2026-05-01T00:00:00Z'),
      collector: null,
      count: 1,
      lifeStage: null,
      sex: null,
      notes: null,
      position: null,
      createdBy: creator,
      submission: null,
      ...overrides,
    });
    const image = (sha: string) => ({
      sha256: sha.repeat(64).slice(0, 64),
      format: 'jpeg',
      width: 10,
      height: 10,
      bytes: 100,
      orientation: null,
      originalFilename: `${sha}.jpg`,
      qualityWarnings: [],
    });

    it('builds materialised unit paths down the hierarchy', () => {
      expect(units.hq!.path).toBe(`/${units.hq!.id}/`);
      expect(units.harbour!.path).toBe(`${units.east!.path}${units.harbour!.id}/`);
    });

    it('lists ports by subtree, and escapes LIKE wildcards in paths', async () => {
      expect((await organisation.listPortsInScope(scopeOfUnits('hq'))).map((port) => port.code)).toEqual(['T-F1', 'T-H1']);
      expect((await organisation.listPortsInScope(scopeOfUnits('east'))).map((port) => port.code)).toEqual(['T-H1']);
      expect((await organisation.listPortsInScope(scopeOfUnits('field'))).map((port) => port.code)).toEqual(['T-F1']);
      expect(await organisation.listPortsInScope({ all: false, unitPaths: ['/%'] })).toEqual([]);
      expect(await organisation.listPortsInScope({ all: false, unitPaths: [] })).toEqual([]);
      const port = (await organisation.listPortsInScope({ all: true }))[0]!;
      expect(typeof port.longitude).toBe('number');
    });

    it('writes a specimen, its images and shared blobs in one transaction', async () => {
      const id = (await specimens.createWithImages(newSpecimen('harbour', 'harbour'), [image('a'), image('b')], async () => undefined))!;
      await specimens.createWithImages(newSpecimen('harbour', 'harbour'), [image('a')], async () => undefined);
      const record = await specimens.findInScope(id, scopeOfUnits('east'));
      expect(record?.images.map((img) => [img.position, img.originalFilename])).toEqual([
        [0, 'a.jpg'],
        [1, 'b.jpg'],
      ]);
      expect(record?.collectedAt).toBeInstanceOf(Date);
      const blobCount = await database.db
        .selectFrom('blobs')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(blobCount.n)).toBe(2);
      expect(await specimens.isBlobReferenced('a'.repeat(64))).toBe(true);
    });

    it('rolls everything back when the work inside the transaction fails', async () => {
      const before = await specimens.listInScope({ all: true }, {}, { limit: 100, offset: 0 });
      await expect(
        specimens.createWithImages(newSpecimen('harbour', 'harbour'), [image('c')], async () => {
          throw new Error('audit failed');
        }),
      ).rejects.toThrow('audit failed');
      const after = await specimens.listInScope({ all: true }, {}, { limit: 100, offset: 0 });
      expect(after.total).toBe(before.total);
      expect(await specimens.isBlobReferenced('c'.repeat(64))).toBe(false);
    });

    it('filters, counts and pages specimens within a scope', async () => {
      await specimens.createWithImages(
        newSpecimen('field', 'field', { siteType: 'aircraft', collectedAt: new Date('2026-07-01T00:00:00Z') }),
        [image('d')],
        async () => undefined,
      );
      const all = await specimens.listInScope({ all: true }, {}, { limit: 100, offset: 0 });
      expect(all.total).toBe(3);
      expect((await specimens.listInScope(scopeOfUnits('east'), {}, { limit: 100, offset: 0 })).total).toBe(2);
      expect((await specimens.listInScope(scopeOfUnits('west'), {}, { limit: 100, offset: 0 })).total).toBe(1);
      expect((await specimens.listInScope(scopeOfUnits('east', 'west'), { siteType: 'aircraft' }, { limit: 100, offset: 0 })).total).toBe(
        1,
      );
      expect(
        (await specimens.listInScope({ all: true }, { collectedFrom: new Date('2026-06-01T00:00:00Z') }, { limit: 100, offset: 0 })).total,
      ).toBe(1);
      expect(
        (
          await specimens.listInScope(
            { all: true },
            { portCode: 'T-H1', collectedTo: new Date('2026-06-01T00:00:00Z') },
            { limit: 100, offset: 0 },
          )
        ).total,
      ).toBe(2);
      const page = await specimens.listInScope({ all: true }, {}, { limit: 2, offset: 2 });
      expect(page.items.map((item) => item.id)).toEqual(all.items.slice(2).map((item) => item.id));
      expect(page.total).toBe(3);
    });

    it('finds an image only through a specimen in scope', async () => {
      const [record] = (await specimens.listInScope(scopeOfUnits('west'), {}, { limit: 1, offset: 0 })).items;
      const imageId = record!.images[0]!.id;
      expect(await specimens.findImageInScope(imageId, scopeOfUnits('west'))).toMatchObject({ sha256: 'd'.repeat(64), format: 'jpeg' });
      expect(await specimens.findImageInScope(imageId, scopeOfUnits('east'))).toBeUndefined();
    });

    it('resolves a user with unit and granted subtrees', async () => {
      await users.grantUnit(creator, units.west!.id);
      await users.grantUnit(creator, units.west!.id);
      const found = await users.findWithUnit(creator);
      expect(found?.unit.code).toBe('T-HARBOUR');
      expect(found?.grantedUnitPaths).toEqual([units.west!.path]);
    });

    it('moves the access epoch on every change to users, units or grants, and only then', async () => {
      const epochReader = new UserRepository(database.db, database.writeCount);
      const epochs = [await epochReader.accessEpoch()];
      const step = async (change: () => Promise<unknown>) => {
        await change();
        epochs.push(await epochReader.accessEpoch());
      };
      await step(() => specimens.findInScope(crypto.randomUUID(), { all: true }));
      await step(() => database.db.updateTable('users').set({ display_name: 'Renamed' }).where('id', '=', creator).execute());
      await step(() => users.grantUnit(creator, units.east!.id));
      await step(() => database.db.updateTable('units').set({ name_en: 'East district' }).where('id', '=', units.east!.id).execute());
      await step(() =>
        database.db.deleteFrom('user_unit_grants').where('user_id', '=', creator).where('unit_id', '=', units.east!.id).execute(),
      );
      await step(() => new SettingsRepository(database.db).set('epoch.test', 'x'));
      const [start, afterRead, afterUser, afterGrant, afterUnit, afterRevoke, afterSetting] = epochs;
      expect(afterRead).toBe(start);
      expect(new Set([afterRead, afterUser, afterGrant, afterUnit, afterRevoke]).size).toBe(5);
      expect(afterSetting).toBe(afterRevoke);
      // Where the process is the database's only client, unchanged data costs no query at all.
      expect(database.writeCount === undefined).toBe(backend.name !== 'pglite');
    });

    it('keeps the first stored setting when processes race to create it', async () => {
      const settings = new SettingsRepository(database.db);
      const values = await Promise.all([1, 2, 3, 4].map((n) => settings.getOrCreate('race', () => `candidate-${n}`)));
      expect(new Set(values).size).toBe(1);
    });

    it("enforces the schema's own constraints", async () => {
      await expect(
        organisation.createPort({
          unitId: units.harbour!.id,
          code: 'T-BAD',
          nameZh: 'x',
          nameEn: 'x',
          type: 'sea',
          longitude: 200,
          latitude: 0,
        }),
      ).rejects.toThrow();
      await expect(
        organisation.createUnit({ code: 'T-HQ', level: 'district', nameZh: 'dup', nameEn: 'dup', parentId: null }),
      ).rejects.toThrow();
    });
  });
}
