import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { AlertChannel } from '../../api/contract/index.js';
import { BrowserTestBed, describeInChromium } from '../helpers/browser.js';
import { as } from '../helpers/client.js';

/** What a refused request looks like in the console: expected where the test makes the server refuse. */
const REFUSED_REQUEST = /Failed to load resource: the server responded with a status of 400/;

describeInChromium('the alert channels page in Chromium against the real server on PGlite', () => {
  let testBed: BrowserTestBed;

  beforeAll(async () => {
    testBed = await BrowserTestBed.start({ env: { IDENTIFY_JOBS_IN_API: 'false' } });
  });
  afterEach(() => testBed?.closeSessions());
  afterAll(() => testBed?.close());

  async function channels(): Promise<AlertChannel[]> {
    const response = await (await as(testBed.server, 'admin')).listAlertChannels();
    expect(response.statusCode, response.body).toBe(200);
    return response.json().items;
  }

  async function unitIdOf(code: string): Promise<string> {
    const units = (await (await as(testBed.server, 'admin')).listUnits()).json().items;
    return units.find((unit) => unit.code === code)!.id;
  }

  it("lets an administrator add a webhook and an SMS channel to units, showing the server's refusal of a bad URL", async () => {
    const admin = await testBed.signIn('admin');
    const { page } = admin;
    await page.getByTestId('nav-admin').click();
    await page.getByTestId('nav-alert-channels').click();
    await page.getByTestId('alert-channels-empty').waitFor();

    // A webhook for Ningbo, first with a URL the server refuses: it says why, and nothing is created.
    await page.getByTestId('new-channel').click();
    const form = page.getByTestId('new-channel-form');
    await form.getByTestId('channel-unit').selectOption(await unitIdOf('NINGBO'));
    await form.getByTestId('channel-kind').selectOption('webhook');
    await form.getByTestId('channel-name').fill('Ningbo SOC');
    await form.getByTestId('channel-url').fill('ftp://soc.example.cn/hooks/vd');
    await form.getByTestId('new-channel-submit').click();
    const refusal = form.locator('[data-testid="new-channel-error"][data-error-code="invalid_url"]');
    await refusal.waitFor();
    expect(await refusal.innerText()).toContain('webhook.url');
    expect(await channels()).toEqual([]);

    await form.getByTestId('channel-url').fill('https://soc.example.cn/hooks/vd');
    await form.getByTestId('new-channel-submit').click();
    await form.waitFor({ state: 'detached' });
    // Its generated secret is shown this once; lists never carry it.
    const secret = await page.getByTestId('channel-secret-value').innerText();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const ningbo = page.locator('[data-testid="channel-unit-group"][data-unit-code="NINGBO"]');
    const webhookRow = ningbo.locator('[data-testid="channel-row"][data-kind="webhook"]');
    await webhookRow.waitFor();
    expect(await webhookRow.getByTestId('channel-name-cell').innerText()).toBe('Ningbo SOC');
    expect(await webhookRow.getByTestId('channel-endpoint').innerText()).toBe('https://soc.example.cn/hooks/vd');
    expect(await webhookRow.getByTestId('channel-credential').innerText()).toBe('Secret set');
    expect(await webhookRow.getAttribute('data-enabled')).toBe('true');
    const [webhook] = await channels();
    expect(webhook).toMatchObject({
      kind: 'webhook',
      name: 'Ningbo SOC',
      enabled: true,
      unit: { code: 'NINGBO' },
      webhook: { url: 'https://soc.example.cn/hooks/vd' },
    });
    expect(JSON.stringify(webhook)).not.toContain(secret);
    await page.getByTestId('channel-secret-dismiss').click();
    await page.getByTestId('channel-secret').waitFor({ state: 'detached' });

    // An SMS gateway for Yangshan, with two numbers and a token.
    await page.getByTestId('new-channel').click();
    await form.getByTestId('channel-unit').selectOption(await unitIdOf('YANGSHAN'));
    await form.getByTestId('channel-kind').selectOption('sms');
    await form.getByTestId('channel-name').fill('Yangshan duty phones');
    await form.getByTestId('channel-url').fill('https://sms.example.cn/send');
    await form.getByTestId('channel-recipients').fill('+8613800000001\n+8613800000002');
    await form.getByTestId('channel-token').fill('gateway-token');
    await form.getByTestId('new-channel-submit').click();
    await form.waitFor({ state: 'detached' });
    const smsRow = page.locator(
      '[data-testid="channel-unit-group"][data-unit-code="YANGSHAN"] [data-testid="channel-row"][data-kind="sms"]',
    );
    await smsRow.waitFor();
    expect(await smsRow.getByTestId('channel-credential').innerText()).toBe('Token set');
    expect(await page.getByTestId('channel-secret').count()).toBe(0);
    expect((await channels()).find((channel) => channel.kind === 'sms')).toMatchObject({
      unit: { code: 'YANGSHAN' },
      sms: { url: 'https://sms.example.cn/send', recipients: ['+8613800000001', '+8613800000002'], tokenSet: true },
    });

    // The webhook is switched off, then renamed; its secret stays as it was.
    await webhookRow.getByTestId('channel-toggle').click();
    await ningbo.locator('[data-testid="channel-row"][data-enabled="false"]').waitFor();
    await webhookRow.getByTestId('channel-edit').click();
    await page.getByTestId('edit-channel-name').fill('Ningbo SOC (night)');
    await page.getByTestId('edit-channel-save').click();
    await page.getByTestId('edit-channel-form').waitFor({ state: 'detached' });
    await webhookRow.getByTestId('channel-name-cell').filter({ hasText: 'Ningbo SOC (night)' }).waitFor();
    expect((await channels()).find((channel) => channel.id === webhook!.id)).toMatchObject({ name: 'Ningbo SOC (night)', enabled: false });
    expect(await page.getByTestId('channel-secret').count()).toBe(0);

    expect(admin.dialogs).toEqual([]);
    expect(admin.errors.filter((error) => !REFUSED_REQUEST.test(error))).toEqual([]);
  });

  it('links to the watch list, where alerts come from', async () => {
    const admin = await testBed.signIn('admin');
    await admin.page.goto('/#/admin/alert-channels');
    await admin.page.getByTestId('alert-channels-watch-list').click();
    await admin.page.getByTestId('taxa-admin-page').waitFor();
    expect(admin.errors).toEqual([]);
  });
});
