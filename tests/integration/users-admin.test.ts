import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpoints, type NewUserAccount, type UserAccount } from '../../api/contract/index.js';
import { unitId } from '../helpers/alerts.js';
import { auditOf, expectError } from '../helpers/audit.js';
import { anonymous, as, withToken, type Client } from '../helpers/client.js';
import { testBackends } from '../helpers/database.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

const PASSWORD = 'first-password-1';

for (const backend of await testBackends()) {
  describe.skipIf(!backend.availability.available)(`account administration on ${backend.name} ${backend.availability.reason}`, () => {
    let t: TestApp;
    let admin: Client;
    let units: Record<'ningbo' | 'beilun' | 'yangshan', string>;

    beforeAll(async () => {
      t = await createTestApp(backend.name);
      admin = await as(t, 'admin');
      units = { ningbo: await unitId(t, 'NINGBO'), beilun: await unitId(t, 'BEILUN'), yangshan: await unitId(t, 'YANGSHAN') };
    });
    afterAll(() => t?.close());

    /** The accounts and the audit log: a refused change leaves both as they were. */
    const trace = async () => ({
      users: await t.database.db.selectFrom('users').selectAll().orderBy('id').execute(),
      audit: (await t.database.db.selectFrom('audit_log').select('id').execute()).length,
    });
    const auditOfUser = (userId: string) => auditOf(t, 'user', userId);
    const newAccount = (username: string, changes: Partial<NewUserAccount> = {}): NewUserAccount => ({
      username,
      displayName: `  ${username} person  `,
      password: PASSWORD,
      role: 'staff',
      unitId: units.beilun,
      ...changes,
    });
    const created = async (body: NewUserAccount, by: Client = admin): Promise<UserAccount> => {
      const response = await by.createUser({ body });
      expect(response.statusCode, response.body).toBe(201);
      return response.json();
    };
    const signIn = async (username: string, password = PASSWORD) => {
      const response = await anonymous(t).login({ body: { username, password } });
      expect(response.statusCode, response.body).toBe(200);
      return withToken(t.app, response.json().token);
    };

    it('creates an account that signs in at once; neither the answer nor the audit log holds the password', async () => {
      const account = await created(newAccount('staff.new'));
      expect(account).toMatchObject({
        username: 'staff.new',
        displayName: 'staff.new person',
        role: 'staff',
        unitId: units.beilun,
        unit: { id: units.beilun, code: 'BEILUN' },
        disabled: false,
      });
      expect(Object.keys(account).sort()).toEqual(
        ['createdAt', 'disabled', 'displayName', 'id', 'role', 'unit', 'unitId', 'updatedAt', 'username'].sort(),
      );
      expect((await (await signIn('staff.new')).getMe()).json().user).toMatchObject({ id: account.id, role: 'staff' });

      const audit = await auditOfUser(account.id);
      expect(audit).toEqual([
        {
          action: 'user.created',
          user_id: (await t.repositories.users.findByUsername('admin'))!.id,
          before: null,
          after: { username: 'staff.new', displayName: 'staff.new person', role: 'staff', unitId: units.beilun, disabled: false },
        },
      ]);
      const { password_hash } = (await t.repositories.users.findByUsername('staff.new'))!;
      expect(JSON.stringify(audit)).not.toContain(PASSWORD);
      expect(JSON.stringify(audit)).not.toContain(password_hash);

      const listed = (await admin.listUserAccounts({ query: { q: 'STAFF.NEW' } })).json();
      expect(listed).toMatchObject({ items: [account], total: 1 });
      const lookedUp = (await (await as(t, 'expert.ningbo')).lookupUsers({ query: { q: 'staff.new' } })).json();
      expect(lookedUp.items).toEqual([
        { id: account.id, username: 'staff.new', displayName: 'staff.new person', role: 'staff', unitId: units.beilun },
      ]);
    });

    it.each([
      ['no password', 400, 'validation_failed', { password: undefined }],
      ['no unit', 400, 'validation_failed', { unitId: undefined }],
      ['an unknown role', 400, 'validation_failed', { role: 'superuser' }],
      ['an upper-case username', 400, 'validation_failed', { username: 'Staff.Upper' }],
      ['a blank display name', 400, 'validation_failed', { displayName: '   ' }],
      ['an unknown field', 400, 'validation_failed', { passwordHash: 'x' }],
      ['a short password', 422, 'password_too_short', { password: 'short-pw' }],
      ['an unknown unit', 422, 'unknown_unit', { unitId: '00000000-0000-4000-8000-000000000000' }],
      ['a username in use', 409, 'username_taken', { username: 'staff.beilun' }],
    ] as const)('refuses %s with %i %s, writing nothing', async (_case, status, code, changes) => {
      const before = await trace();
      const body = { ...newAccount('staff.refused'), ...changes };
      expectError(await admin.send(endpoints.createUser, { body }), status, code);
      expect(await trace()).toEqual(before);
    });

    it('refuses everyone but administrators with 403', async () => {
      const expert = await as(t, 'expert.hq');
      const someone = (await t.repositories.users.findByUsername('staff.airport'))!.id;
      const before = await trace();
      expectError(await expert.createUser({ body: newAccount('staff.byexpert') }), 403, 'forbidden');
      expectError(await expert.updateUser({ params: { id: someone }, body: { disabled: true } }), 403, 'forbidden');
      expectError(await expert.listUserAccounts(), 403, 'forbidden');
      const staffUnits = (await (await as(t, 'staff.beilun')).listUnits()).json().items;
      expect(staffUnits.some((unit) => unit.administered)).toBe(false);
      expect(await trace()).toEqual(before);
    });

    it('disabling an account makes its next request answer 401; enabled again, it signs in anew', async () => {
      const account = await created(newAccount('staff.leaving'));
      const session = await signIn('staff.leaving');
      expect((await session.getMe()).statusCode).toBe(200);

      const disabled = await admin.updateUser({ params: { id: account.id }, body: { disabled: true } });
      expect(disabled.json()).toMatchObject({ id: account.id, disabled: true });
      expectError(await session.getMe(), 401, 'session_revoked');
      expectError(await anonymous(t).login({ body: { username: 'staff.leaving', password: PASSWORD } }), 401, 'invalid_credentials');
      expect((await admin.listUserAccounts({ query: { disabled: true } })).json().items.map((item) => item.username)).toEqual([
        'staff.leaving',
      ]);
      expect((await admin.lookupUsers({ query: { q: 'staff.leaving' } })).json().items).toEqual([]);

      await admin.updateUser({ params: { id: account.id }, body: { disabled: false } });
      expectError(await session.getMe(), 401, 'session_revoked');
      expect((await (await signIn('staff.leaving')).getMe()).statusCode).toBe(200);
      expect((await auditOfUser(account.id)).map(({ action, before, after }) => [action, before?.disabled, after?.disabled])).toEqual([
        ['user.created', undefined, false],
        ['user.updated', false, true],
        ['user.updated', true, false],
      ]);
    });

    it('a password reset, role or unit change ends the sessions; the audit says a password was reset, never what to', async () => {
      const account = await created(newAccount('staff.moving'));
      const first = await signIn('staff.moving');
      const reset = await admin.updateUser({ params: { id: account.id }, body: { password: 'second-password-2' } });
      expect(reset.statusCode, reset.body).toBe(200);
      expectError(await first.getMe(), 401, 'session_revoked');
      expectError(await anonymous(t).login({ body: { username: 'staff.moving', password: PASSWORD } }), 401, 'invalid_credentials');

      const second = await signIn('staff.moving', 'second-password-2');
      const moved = await admin.updateUser({
        params: { id: account.id },
        body: { role: 'expert', unitId: units.yangshan, displayName: 'Moved expert' },
      });
      expect(moved.json()).toMatchObject({
        role: 'expert',
        unitId: units.yangshan,
        unit: { code: 'YANGSHAN' },
        displayName: 'Moved expert',
      });
      expectError(await second.getMe(), 401, 'session_revoked');
      const me = (await (await signIn('staff.moving', 'second-password-2')).getMe()).json().user;
      expect(me).toMatchObject({ role: 'expert', unit: { code: 'YANGSHAN' } });

      const before = await trace();
      expect((await admin.updateUser({ params: { id: account.id }, body: { displayName: ' Moved expert ' } })).statusCode).toBe(200);
      expect(await trace()).toEqual(before); // Nothing changed, nothing written.

      const [, passwordReset, move] = await auditOfUser(account.id);
      expect(passwordReset).toMatchObject({ before: { role: 'staff' }, after: { role: 'staff', passwordReset: true } });
      expect(move).toMatchObject({ before: { role: 'staff', unitId: units.beilun }, after: { role: 'expert', unitId: units.yangshan } });
      expect(move!.after).not.toHaveProperty('passwordReset');
      expect(JSON.stringify(await auditOfUser(account.id))).not.toContain('second-password-2');
    });

    it.each(['disabled', 'role', 'unitId'] as const)(
      'refuses an administrator changing their own %s with 409 self_lockout, changing nothing',
      async (field) => {
        const self = (await t.repositories.users.findByUsername('admin'))!.id;
        const body = { disabled: { disabled: true }, role: { role: 'expert' as const }, unitId: { unitId: units.beilun } }[field];
        const before = await trace();
        const error = expectError(await admin.updateUser({ params: { id: self }, body }), 409, 'self_lockout');
        expect(error.details).toEqual({ field });
        expect(await trace()).toEqual(before);
        expect((await admin.getMe()).statusCode).toBe(200);
      },
    );

    it("a district's administrator manages the accounts of their district only; others' answer as missing ones", async () => {
      await created(newAccount('admin.ningbo', { role: 'admin', unitId: units.ningbo }));
      const districtAdmin = await signIn('admin.ningbo');
      const administeredCodes = async (client: typeof admin) =>
        (await client.listUnits()).json().items.flatMap((unit) => (unit.administered ? [unit.code] : []));
      const administered = await administeredCodes(districtAdmin);
      expect(administered.sort()).toEqual(['BEILUN', 'NINGBO', 'NINGBO-AIRPORT']);
      expect(await administeredCodes(admin)).toEqual(expect.arrayContaining(['HQ', 'NINGBO', 'SHANGHAI', 'YANGSHAN']));

      const listed = (await districtAdmin.listUserAccounts({ query: { limit: 200 } })).json();
      expect(listed.items.map((item) => item.unit.code).every((code) => administered.includes(code))).toBe(true);
      expect(listed.items.map((item) => item.username)).toEqual(expect.arrayContaining(['staff.beilun', 'expert.ningbo']));
      expect(listed.total).toBe(listed.items.length);

      const before = await trace();
      const yangshanStaff = (await t.repositories.users.findByUsername('staff.yangshan'))!.id;
      expectError(await districtAdmin.updateUser({ params: { id: yangshanStaff }, body: { disabled: true } }), 404, 'not_found');
      expectError(await districtAdmin.createUser({ body: newAccount('staff.elsewhere', { unitId: units.yangshan }) }), 422, 'unknown_unit');
      const beilunStaff = (await t.repositories.users.findByUsername('staff.beilun'))!.id;
      expectError(await districtAdmin.updateUser({ params: { id: beilunStaff }, body: { unitId: units.yangshan } }), 422, 'unknown_unit');
      expect(await trace()).toEqual(before);

      expect((await districtAdmin.createUser({ body: newAccount('staff.district', { unitId: units.ningbo }) })).statusCode).toBe(201);
    });

    it('pages through the accounts with their total', async () => {
      const page = (offset: number) => admin.listUserAccounts({ query: { limit: 2, offset } });
      const [first, second] = [(await page(0)).json(), (await page(2)).json()];
      expect(first).toMatchObject({ limit: 2, offset: 0, total: (await trace()).users.length });
      expect(new Set([...first.items, ...second.items].map((item) => item.id)).size).toBe(4);
    });
  });
}
