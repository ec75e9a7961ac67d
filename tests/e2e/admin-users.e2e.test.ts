import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { submitNewAccount } from '../helpers/accounts-page.js';
import { BrowserTestBed, describeInChromium } from '../helpers/browser.js';
import { anonymous, as } from '../helpers/client.js';

const NEWCOMER = { username: 'staff.pudong', displayName: 'Pudong staff 浦东', password: 'pudong-password-1' };

describeInChromium('account administration in Chromium against the real server on PGlite', () => {
  let testBed: BrowserTestBed;

  beforeAll(async () => {
    testBed = await BrowserTestBed.start({ env: { IDENTIFY_JOBS_IN_API: 'false' } });
  });
  afterEach(() => testBed?.closeSessions());
  afterAll(() => testBed?.close());

  const unitIdOf = async (code: string) =>
    (await testBed.server.database.db.selectFrom('units').select('id').where('code', '=', code).executeTakeFirstOrThrow()).id;

  it('an administrator creates an account on the page, its owner signs in, and once disabled their next request answers 401', async () => {
    const beilun = await unitIdOf('BEILUN');

    const admin = await testBed.signIn('admin');
    await admin.page.getByTestId('nav-admin').click();
    await admin.page.getByTestId('nav-users').click();
    await admin.page.getByTestId('users-table').waitFor();
    const form = await submitNewAccount(admin.page, { ...NEWCOMER, role: 'staff', unitId: beilun });
    await form.getByTestId('new-user-created').waitFor();
    const row = admin.page.locator(`[data-testid="user-row"][data-username="${NEWCOMER.username}"]`);
    expect(await row.getAttribute('data-disabled')).toBe('false');

    // The newcomer signs in in a browser of their own and lands on their start page.
    const newcomer = await testBed.signIn(NEWCOMER.username, testBed.server, NEWCOMER.password);
    expect(await newcomer.page.getByTestId('current-user').innerText()).toContain(NEWCOMER.displayName);

    await row.getByTestId('user-toggle-disabled').click();
    await admin.page.locator(`[data-testid="user-row"][data-username="${NEWCOMER.username}"][data-disabled="true"]`).waitFor();

    // Their page's next request is refused, and the app sends them to the login page.
    const refused = newcomer.page.waitForResponse(
      (response) => new URL(response.url()).pathname.startsWith('/api/v1/') && response.status() === 401,
    );
    await newcomer.page.reload();
    await refused;
    await newcomer.page.getByTestId('login-username').waitFor();
    const again = await anonymous(testBed.server).login({ body: { username: NEWCOMER.username, password: NEWCOMER.password } });
    expect(again.statusCode).toBe(401);

    expect(admin.dialogs).toEqual([]);
    expect(admin.errors).toEqual([]);
  });

  it("shows the server's refusal on the form, and changes an account's role, unit and password in place", async () => {
    const admin = await testBed.signIn('admin');
    await admin.page.goto('/#/admin/users');
    const form = await submitNewAccount(admin.page, {
      username: 'staff.beilun',
      displayName: 'A second Beilun',
      password: 'another-password-1',
      role: 'staff',
      unitId: await unitIdOf('BEILUN'),
    });
    await form.locator('[data-testid="new-user-error"][data-error-code="username_taken"]').waitFor();

    const own = admin.page.locator('[data-testid="user-row"][data-username="admin"]');
    expect(await own.getByTestId('user-toggle-disabled').isDisabled()).toBe(true);

    await admin.page.getByTestId('users-search').fill('staff.airport');
    const row = admin.page.locator('[data-testid="user-row"][data-username="staff.airport"]');
    // The search narrows the table to the one account.
    await expect.poll(() => admin.page.getByTestId('user-row').count()).toBe(1);
    await row.getByTestId('user-edit').click();
    await admin.page.getByTestId('user-edit-role').selectOption('expert');
    await admin.page.getByTestId('user-edit-unit').selectOption(await unitIdOf('NINGBO'));
    await admin.page.getByTestId('user-edit-save').click();
    await admin.page.getByTestId('user-editor').waitFor({ state: 'detached' });
    await row.getByTestId('user-reset-password').click();
    await admin.page.getByTestId('user-password-input').fill('airport-password-2');
    await admin.page.getByTestId('user-password-save').click();
    await row.getByTestId('user-password-reset').waitFor();

    const [account] = (await (await as(testBed.server, 'admin')).listUserAccounts({ query: { q: 'staff.airport' } })).json().items;
    expect(account).toMatchObject({ role: 'expert', unit: { code: 'NINGBO' } });
    const signIn = await anonymous(testBed.server).login({ body: { username: 'staff.airport', password: 'airport-password-2' } });
    expect(signIn.statusCode, signIn.body).toBe(200);
    expect(admin.dialogs).toEqual([]);
    expect(admin.errors.filter((error) => !error.includes('409'))).toEqual([]);
  });
});
