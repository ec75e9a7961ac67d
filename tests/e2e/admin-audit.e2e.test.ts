import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { submitNewAccount } from '../helpers/accounts-page.js';
import { BrowserTestBed, describeInChromium } from '../helpers/browser.js';

const NEWCOMER = { username: 'staff.audited', displayName: 'Audited staff 审计', password: 'audited-password-1' };

describeInChromium('the audit trail in Chromium against the real server on PGlite', () => {
  let testBed: BrowserTestBed;

  beforeAll(async () => {
    testBed = await BrowserTestBed.start({ env: { IDENTIFY_JOBS_IN_API: 'false' } });
  });
  afterEach(() => testBed?.closeSessions());
  afterAll(() => testBed?.close());

  it("an administrator's new account shows in the audit trail, and the trail's filters are the page's address", async () => {
    const beilun = (
      await testBed.server.database.db.selectFrom('units').select('id').where('code', '=', 'BEILUN').executeTakeFirstOrThrow()
    ).id;
    const admin = await testBed.signIn('admin');
    await admin.page.goto('/#/admin/users');
    await admin.page.getByTestId('users-table').waitFor();
    const form = await submitNewAccount(admin.page, { ...NEWCOMER, role: 'staff', unitId: beilun });
    await form.getByTestId('new-user-created').waitFor();

    await admin.page.getByTestId('nav-admin').click();
    await admin.page.getByTestId('nav-audit').click();
    const created = admin.page.locator('[data-testid="audit-row"][data-action="user.created"]').first();
    await created.waitFor();
    expect(await created.getByTestId('audit-change').innerText()).toContain(NEWCOMER.username);
    expect(await created.innerText()).toContain(NEWCOMER.displayName);

    await admin.page.getByTestId('audit-entity-type').selectOption('user');
    await admin.page.waitForURL(/entityType=user/);
    await created.waitFor();
    await admin.page.getByTestId('audit-action').fill('renamed');
    await admin.page.getByTestId('audit-empty').waitFor();
    expect(new URL(admin.page.url()).hash).toContain('action=renamed');

    expect(admin.dialogs).toEqual([]);
    expect(admin.errors).toEqual([]);
  });
});
