import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpoints, type AuditEntry, type AuditQuery, type UserAccount } from '../../api/contract/index.js';
import { recordAudit } from '../../api/repositories/audit.repository.js';
import { unitId } from '../helpers/alerts.js';
import { anonymous, as, withToken, type Client } from '../helpers/client.js';
import { testBackends } from '../helpers/database.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

const PASSWORD = 'first-password-1';

for (const backend of await testBackends()) {
  describe.skipIf(!backend.availability.available)(`the audit trail on ${backend.name} ${backend.availability.reason}`, () => {
    let t: TestApp;
    let admin: Client;
    let districtAdmin: Client;
    let districtAdminAccount: UserAccount;
    let units: Record<'ningbo' | 'beilun', string>;

    const entries = async (by: Client, query: Partial<AuditQuery> = {}) => {
      const response = await by.listAuditEntries({ query });
      expect(response.statusCode, response.body).toBe(200);
      return response.json();
    };
    const createUser = async (by: Client, username: string, unit: string, role: UserAccount['role'] = 'staff') => {
      const response = await by.createUser({
        body: { username, displayName: `${username} person`, password: PASSWORD, role, unitId: unit },
      });
      expect(response.statusCode, response.body).toBe(201);
      return response.json();
    };
    const signIn = async (username: string) => {
      const response = await anonymous(t).login({ body: { username, password: PASSWORD } });
      expect(response.statusCode, response.body).toBe(200);
      return withToken(t.app, response.json().token);
    };

    beforeAll(async () => {
      t = await createTestApp(backend.name);
      admin = await as(t, 'admin');
      units = { ningbo: await unitId(t, 'NINGBO'), beilun: await unitId(t, 'BEILUN') };
      districtAdminAccount = await createUser(admin, 'admin.ningbo', units.ningbo, 'admin');
      await createUser(admin, 'staff.hq.audit', await unitId(t, 'HQ'));
      districtAdmin = await signIn('admin.ningbo');
    });
    afterAll(() => t?.close());

    it("shows an administrator's change, newest first, with who made it and the thing before and after", async () => {
      const renamed = await admin.updateUnit({ params: { id: units.beilun }, body: { nameEn: 'Beilun Port (renamed)' } });
      expect(renamed.statusCode, renamed.body).toBe(200);

      const page = await entries(admin);
      const [newest] = page.items;
      expect(newest).toMatchObject({
        action: 'unit.renamed',
        entityType: 'unit',
        entityId: units.beilun,
        actor: { username: 'admin', id: expect.any(String), displayName: expect.any(String) },
        before: expect.objectContaining({ nameEn: expect.not.stringContaining('renamed') }),
        after: expect.objectContaining({ nameEn: 'Beilun Port (renamed)' }),
      });
      const times = page.items.map((entry) => entry.at);
      expect(times).toEqual([...times].sort().reverse());
      expect(page).toMatchObject({ limit: 50, offset: 0, total: expect.any(Number) });

      const created = (await entries(admin, { entityType: 'user', entityId: districtAdminAccount.id })).items;
      expect(created).toEqual([
        expect.objectContaining({
          action: 'user.created',
          before: null,
          after: expect.objectContaining({ username: 'admin.ningbo', role: 'admin' }),
        }),
      ]);
    });

    it('filters by action, entity, person and time, and pages', async () => {
      const byAction = await entries(admin, { action: 'USER.CREATED' });
      expect(byAction.items.length).toBeGreaterThanOrEqual(2);
      expect(byAction.items.every((entry) => entry.action === 'user.created')).toBe(true);

      const unitChanges = await entries(admin, { entityType: 'unit' });
      expect(unitChanges.total).toBeGreaterThanOrEqual(1);
      expect(unitChanges.items.every((entry: AuditEntry) => entry.entityType === 'unit')).toBe(true);

      const adminId = (await t.repositories.users.findByUsername('admin'))!.id;
      const byAdmin = await entries(admin, { userId: adminId });
      expect(byAdmin.total).toBeGreaterThanOrEqual(3);
      expect(byAdmin.items.every((entry) => entry.actor?.id === adminId)).toBe(true);
      expect((await entries(admin, { userId: districtAdminAccount.id })).total).toBe(0);

      const all = await entries(admin);
      const second = await entries(admin, { limit: 1, offset: 1 });
      expect(second.items.map((entry) => entry.id)).toEqual([all.items[1]!.id]);

      const oldest = all.items.at(-1)!.at;
      const since = await entries(admin, { from: new Date(Date.parse(oldest) + 1).toISOString() });
      expect(since.total).toBe(all.total - all.items.filter((entry) => entry.at === oldest).length);
      expect((await entries(admin, { to: '2000-01-01T00:00:00Z' })).total).toBe(0);
    });

    it("lets a district's administrator read only the changes of their district's people", async () => {
      const made = await createUser(districtAdmin, 'staff.beilun.audit', units.beilun);
      const seen = await entries(districtAdmin);
      expect(seen.items.map((entry) => entry.entityId)).toEqual([made.id]);
      expect(seen.items[0]).toMatchObject({ action: 'user.created', actor: { username: 'admin.ningbo' } });
      expect((await entries(admin, { entityId: made.id })).total).toBe(1);
    });

    it("shows the service's own changes to headquarters' administrators only", async () => {
      await t.database.db.transaction().execute((trx) =>
        recordAudit(trx, {
          userId: null,
          action: 'model.activated',
          entityType: 'model',
          entityId: 'model-from-start-up',
          before: null,
          after: { active: true },
        }),
      );
      expect((await entries(admin, { entityId: 'model-from-start-up' })).items).toEqual([
        expect.objectContaining({ actor: null, action: 'model.activated' }),
      ]);
      expect((await entries(districtAdmin, { entityId: 'model-from-start-up' })).total).toBe(0);
    });

    it('refuses everyone but administrators, and bad queries with a code', async () => {
      for (const username of ['expert.ningbo', 'staff.beilun', 'trainee.ningbo']) {
        const response = await (await as(t, username)).listAuditEntries({});
        expect(response.statusCode, username).toBe(403);
        expect(response.error().error).toBe('forbidden');
      }
      expect((await (await signIn('staff.hq.audit')).listAuditEntries({})).statusCode, 'staff at headquarters').toBe(403);
      expect((await anonymous(t).listAuditEntries({})).statusCode).toBe(401);

      const reversed = await admin.listAuditEntries({ query: { from: '2025-02-01T00:00:00Z', to: '2025-01-01T00:00:00Z' } });
      expect(reversed.statusCode).toBe(400);
      expect(reversed.error()).toMatchObject({ error: 'invalid_date_range', message: expect.any(String) });
      for (const query of [{ entityType: 'spaceship' }, { from: 'yesterday' }, { limit: 0 }, { userId: 'me' }, { sort: 'at' }]) {
        const response = await admin.send(endpoints.listAuditEntries, { query });
        expect(response.statusCode, JSON.stringify(query)).toBe(400);
        expect(response.error().error).toEqual(expect.any(String));
      }
    });
  });
}
