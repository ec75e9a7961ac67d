import type { Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { BrowserTestBed, describeInChromium } from '../helpers/browser.js';
import { as } from '../helpers/client.js';

/** A unit's node in the tree, by code. */
const unitNode = (scope: Pick<Page, 'locator'>, code: string) => scope.locator(`[data-testid="unit-node"][data-unit-code="${code}"]`);
/** One of the unit's own buttons (not those of the units under it). */
const ownAction = (node: Locator, form: 'rename' | 'unit' | 'port' | 'lab') =>
  node.locator(':scope > .org-head').getByTestId(`unit-action-${form}`);

describeInChromium('the units and ports admin page in Chromium against the real server on PGlite', () => {
  let testBed: BrowserTestBed;

  beforeAll(async () => {
    testBed = await BrowserTestBed.start({ env: { IDENTIFY_JOBS_IN_API: 'false' } });
  });
  afterEach(() => testBed?.closeSessions());
  afterAll(() => testBed?.close());

  it('lets an administrator add a port-level unit and a port under a district; a taken code shows the server’s error and the form stays usable', async () => {
    const { page, dialogs, errors } = await testBed.signIn('admin');
    await page.getByTestId('nav-admin').click();
    await page.getByTestId('nav-units').click();
    await page.getByTestId('units-admin-page').waitFor();
    const ningbo = unitNode(page, 'NINGBO');
    await unitNode(ningbo, 'BEILUN').waitFor();

    // A port-level unit under the district.
    await ownAction(ningbo, 'unit').click();
    const unitForm = ningbo.getByTestId('new-unit-form');
    await unitForm.getByTestId('new-unit-code').fill('zhoushan');
    await unitForm.getByTestId('new-unit-name-zh').fill('舟山海关');
    await unitForm.getByTestId('new-unit-name-en').fill('Zhoushan Customs');
    await unitForm.getByTestId('new-unit-submit').click();
    await unitForm.waitFor({ state: 'detached' });
    const zhoushan = unitNode(ningbo.locator(':scope > .unit-children'), 'ZHOUSHAN');
    await zhoushan.waitFor();
    expect(await zhoushan.getAttribute('data-level')).toBe('port');
    expect(await zhoushan.getByTestId('unit-name').textContent()).toBe('Zhoushan Customs');
    // A port-level unit takes no units under it.
    expect(await ownAction(zhoushan, 'unit').count()).toBe(0);

    // A port of the district itself.
    await ownAction(ningbo, 'port').click();
    const portForm = ningbo.getByTestId('port-form');
    await portForm.getByTestId('port-code').fill('CNNGB-ZS');
    await portForm.getByTestId('port-name-zh').fill('宁波舟山港舟山港区');
    await portForm.getByTestId('port-name-en').fill('Ningbo-Zhoushan Port, Zhoushan');
    await portForm.getByTestId('port-type').selectOption('sea');
    await portForm.getByTestId('port-longitude').fill('122.2');
    await portForm.getByTestId('port-latitude').fill('29.98');
    await portForm.getByTestId('port-submit').click();
    await portForm.waitFor({ state: 'detached' });
    await ningbo.locator(':scope > .org-items [data-testid="port-item"][data-port-code="CNNGB-ZS"]').waitFor();

    // A code another unit has: the server's refusal is shown, the form keeps what was typed and takes another code.
    await ownAction(ningbo, 'unit').click();
    const retried = ningbo.getByTestId('new-unit-form');
    await retried.getByTestId('new-unit-code').fill('BEILUN');
    await retried.getByTestId('new-unit-name-zh').fill('镇海海关');
    await retried.getByTestId('new-unit-name-en').fill('Zhenhai Customs');
    await retried.getByTestId('new-unit-submit').click();
    const refusal = retried.locator('[data-testid="new-unit-error"][data-error-code="unit_code_taken"]');
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain('Another unit has the code BEILUN');
    expect(await retried.getByTestId('new-unit-name-en').inputValue()).toBe('Zhenhai Customs');
    await retried.getByTestId('new-unit-code').fill('NINGBO-ZHENHAI');
    await retried.getByTestId('new-unit-submit').click();
    await retried.waitFor({ state: 'detached' });
    await unitNode(ningbo, 'NINGBO-ZHENHAI').waitFor();

    // The server holds what the page shows.
    const units = (await (await as(testBed.server, 'admin')).listUnits()).json().items;
    const ningboId = units.find((unit) => unit.code === 'NINGBO')!.id;
    expect(units.filter((unit) => unit.parentId === ningboId).map((unit) => [unit.code, unit.level])).toEqual(
      expect.arrayContaining([
        ['ZHOUSHAN', 'port'],
        ['NINGBO-ZHENHAI', 'port'],
      ]),
    );
    expect(units.find((unit) => unit.code === 'NINGBO')!.ports).toMatchObject([
      { code: 'CNNGB-ZS', nameEn: 'Ningbo-Zhoushan Port, Zhoushan', type: 'sea', longitude: 122.2, latitude: 29.98 },
    ]);
    expect(units.filter((unit) => unit.code === 'BEILUN')).toHaveLength(1);
    expect(dialogs).toEqual([]);
    // The refused request is the one thing the browser reports (as a failed resource load).
    expect(errors.filter((error) => !error.includes('status of 409'))).toEqual([]);
  });
  it('takes a laboratory out of service and back, and adds and removes its managers, the server’s refusals shown', async () => {
    const { page, errors } = await testBed.signIn('admin');
    await page.goto('/#/admin/units');
    const admin = await as(testBed.server, 'admin');
    const labFinder = async () => {
      const [units, labs] = [(await admin.listUnits()).json().items, (await admin.listLabDetails()).json().items];
      return (code: string) => labs.find((lab) => lab.unitId === units.find((unit) => unit.code === code)!.id)!;
    };
    const labOf = await labFinder();
    const shanghai = page.locator(`[data-testid="lab-item"][data-lab-id="${labOf('SHANGHAI').id}"]`);
    const ningbo = page.locator(`[data-testid="lab-item"][data-lab-id="${labOf('NINGBO').id}"]`);

    // The box shows the server's state, so it changes when the answer comes: a click, then wait for that state
    // (Playwright's check()/uncheck() expect the box to change at once, and fail when the server is slower than that).
    await shanghai.getByTestId('lab-active').click();
    await page.locator(`[data-testid="lab-item"][data-lab-id="${labOf('SHANGHAI').id}"][data-active="false"]`).waitFor();
    expect((await labFinder())('SHANGHAI').active).toBe(false);
    await shanghai.getByTestId('lab-active').click();
    await page.locator(`[data-testid="lab-item"][data-lab-id="${labOf('SHANGHAI').id}"][data-active="true"]`).waitFor();

    // Headquarters' expert may manage Ningbo's lab; Ningbo's expert may not manage Shanghai's.
    await ningbo.getByTestId('lab-manager-add').click();
    await ningbo.getByTestId('lab-manager-candidate-search').fill('hq');
    await ningbo.locator('[data-testid="lab-manager-candidate-match"][data-username="expert.hq"]').click();
    await ningbo.locator('[data-testid="lab-manager"][data-username="expert.hq"]').waitFor();
    expect(
      (await labFinder())('NINGBO')
        .managers.map((manager) => manager.username)
        .sort(),
    ).toEqual(['expert.hq', 'expert.ningbo']);
    await shanghai.getByTestId('lab-manager-add').click();
    await shanghai.getByTestId('lab-manager-candidate-search').fill('ningbo');
    await shanghai.locator('[data-testid="lab-manager-candidate-match"][data-username="expert.ningbo"]').click();
    await shanghai.locator('[data-testid="lab-managers-error"][data-error-code="lab_out_of_manager_scope"]').waitFor();
    expect((await labFinder())('SHANGHAI').managers.map((manager) => manager.username)).toEqual(['expert.hq']);

    await ningbo.locator('[data-testid="lab-manager"][data-username="expert.hq"]').getByTestId('lab-manager-remove').click();
    await ningbo.locator('[data-testid="lab-manager"][data-username="expert.hq"]').waitFor({ state: 'detached' });
    expect((await labFinder())('NINGBO').managers.map((manager) => manager.username)).toEqual(['expert.ningbo']);
    expect(errors.filter((error) => !error.includes('status of 422'))).toEqual([]);
  });
});
